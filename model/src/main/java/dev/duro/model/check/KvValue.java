package dev.duro.model.check;

import dev.duro.model.util.Invariants;

/**
 * An immutable string built by appends, sharing its prefix: appending is O(token), not
 * O(length), and the hash (the same polynomial as {@link String#hashCode()}) and length are kept
 * incrementally, so comparing two values, or a value with a read's output, almost never
 * materializes the text. Long append histories (Jepsen KV) would otherwise copy and hash
 * hundreds of characters per search step.
 */
final class KvValue {
    private final KvValue prefix;
    private final String tail;
    private final int length;
    private final int hash;
    private String text; // materialized lazily

    private KvValue(KvValue prefix, String tail, int length, int hash) {
        this.prefix = prefix;
        this.tail = tail;
        this.length = length;
        this.hash = hash;
    }

    static KvValue of(String s) {
        return new KvValue(null, s, s.length(), s.hashCode());
    }

    KvValue append(String s) {
        int h = hash;
        for (int i = 0; i < s.length(); i++) h = 31 * h + s.charAt(i);
        Invariants.check(length + (long) s.length() <= Integer.MAX_VALUE, "KV value too long");
        return new KvValue(this, s, length + s.length(), h);
    }

    /** True when this value's text equals {@code s}. */
    boolean contentEquals(String s) {
        return s.length() == length && s.hashCode() == hash && toString().equals(s);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        return o instanceof KvValue v && v.length == length && v.hash == hash && v.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        String t = text;
        if (t != null) return t;
        char[] chars = new char[length];
        int end = length;
        for (KvValue v = this; v != null; v = v.prefix) {
            if (v.text != null && v != this) {
                v.text.getChars(0, v.length, chars, 0);
                break;
            }
            end -= v.tail.length();
            v.tail.getChars(0, v.tail.length(), chars, end);
        }
        t = new String(chars);
        text = t;
        return t;
    }
}
