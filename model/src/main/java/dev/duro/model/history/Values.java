package dev.duro.model.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Printing history values the way EDN does: {@code nil}, {@code "s"}, {@code [1 2]}, {@code :k};
 * sets and maps sorted by {@link #ORDER}, so the text never depends on hash order.
 */
public final class Values {
    private Values() {}

    /**
     * A total order on plain values, for printing unordered collections the same way on every
     * run: nil first, then booleans, integers (numerically), strings, keywords, and anything else
     * by its printed form.
     */
    public static final Comparator<Object> ORDER = Comparator.<Object>comparingInt(Values::rank).thenComparing((a, b) -> {
        if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
        if (a instanceof Boolean x && b instanceof Boolean y) return Boolean.compare(x, y);
        if (a instanceof String x && b instanceof String y) return x.compareTo(y);
        return show(a).compareTo(show(b));
    });

    private static int rank(Object v) {
        if (v == null) return 0;
        if (v instanceof Boolean) return 1;
        if (v instanceof Long) return 2;
        if (v instanceof String) return 3;
        if (v instanceof Keyword) return 4;
        return 5;
    }

    /** The EDN-like text of a value. */
    public static String show(Object v) {
        StringBuilder b = new StringBuilder();
        append(b, v);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v) {
        if (v == null) {
            b.append("nil");
        } else if (v instanceof String s) {
            appendQuoted(b, s);
        } else if (v instanceof Map<?, ?> m) {
            // Maps and sets print sorted: a HashMap's or Map.of's iteration order is not the
            // same from run to run, and output must be.
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            entries.sort((x, y) -> ORDER.compare(x.getKey(), y.getKey()));
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                if (!first) b.append(", ");
                first = false;
                append(b, e.getKey());
                b.append(' ');
                append(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            Collection<?> elements = c;
            if (v instanceof Set) {
                List<Object> sorted = new ArrayList<>(c);
                sorted.sort(ORDER);
                elements = sorted;
            }
            b.append(v instanceof Set ? "#{" : "[");
            boolean first = true;
            for (Object o : elements) {
                if (!first) b.append(' ');
                first = false;
                append(b, o);
            }
            b.append(v instanceof Set ? "}" : "]");
        } else {
            b.append(v);
        }
    }

    /**
     * Appends {@code s} in double quotes with backslash escapes; the result is valid both as an
     * EDN and as a JSON string.
     */
    public static void appendQuoted(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** A list value's elements, or throws {@link IllegalArgumentException} naming what was wanted. */
    public static List<?> asList(Object v, String what) {
        if (v instanceof List<?> l) return l;
        throw new IllegalArgumentException(what + " must be a list, got " + show(v));
    }
}
