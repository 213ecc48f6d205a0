package dev.duro.sim.trace;

/**
 * The JSON-lines form of a trace event (one object per line). Schema, all keys always present:
 * <pre>
 * {"i": index, "t": virtual nanos, "node": "n3" or null, "kind": "deliver", "a": long, "b": long,
 *  "c": long, "label": string or null, "detail": string or null, "text": human description,
 *  "chain": running digest after this event, 16 hex digits}
 * </pre>
 */
public final class TraceJson {
    private TraceJson() {}

    public static String line(TraceEvent e) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"i\":").append(e.index())
                .append(",\"t\":").append(e.timeNanos())
                .append(",\"node\":");
        if (e.node() < 0) sb.append("null");
        else sb.append("\"n").append(e.node()).append('"');
        sb.append(",\"kind\":\"").append(e.kind().jsonName()).append('"')
                .append(",\"a\":").append(e.a())
                .append(",\"b\":").append(e.b())
                .append(",\"c\":").append(e.c())
                .append(",\"label\":");
        string(sb, e.label());
        sb.append(",\"detail\":");
        string(sb, e.detail());
        sb.append(",\"text\":");
        string(sb, e.describe());
        sb.append(",\"chain\":\"").append(Trace.hex(e.chain())).append("\"}");
        return sb.toString();
    }

    /** Appends {@code s} as a JSON string literal, or {@code null}. */
    public static void string(StringBuilder sb, String s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        sb.append('"');
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        string(sb, s);
        return sb.toString();
    }
}
