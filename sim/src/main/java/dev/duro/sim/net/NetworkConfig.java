package dev.duro.sim.net;

import dev.duro.model.util.Invariants;

/**
 * The network's fault knobs. Latency of each copy of a message is {@code baseLatencyNanos} plus a
 * jitter drawn from {@link #jitter()} with scale {@code jitterNanos}; with probability
 * {@code reorderRate} a copy gets an extra uniform delay in {@code [0, reorderDelayNanos)}, which
 * reorders it behind later messages. Each message is lost with probability {@code lossRate} and
 * duplicated (a second copy, its own latency) with probability {@code duplicateRate}.
 */
public record NetworkConfig(long baseLatencyNanos, long jitterNanos, Jitter jitter, double lossRate,
                            double duplicateRate, double reorderRate, long reorderDelayNanos) {

    /** Shape of the latency jitter. */
    public enum Jitter {
        /** Uniform in {@code [0, jitterNanos]}. */
        UNIFORM,
        /** Exponential with mean {@code jitterNanos} (a long tail), capped at 20 means. */
        EXPONENTIAL
    }

    /** 1 ms base, exponential jitter of mean 0.5 ms, no loss, no duplication, no extra reordering. */
    public static final NetworkConfig DEFAULT = new NetworkConfig(1_000_000, 500_000, Jitter.EXPONENTIAL, 0, 0, 0, 0);

    public NetworkConfig {
        Invariants.check(baseLatencyNanos >= 0, "base latency must be >= 0");
        Invariants.check(jitterNanos >= 0, "jitter must be >= 0");
        Invariants.check(jitter != null, "jitter shape must be set");
        Invariants.check(lossRate >= 0 && lossRate <= 1, "loss rate must lie in [0, 1], got %s", lossRate);
        Invariants.check(duplicateRate >= 0 && duplicateRate <= 1, "duplicate rate must lie in [0, 1], got %s", duplicateRate);
        Invariants.check(reorderRate >= 0 && reorderRate <= 1, "reorder rate must lie in [0, 1], got %s", reorderRate);
        Invariants.check(reorderDelayNanos >= 0, "reorder delay must be >= 0");
    }

    public NetworkConfig withLossRate(double rate) {
        return new NetworkConfig(baseLatencyNanos, jitterNanos, jitter, rate, duplicateRate, reorderRate, reorderDelayNanos);
    }

    public NetworkConfig withDuplicateRate(double rate) {
        return new NetworkConfig(baseLatencyNanos, jitterNanos, jitter, lossRate, rate, reorderRate, reorderDelayNanos);
    }

    public NetworkConfig withReorder(double rate, long delayNanos) {
        return new NetworkConfig(baseLatencyNanos, jitterNanos, jitter, lossRate, duplicateRate, rate, delayNanos);
    }

    public NetworkConfig withLatency(long baseNanos, long jitterScaleNanos, Jitter shape) {
        return new NetworkConfig(baseNanos, jitterScaleNanos, shape, lossRate, duplicateRate, reorderRate, reorderDelayNanos);
    }

    /** A fault-free copy with the same latency: no loss, duplication or extra reordering. */
    public NetworkConfig healed() {
        return new NetworkConfig(baseLatencyNanos, jitterNanos, jitter, 0, 0, 0, 0);
    }

    @Override
    public String toString() {
        return "latency=" + baseLatencyNanos + "ns+" + jitter.name().toLowerCase(java.util.Locale.ROOT) + "(" + jitterNanos
                + "ns) loss=" + lossRate + " dup=" + duplicateRate + " reorder=" + reorderRate + "/" + reorderDelayNanos + "ns";
    }
}
