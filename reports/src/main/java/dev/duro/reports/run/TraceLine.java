package dev.duro.reports.run;

import dev.duro.model.history.Json;
import java.util.Map;

/**
 * One line of a run's trace file ({@code --trace}, JSON lines), as the report needs it.
 *
 * @param index position in the trace, from 0
 * @param timeNanos virtual time
 * @param node {@code "n3"}, or null for the harness
 * @param kind the event kind's JSON name ({@code crash}, {@code record}, ...)
 * @param label the record kind or fault name, or null
 * @param a the first numeric field (a pause's length, an incarnation)
 * @param text the event's human-readable text
 */
public record TraceLine(long index, long timeNanos, String node, String kind, String label, long a, String text) {

    /** Parses one line of the trace file; {@code lineNumber} is for the error message. */
    public static TraceLine parse(String json, String source, int lineNumber) {
        if (!(Json.parse(json, source, lineNumber) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(source + ":" + lineNumber + ": a trace line must be a JSON object");
        }
        return new TraceLine(number(m, "i", source, lineNumber), number(m, "t", source, lineNumber),
                string(m, "node"), requireString(m, "kind", source, lineNumber), string(m, "label"),
                m.get("a") instanceof Number n ? n.longValue() : 0, string(m, "text"));
    }

    public double timeMs() {
        return timeNanos / 1e6;
    }

    /** The record kind for {@code record} events ({@code repl-won}), else the event kind. */
    public String what() {
        return "record".equals(kind) && label != null ? label : kind;
    }

    /** The number of the node ({@code n3} → 3), or -1 for the harness. */
    public int nodeNumber() {
        if (node == null || node.length() < 2 || node.charAt(0) != 'n') return -1;
        try {
            return Integer.parseInt(node.substring(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long number(Map<?, ?> m, String key, String source, int line) {
        if (m.get(key) instanceof Number n) return n.longValue();
        throw new IllegalArgumentException(source + ":" + line + ": field '" + key + "' missing or not a number");
    }

    private static String requireString(Map<?, ?> m, String key, String source, int line) {
        String s = string(m, key);
        if (s == null) throw new IllegalArgumentException(source + ":" + line + ": field '" + key + "' missing");
        return s;
    }

    private static String string(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }
}
