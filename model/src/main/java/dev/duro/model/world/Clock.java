package dev.duro.model.world;

/**
 * Time as one node sees it.
 *
 * <p>Two readings, for two purposes. {@link #monotonicNanos()} never goes backwards on a node and
 * is what timeouts, leases and deadlines are measured with; it may drift from other nodes' clocks
 * within the configured bound ε. {@link #wallMillis()} is the node's idea of calendar time, for
 * user-visible timestamps (alarms, bookmarks); it may be skewed and may jump, so nothing that
 * guards safety reads it.
 *
 * <p>In simulation both derive from virtual time (plus this node's offset and drift); in
 * deployment from the JVM's monotonic timer and its system clock. A crash does not
 * reset the monotonic clock's origin in simulation; code must not assume anything about its
 * absolute value, only differences.
 */
public interface Clock {
    /** Nanoseconds from an arbitrary origin; non-decreasing on this node. */
    long monotonicNanos();

    /** Milliseconds since the Unix epoch as this node believes it; may jump or be skewed. */
    long wallMillis();
}
