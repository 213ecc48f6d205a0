package dev.duro.sim.trace;

/**
 * What a trace event records. Each kind has a fixed numeric {@link #code()} that enters the
 * digest, so renaming or reordering the constants never changes a digest; new kinds take new codes.
 * The meaning of the numeric fields {@code a, b, c} per kind is in {@link TraceEvent#text()}.
 */
public enum EventKind {
    /** A task ran on a node's loop: a = queue sequence, b = incarnation. */
    TASK(1),
    /** A timer fired on a node's loop: a = queue sequence, b = incarnation. */
    TIMER(2),
    /** A message was sent: node = sender, a = message id, b = receiver, c = payload hash. */
    SEND(3),
    /** A message reached its receiver's handler: node = receiver, a = id, b = sender, c = payload hash. */
    DELIVER(4),
    /** A message was dropped: node = receiver, a = id, b = sender, label = reason. */
    DROP(5),
    /** The network duplicated a message: node = sender, a = id, b = receiver. */
    DUPLICATE(6),
    /** A node booted or rebooted: a = incarnation. */
    START(7),
    /** A node crashed, losing all volatile state: a = the incarnation that died. */
    CRASH(8),
    /** A node's process stopped running for a while: a = duration in nanoseconds. */
    PAUSE(9),
    /** A paused node runs again. */
    RESUME(10),
    /** A network partition or a link change: detail = the blocked links. */
    PARTITION(11),
    /** All partitions healed. */
    HEAL(12),
    /** A node or a link was clogged: a = until (virtual nanos), detail = what. */
    CLOG(13),
    /** A clock fault: node's drift set to a = ppm, or its wall clock jumped by b nanos. */
    CLOCK(14),
    /** A fault knob changed or a fault point fired: label = fault, detail = parameters. */
    FAULT(15),
    /** A fact reported by node code through its TraceSink (disk ops, epochs): label = its kind. */
    RECORD(16),
    /** A note from the scenario or the harness (phase changes, drawn parameters). */
    NOTE(17),
    /** A task threw: the run stops; detail = the exception. */
    FAILURE(18);

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The lower-case name used in JSON and text output. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
