package dev.duro.model.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimal JSON for history lines: objects to insertion-ordered {@link Map}, arrays to
 * {@link List}, integers to {@link Long}, other numbers to {@link Double}. Writing maps
 * {@link Keyword}s to their name (JSON has no keywords) and sets to arrays.
 */
public final class Json {
    private final String text;
    private final String source;
    private final int line;
    private int pos;

    private Json(String text, String source, int line) {
        this.text = text;
        this.source = source;
        this.line = line;
    }

    /** Parses one JSON value that must fill {@code text} (one line of a file). */
    public static Object parse(String text, String source, int line) {
        Json j = new Json(text, source, line);
        Object v = j.value();
        j.blank();
        if (j.pos != text.length()) throw j.error("expected end of line after the JSON value");
        return v;
    }

    /** The JSON text of a history value. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    /** Appends the JSON text of {@code v}. */
    public static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            Values.appendQuoted(b, s);
        } else if (v instanceof Keyword k) {
            write(b, k.name());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Boolean || v instanceof Double) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.append(',');
                first = false;
                write(b, e.getKey() instanceof String || e.getKey() instanceof Keyword ? e.getKey() : Values.show(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            Collection<?> elements = c;
            if (v instanceof Set) {
                // A set's iteration order may differ between runs (Set.of, HashSet): sort it.
                List<Object> sorted = new ArrayList<>(c);
                sorted.sort(Values.ORDER);
                elements = sorted;
            }
            b.append('[');
            boolean first = true;
            for (Object o : elements) {
                if (!first) b.append(',');
                first = false;
                write(b, o);
            }
            b.append(']');
        } else {
            write(b, String.valueOf(v));
        }
    }

    private HistoryFormatException error(String problem) {
        return new HistoryFormatException(source, line, problem + " (column " + (pos + 1) + ")");
    }

    private void blank() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private Object value() {
        blank();
        if (pos >= text.length()) throw error("expected a JSON value");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            default: break;
        }
        if (text.startsWith("null", pos)) { pos += 4; return null; }
        if (text.startsWith("true", pos)) { pos += 4; return Boolean.TRUE; }
        if (text.startsWith("false", pos)) { pos += 5; return Boolean.FALSE; }
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) pos++;
        String n = text.substring(start, pos);
        if (n.isEmpty()) throw error("expected a JSON value, found '" + c + "'");
        try {
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw error("expected a number, found '" + n + "'");
        }
    }

    private Map<String, Object> object() {
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        blank();
        if (pos < text.length() && text.charAt(pos) == '}') { pos++; return m; }
        while (true) {
            blank();
            if (pos >= text.length() || text.charAt(pos) != '"') throw error("expected a string key");
            String k = string();
            blank();
            if (pos >= text.length() || text.charAt(pos) != ':') throw error("expected ':' after key \"" + k + "\"");
            pos++;
            if (m.put(k, value()) != null) throw error("duplicate key \"" + k + "\"");
            blank();
            if (pos < text.length() && text.charAt(pos) == ',') { pos++; continue; }
            if (pos < text.length() && text.charAt(pos) == '}') { pos++; return Collections.unmodifiableMap(m); }
            throw error("expected ',' or '}' in object");
        }
    }

    private List<Object> array() {
        pos++;
        List<Object> l = new ArrayList<>();
        blank();
        if (pos < text.length() && text.charAt(pos) == ']') { pos++; return l; }
        while (true) {
            l.add(value());
            blank();
            if (pos < text.length() && text.charAt(pos) == ',') { pos++; continue; }
            if (pos < text.length() && text.charAt(pos) == ']') { pos++; return Collections.unmodifiableList(l); }
            throw error("expected ',' or ']' in array");
        }
    }

    private String string() {
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos++);
            if (c == '"') return b.toString();
            if (c != '\\') { b.append(c); continue; }
            if (pos >= text.length()) throw error("unterminated escape");
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw error("expected 4 hex digits after \\u");
                    try {
                        b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("expected 4 hex digits after \\u");
                    }
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }
}
