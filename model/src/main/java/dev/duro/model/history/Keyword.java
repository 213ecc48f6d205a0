package dev.duro.model.history;

import dev.duro.model.util.Invariants;

/** An EDN keyword such as {@code :read}, kept distinct from strings so values round-trip. */
public record Keyword(String name) implements Comparable<Keyword> {
    public Keyword {
        Invariants.check(name != null && !name.isEmpty(), "keyword name must be non-empty");
    }

    @Override
    public int compareTo(Keyword o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return ":" + name;
    }
}
