package dev.duro.cli.fuzz;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Outcomes per input kind, counted from every client thread. */
final class Tally {
    private final AtomicLongArray counts = new AtomicLongArray(InputKind.values().length * Outcome.values().length);

    void add(InputKind kind, Outcome outcome) {
        counts.incrementAndGet(kind.ordinal() * Outcome.values().length + outcome.ordinal());
    }

    long get(InputKind kind, Outcome outcome) {
        return counts.get(kind.ordinal() * Outcome.values().length + outcome.ordinal());
    }

    long inputs(InputKind kind) {
        long n = 0;
        for (Outcome o : Outcome.values()) n += get(kind, o);
        return n;
    }

    long total() {
        long n = 0;
        for (InputKind k : InputKind.values()) n += inputs(k);
        return n;
    }

    Map<Outcome, Long> row(InputKind kind) {
        Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) m.put(o, get(kind, o));
        return m;
    }
}
