package dev.duro.model.history;

import dev.duro.model.util.Invariants;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Duro's own history format: one JSON object per line, one line per event, in time order.
 *
 * <pre>
 * {"type":"invoke","process":0,"f":"write","key":"x","value":1,"time":100}
 * {"type":"ok","process":0,"f":"write","value":1,"time":180}
 * </pre>
 *
 * {@code type} is {@code invoke}, {@code ok}, {@code fail} or {@code info}; {@code process} an
 * integer; {@code f} the function; {@code key} optional; {@code value} the input on invoke and the
 * output on ok (absent on ok = output unknown); {@code time} integer nanoseconds. Each completion
 * closes its process's open invoke; invokes never closed are indeterminate. Blank lines are
 * skipped. JSON has no keywords: write {@code "read"} where EDN has {@code :read}.
 */
public final class DuroJsonLines {
    private DuroJsonLines() {}

    /** Parses a whole file; {@code source} names it in errors. */
    public static History parse(String text, String source) {
        List<Event> events = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        long lastTime = Long.MIN_VALUE;
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].isBlank()) continue;
            int line = n + 1;
            if (!(Json.parse(lines[n], source, line) instanceof Map<?, ?> m)) {
                throw new HistoryFormatException(source, line, "expected a JSON object per line");
            }
            Status type = switch (String.valueOf(m.get("type"))) {
                case "invoke" -> null;
                case "ok" -> Status.OK;
                case "fail" -> Status.FAIL;
                case "info" -> Status.INFO;
                default -> throw new HistoryFormatException(source, line,
                        "expected \"type\" invoke, ok, fail or info, found " + Json.write(m.get("type")));
            };
            if (!(m.get("process") instanceof Long p) || p != (int) (long) p) {
                throw new HistoryFormatException(source, line, "expected an integer \"process\"");
            }
            if (!(m.get("f") instanceof String f) || f.isEmpty()) {
                throw new HistoryFormatException(source, line, "expected a string \"f\"");
            }
            if (!(m.get("time") instanceof Long time)) {
                throw new HistoryFormatException(source, line, "expected an integer \"time\" (nanoseconds)");
            }
            if (time < lastTime) {
                throw new HistoryFormatException(source, line, "time " + time + " goes backwards (previous " + lastTime + ")");
            }
            lastTime = time;
            Object value = m.containsKey("value") ? m.get("value") : (type == Status.OK ? Unknown.VALUE : null);
            events.add(new Event(line, time, (int) (long) p, type, f, m.get("key"), value));
        }
        return EventPairing.pair(events, source);
    }

    /**
     * The history as event lines in time order. The reader pairs a completion with its process's
     * open invoke by line order, and a process's completion and next invoke may share a time, so
     * each process's events keep their own order (invoke, completion, next invoke, ...) and the
     * processes are merged by time; at equal times completions go first, which the reader does
     * not mind: intervals come from the times, not from the line order.
     */
    public static String write(History history) {
        record Line(long time, int order, int process, String text) {}
        Map<Integer, ArrayDeque<Line>> byProcess = new TreeMap<>();
        for (Operation op : history.operations()) {
            ArrayDeque<Line> lines = byProcess.computeIfAbsent(op.process(), p -> new ArrayDeque<>());
            Line previous = lines.peekLast();
            Invariants.check(previous == null || (previous.order() == 1 && previous.time() <= op.invokeNanos()),
                    "process %s invokes %s at %s while its previous operation is still open: not writable as events",
                    op.process(), op.f(), op.invokeNanos());
            StringBuilder b = new StringBuilder("{\"type\":\"invoke\",\"process\":").append(op.process())
                    .append(",\"f\":");
            Json.write(b, op.f());
            if (op.key() != null) Json.write(b.append(",\"key\":"), op.key());
            Json.write(b.append(",\"value\":"), op.input());
            b.append(",\"time\":").append(op.invokeNanos()).append('}');
            lines.add(new Line(op.invokeNanos(), 0, op.process(), b.toString()));
            if (op.status() == Status.INFO && op.completeNanos() == Operation.NEVER) continue;
            StringBuilder c = new StringBuilder("{\"type\":\"").append(op.status().label()).append("\",\"process\":")
                    .append(op.process()).append(",\"f\":");
            Json.write(c, op.f());
            if (op.key() != null) Json.write(c.append(",\"key\":"), op.key());
            if (op.status() == Status.OK && op.output() != Unknown.VALUE) Json.write(c.append(",\"value\":"), op.output());
            c.append(",\"time\":").append(op.completeNanos()).append('}');
            lines.add(new Line(op.completeNanos(), 1, op.process(), c.toString()));
        }
        Comparator<ArrayDeque<Line>> byHead = Comparator.comparing(ArrayDeque::peekFirst,
                Comparator.comparingLong(Line::time).thenComparingInt(l -> -l.order()).thenComparingInt(Line::process));
        PriorityQueue<ArrayDeque<Line>> heads = new PriorityQueue<>(byHead);
        for (ArrayDeque<Line> lines : byProcess.values()) heads.add(lines);
        StringBuilder all = new StringBuilder();
        while (!heads.isEmpty()) {
            ArrayDeque<Line> lines = heads.poll();
            all.append(lines.pollFirst().text()).append('\n');
            if (!lines.isEmpty()) heads.add(lines);
        }
        return all.toString();
    }
}
