package dev.duro.model.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jepsen/Knossos op maps in EDN: a vector or list of maps, or a bare sequence of them, any
 * layout ({@code {:process 0, :type :invoke, :f :read, :value nil}}). Ops whose {@code :process}
 * is not an integer ({@code :nemesis}) are ignored. Pairing follows Knossos (see
 * {@link EventPairing}).
 */
public final class EdnHistoryParser {
    private EdnHistoryParser() {}

    /** How completions are read; the formats differ only here. */
    public enum Dialect {
        /**
         * Knossos: an ok {@code :read} of nil carries no information (Knossos's register models
         * accept a nil read in any state), so it becomes an unknown output.
         */
        KNOSSOS,
        /** Jepsen KV op maps ({@code :key}, {@code :f :get/:put/:append}): values as written. */
        JEPSEN_KV
    }

    private static final Keyword PROCESS = new Keyword("process");
    private static final Keyword TYPE = new Keyword("type");
    private static final Keyword F = new Keyword("f");
    private static final Keyword KEY = new Keyword("key");
    private static final Keyword VALUE = new Keyword("value");

    /** Parses {@code text}; {@code source} names it in errors. */
    public static History parse(String text, String source, Dialect dialect) {
        Edn edn = new Edn(text, source, 1);
        List<Event> events = new ArrayList<>();
        boolean wrapped = edn.enterSequence();
        while (true) {
            if (wrapped && edn.leaveSequence()) {
                if (!edn.atEnd()) throw edn.error("expected end of input after the history vector");
                break;
            }
            if (edn.atEnd()) {
                if (wrapped) throw edn.error("expected ']' to close the history");
                break;
            }
            int line = edn.line();
            Object form = edn.read();
            Event e = toEvent(form, source, line, events.size(), dialect);
            if (e != null) events.add(e);
        }
        return EventPairing.pair(events, source);
    }

    private static Event toEvent(Object form, String source, int line, long time, Dialect dialect) {
        if (!(form instanceof Map<?, ?> m)) {
            throw new HistoryFormatException(source, line, "expected an op map {:process .. :type .. :f ..}, found "
                    + Values.show(form));
        }
        Object p = m.get(PROCESS);
        if (!(p instanceof Long process)) {
            if (p instanceof Keyword || p instanceof Edn.Symbol) return null; // :nemesis and friends
            throw new HistoryFormatException(source, line, "expected an integer :process, found " + Values.show(p));
        }
        if (!(m.get(F) instanceof Keyword f)) {
            throw new HistoryFormatException(source, line, "expected a keyword :f, found " + Values.show(m.get(F)));
        }
        Object value = m.get(VALUE);
        Status type;
        if (!(m.get(TYPE) instanceof Keyword t)) {
            throw new HistoryFormatException(source, line, "expected :type :invoke/:ok/:fail/:info, found "
                    + Values.show(m.get(TYPE)));
        }
        switch (t.name()) {
            case "invoke" -> type = null;
            case "ok" -> type = Status.OK;
            case "fail" -> type = Status.FAIL;
            case "info" -> type = Status.INFO;
            default -> throw new HistoryFormatException(source, line, "expected :type :invoke/:ok/:fail/:info, found " + t);
        }
        if (type == Status.OK && dialect == Dialect.KNOSSOS && f.name().equals("read") && value == null) {
            value = Unknown.VALUE;
        }
        if (process > Integer.MAX_VALUE || process < Integer.MIN_VALUE) {
            throw new HistoryFormatException(source, line, "process number out of range: " + process);
        }
        return new Event(line, time, (int) (long) process, type, f.name(), m.get(KEY), value);
    }
}
