package dev.duro.runtime.cluster;

/**
 * How a {@link ClusterNode} forwards requests and watches ownership.
 *
 * @param maxInFlightForwards forwards this node may have waiting for owners' answers; beyond it a
 *                            request that needs forwarding is answered OVERLOADED at once (nothing
 *                            queues without bound)
 * @param forwardTimeoutNanos a forward not answered within this long fails the client's call with
 *                            UNAVAILABLE (outcome unknown); so does a forward to an owner the failure
 *                            detector starts suspecting meanwhile
 * @param sweepIntervalNanos  how often the node re-checks which objects it should own (besides
 *                            every change of the failure detector's view), so alarms of objects it
 *                            took over are armed without waiting for a request
 */
public record RoutingOptions(int maxInFlightForwards, long forwardTimeoutNanos, long sweepIntervalNanos) {
    public RoutingOptions {
        if (maxInFlightForwards < 1) throw new IllegalArgumentException("maxInFlightForwards must be >= 1, got " + maxInFlightForwards);
        if (forwardTimeoutNanos <= 0 || sweepIntervalNanos <= 0) {
            throw new IllegalArgumentException("the forward timeout and the sweep interval must be positive");
        }
    }

    /** 1,024 forwards in flight, 5 s forward timeout, a sweep every 2 s. */
    public static RoutingOptions defaults() {
        return new RoutingOptions(1024, 5_000_000_000L, 2_000_000_000L);
    }

    public RoutingOptions withMaxInFlightForwards(int max) {
        return new RoutingOptions(max, forwardTimeoutNanos, sweepIntervalNanos);
    }
}
