package dev.duro.sim.trace;

/**
 * One recorded event, materialized from the trace's ring (events are stored as primitives and
 * turned into records only when somebody reads them).
 *
 * @param index position in the run's trace, from 0
 * @param timeNanos virtual time of the event
 * @param node the node it concerns, or -1 for the harness
 * @param kind what happened
 * @param a first numeric field (meaning per kind, see {@link EventKind})
 * @param b second numeric field
 * @param c third numeric field
 * @param label short constant text (drop reason, record kind), or null
 * @param detail free-form text, or null
 * @param chain the running digest after this event
 */
public record TraceEvent(long index, long timeNanos, int node, EventKind kind, long a, long b, long c,
                         String label, String detail, long chain) {

    /** One human-readable line, e.g. {@code #12 t=1.250000ms n1 deliver msg#7 from n0 (hash 3af2...)}. */
    public String text() {
        return "#" + index + " t=" + formatMillis(timeNanos) + " " + (node < 0 ? "--" : "n" + node) + " "
                + kind.jsonName() + " " + describe();
    }

    /** The kind-specific part of {@link #text()}. */
    public String describe() {
        return switch (kind) {
            case TASK, TIMER -> "seq " + a + " inc " + b;
            case SEND -> "msg#" + a + " to n" + b + " hash " + Long.toHexString(c);
            case DELIVER -> "msg#" + a + " from n" + b + " hash " + Long.toHexString(c);
            case DROP -> "msg#" + a + " from n" + b + " (" + label + ")";
            case DUPLICATE -> "msg#" + a + " to n" + b;
            case START -> "incarnation " + a;
            case CRASH -> "incarnation " + a + " lost its volatile state";
            case PAUSE -> "for " + formatMillis(a) + (b == 1 ? " (messages first at the end)" : "");
            case RESUME -> "";
            case CLOG -> "until " + formatMillis(a) + " " + nonNull(detail);
            case CLOCK -> "drift " + a + " ppm, wall jump " + b + " ns";
            case PARTITION, HEAL, FAULT, RECORD, NOTE, FAILURE ->
                    (label == null ? "" : label + " ") + nonNull(detail);
        };
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Virtual nanoseconds as milliseconds with six decimals. */
    public static String formatMillis(long nanos) {
        long ms = nanos / 1_000_000;
        long rest = Math.abs(nanos % 1_000_000);
        return ms + "." + String.format(java.util.Locale.ROOT, "%06d", rest) + "ms";
    }
}
