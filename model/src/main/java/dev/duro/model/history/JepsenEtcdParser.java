package dev.duro.model.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Jepsen 0.0.x etcd register logs ({@code INFO  jepsen.util - 2	:invoke	:cas	[3 0]}), the
 * format of Porcupine's {@code test_data/jepsen}. Fields are separated by any whitespace run.
 *
 * <p>Semantics (as Porcupine reads these logs): {@code :ok :cas} succeeded (output
 * {@code true}); {@code :fail :cas} completed and found a different value (output {@code false}:
 * it constrains the state, it is not dropped); {@code :fail :read :timed-out} and
 * {@code :info} completions are indeterminate. Lines without {@code jepsen.util - } are skipped.
 */
public final class JepsenEtcdParser {
    private JepsenEtcdParser() {}

    private static final String MARKER = "jepsen.util - ";

    /** Parses a whole log; {@code source} names it in errors. */
    public static History parse(String text, String source) {
        List<Event> events = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            int at = lines[n].indexOf(MARKER);
            if (at < 0) {
                if (!lines[n].isBlank() && lines[n].contains(":invoke")) {
                    throw new HistoryFormatException(source, n + 1, "expected 'jepsen.util - <process> <type> <f> <value>'");
                }
                continue;
            }
            events.add(parseLine(lines[n].substring(at + MARKER.length()).trim(), source, n + 1, events.size()));
        }
        return EventPairing.pair(events, source);
    }

    private static Event parseLine(String rest, String source, int line, long time) {
        String[] t = rest.split("\\s+", 4);
        if (t.length < 4) {
            throw new HistoryFormatException(source, line, "expected '<process> <type> <f> <value>', found '" + rest + "'");
        }
        int process;
        try {
            process = Integer.parseInt(t[0]);
        } catch (NumberFormatException e) {
            throw new HistoryFormatException(source, line, "expected a process number, found '" + t[0] + "'");
        }
        String f = switch (t[2]) {
            case ":read" -> "read";
            case ":write" -> "write";
            case ":cas" -> "cas";
            default -> throw new HistoryFormatException(source, line, "expected :read, :write or :cas, found '" + t[2] + "'");
        };
        Object value = parseValue(t[3].trim(), f, source, line);
        return switch (t[1]) {
            case ":invoke" -> new Event(line, time, process, null, f, null, f.equals("read") ? null : value);
            case ":ok" -> new Event(line, time, process, Status.OK, f, null, f.equals("cas") ? Boolean.TRUE : value);
            case ":fail" -> f.equals("cas")
                    ? new Event(line, time, process, Status.OK, f, null, Boolean.FALSE)
                    : new Event(line, time, process, Status.INFO, f, null, null);
            case ":info" -> new Event(line, time, process, Status.INFO, f, null, null);
            default -> throw new HistoryFormatException(source, line, "expected :invoke, :ok, :fail or :info, found '" + t[1] + "'");
        };
    }

    private static Object parseValue(String v, String f, String source, int line) {
        if (v.equals("nil") || v.equals(":timed-out")) return null;
        if (f.equals("cas")) {
            if (!v.startsWith("[") || !v.endsWith("]")) {
                throw new HistoryFormatException(source, line, "expected [from to] for :cas, found '" + v + "'");
            }
            String[] parts = v.substring(1, v.length() - 1).trim().split("\\s+");
            if (parts.length != 2) throw new HistoryFormatException(source, line, "expected [from to] for :cas, found '" + v + "'");
            return List.of(number(parts[0], source, line), number(parts[1], source, line));
        }
        return number(v, source, line);
    }

    private static Long number(String s, String source, int line) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new HistoryFormatException(source, line, "expected an integer or nil, found '" + s + "'");
        }
    }
}
