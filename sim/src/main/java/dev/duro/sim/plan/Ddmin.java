package dev.duro.sim.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Zeller's delta debugging (ddmin): shrinks a list on which a test fails to a smaller one on which
 * it still fails, trying subsets, then complements, at finer and finer granularity. The result is
 * 1-minimal (removing any single item makes the test pass) when the search runs to its end;
 * {@code stop} ends it early with the smallest failing list found so far.
 */
public final class Ddmin {
    private Ddmin() {}

    /**
     * The smallest failing sublist found of {@code items}, which must fail {@code fails}. Tries the
     * empty list first (a failure that needs none of them).
     */
    public static <T> List<T> minimize(List<T> items, Predicate<List<T>> fails, BooleanSupplier stop) {
        List<T> current = List.copyOf(items);
        if (current.isEmpty() || stop.getAsBoolean()) return current;
        if (fails.test(List.of())) return List.of();
        int n = 2;
        while (current.size() >= 2 && !stop.getAsBoolean()) {
            List<List<T>> chunks = split(current, n);
            List<T> next = null;
            int nextN = n;
            for (List<T> chunk : chunks) {
                if (stop.getAsBoolean()) return current;
                if (fails.test(chunk)) {
                    next = chunk;
                    nextN = 2;
                    break;
                }
            }
            if (next == null && n > 2) {
                for (int i = 0; i < chunks.size(); i++) {
                    if (stop.getAsBoolean()) return current;
                    List<T> complement = new ArrayList<>();
                    for (int j = 0; j < chunks.size(); j++) if (j != i) complement.addAll(chunks.get(j));
                    if (fails.test(complement)) {
                        next = complement;
                        nextN = Math.max(n - 1, 2);
                        break;
                    }
                }
            }
            if (next != null) {
                current = List.copyOf(next);
                n = nextN;
            } else if (n >= current.size()) {
                break;
            } else {
                n = Math.min(current.size(), 2 * n);
            }
        }
        return current;
    }

    /** {@code list} cut into {@code n} runs of (nearly) equal length, in order. */
    static <T> List<List<T>> split(List<T> list, int n) {
        List<List<T>> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = start + (list.size() - start) / (n - i);
            out.add(list.subList(start, end));
            start = end;
        }
        return out;
    }
}
