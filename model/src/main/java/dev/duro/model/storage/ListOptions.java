package dev.duro.model.storage;

/**
 * Options of {@link Storage#list(ListOptions)}; every bound is by UTF-8 byte order. Null means
 * unset. {@code start} is inclusive, {@code startAfter} exclusive (at most one of the two),
 * {@code end} exclusive; {@code limit} 0 means no limit.
 */
public record ListOptions(String start, String startAfter, String end, String prefix, boolean reverse, int limit) {
    public ListOptions {
        if (start != null && startAfter != null) {
            throw new IllegalArgumentException("list options: give start or startAfter, not both");
        }
        if (limit < 0) throw new IllegalArgumentException("list options: limit must be >= 0, was " + limit);
    }

    public static ListOptions all() {
        return new ListOptions(null, null, null, null, false, 0);
    }

    public static ListOptions prefix(String prefix) {
        return all().withPrefix(prefix);
    }

    public ListOptions withStart(String s) {
        return new ListOptions(s, startAfter, end, prefix, reverse, limit);
    }

    public ListOptions withStartAfter(String s) {
        return new ListOptions(start, s, end, prefix, reverse, limit);
    }

    public ListOptions withEnd(String e) {
        return new ListOptions(start, startAfter, e, prefix, reverse, limit);
    }

    public ListOptions withPrefix(String p) {
        return new ListOptions(start, startAfter, end, p, reverse, limit);
    }

    public ListOptions reversed() {
        return new ListOptions(start, startAfter, end, prefix, true, limit);
    }

    public ListOptions withLimit(int l) {
        return new ListOptions(start, startAfter, end, prefix, reverse, l);
    }
}
