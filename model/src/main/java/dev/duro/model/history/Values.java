package dev.duro.model.history;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Printing history values the way EDN does: {@code nil}, {@code "s"}, {@code [1 2]}, {@code :k}. */
public final class Values {
    private Values() {}

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
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.append(", ");
                first = false;
                append(b, e.getKey());
                b.append(' ');
                append(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            b.append(v instanceof Set ? "#{" : "[");
            boolean first = true;
            for (Object o : c) {
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
