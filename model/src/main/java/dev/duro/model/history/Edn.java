package dev.duro.model.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small EDN reader (the subset Jepsen and Knossos histories use): nil, true/false, integers,
 * floats, strings with escapes, characters, keywords, symbols, lists, vectors, maps, sets,
 * {@code ;} comments, commas as whitespace, {@code #_} discard, and tagged values (the tag is
 * dropped: {@code #jepsen.history.Op{...}} reads as its map). Errors name the source and line.
 *
 * <p>Mapping: integers to {@link Long}, vectors and lists to {@link List}, maps to insertion
 * ordered {@link Map}, sets to insertion-ordered {@link Set}, keywords to {@link Keyword}, symbols
 * to {@link Symbol}.
 */
public final class Edn {
    /** An EDN symbol such as {@code foo/bar}. */
    public record Symbol(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final String text;
    private final String source;
    private int pos;
    private int line;

    /** A reader over {@code text}, whose first line is {@code firstLine} of {@code source}. */
    public Edn(String text, String source, int firstLine) {
        this.text = text;
        this.source = source;
        this.line = firstLine;
    }

    /** True when only whitespace and comments remain. */
    public boolean atEnd() {
        skipBlank();
        return pos >= text.length();
    }

    /** Consumes an opening {@code [} or {@code (} if one is next (a history wrapped in a vector). */
    public boolean enterSequence() {
        skipBlank();
        if (pos < text.length() && (text.charAt(pos) == '[' || text.charAt(pos) == '(')) {
            pos++;
            return true;
        }
        return false;
    }

    /** Consumes a closing {@code ]} or {@code )} if one is next. */
    public boolean leaveSequence() {
        skipBlank();
        if (pos < text.length() && (text.charAt(pos) == ']' || text.charAt(pos) == ')')) {
            pos++;
            return true;
        }
        return false;
    }

    /** The current line (of the next unread character after {@link #atEnd()}). */
    public int line() {
        return line;
    }

    /** Reads the next form; call {@link #atEnd()} first. */
    public Object read() {
        skipBlank();
        if (pos >= text.length()) throw error("expected a value, found end of input");
        char c = text.charAt(pos);
        switch (c) {
            case '(': pos++; return readSeq(')');
            case '[': pos++; return readSeq(']');
            case '{': pos++; return readMap();
            case '"': pos++; return readString();
            case '\\': pos++; return readChar();
            case ':': pos++; return new Keyword(readToken("keyword"));
            case ')': case ']': case '}': throw error("unexpected '" + c + "'");
            case '#': return readDispatch();
            default: return readAtom();
        }
    }

    /** The message prefix errors use: {@code source:line:}. */
    public HistoryFormatException error(String problem) {
        return new HistoryFormatException(source, line, problem);
    }

    private Object readDispatch() {
        pos++;
        if (pos >= text.length()) throw error("expected a form after '#'");
        char c = text.charAt(pos);
        if (c == '{') {
            pos++;
            List<Object> items = readSeq('}');
            Set<Object> set = new LinkedHashSet<>(items);
            if (set.size() != items.size()) throw error("duplicate element in set literal");
            return Collections.unmodifiableSet(set);
        }
        if (c == '_') {
            pos++;
            read();
            skipBlank();
            return read();
        }
        readToken("tag"); // #inst, #uuid, #jepsen.history.Op: keep the value, drop the tag
        return read();
    }

    private List<Object> readSeq(char close) {
        int startLine = line;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipBlank();
            if (pos >= text.length()) {
                throw error("expected '" + close + "' to close the collection opened on line " + startLine);
            }
            if (text.charAt(pos) == close) {
                pos++;
                return Collections.unmodifiableList(items);
            }
            items.add(read());
        }
    }

    private Map<Object, Object> readMap() {
        int startLine = line;
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            skipBlank();
            if (pos >= text.length()) throw error("expected '}' to close the map opened on line " + startLine);
            if (text.charAt(pos) == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            Object k = read();
            skipBlank();
            if (pos >= text.length() || text.charAt(pos) == '}') {
                throw error("map key " + Values.show(k) + " has no value");
            }
            Object v = read();
            if (map.containsKey(k)) throw error("duplicate map key " + Values.show(k));
            map.put(k, v);
        }
    }

    private String readString() {
        StringBuilder b = new StringBuilder();
        int startLine = line;
        while (true) {
            if (pos >= text.length()) throw error("unterminated string starting on line " + startLine);
            char c = text.charAt(pos++);
            if (c == '"') return b.toString();
            if (c == '\n') line++;
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= text.length()) throw error("unterminated escape in string");
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw error("expected 4 hex digits after \\u");
                    try {
                        b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("expected 4 hex digits after \\u, found " + text.substring(pos, pos + 4));
                    }
                    pos += 4;
                }
                default -> throw error("unknown string escape \\" + e);
            }
        }
    }

    private Object readChar() {
        String t = readToken("character");
        return switch (t) {
            case "newline" -> "\n";
            case "space" -> " ";
            case "tab" -> "\t";
            default -> {
                if (t.length() != 1) throw error("unknown character literal \\" + t);
                yield t;
            }
        };
    }

    private Object readAtom() {
        String t = readToken("value");
        switch (t) {
            case "nil": return null;
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            default: break;
        }
        char c = t.charAt(0);
        boolean numeric = Character.isDigit(c)
                || ((c == '-' || c == '+') && t.length() > 1 && Character.isDigit(t.charAt(1)));
        if (!numeric) return new Symbol(t);
        String n = t.endsWith("N") || t.endsWith("M") ? t.substring(0, t.length() - 1) : t;
        try {
            if (n.contains(".") || n.contains("e") || n.contains("E")) return Double.parseDouble(n);
            return Long.parseLong(n.startsWith("+") ? n.substring(1) : n);
        } catch (NumberFormatException ex) {
            throw error("expected a number, found '" + t + "'");
        }
    }

    private String readToken(String what) {
        int start = pos;
        while (pos < text.length() && !isDelimiter(text.charAt(pos))) pos++;
        if (pos == start) throw error("expected a " + what + " name");
        return text.substring(start, pos);
    }

    private static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || c == ',' || c == '(' || c == ')' || c == '[' || c == ']'
                || c == '{' || c == '}' || c == '"' || c == ';';
    }

    private void skipBlank() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c) || c == ',') {
                pos++;
            } else if (c == ';') {
                while (pos < text.length() && text.charAt(pos) != '\n') pos++;
            } else {
                return;
            }
        }
    }
}
