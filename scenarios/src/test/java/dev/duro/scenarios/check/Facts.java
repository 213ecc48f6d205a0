package dev.duro.scenarios.check;

import java.util.ArrayList;
import java.util.List;

/** Builds synthetic fact sequences for checker tests: one object, numbered in order. */
final class Facts {
    static final String ID = "ab".repeat(32);
    private final List<Object> steps = new ArrayList<>();

    /** A fact on node 0 for {@link #ID}: {@code kind} and the rest of its detail after {@code id=}. */
    Facts on(String kind, String rest) {
        return on(0, kind, rest);
    }

    Facts on(int node, String kind, String rest) {
        return onObject(node, ID, kind, rest);
    }

    /** A fact on {@code node} for object {@code id}. */
    Facts onObject(int node, String id, String kind, String rest) {
        steps.add(new String[] {String.valueOf(node), kind, "id=" + id + " " + rest});
        return this;
    }

    Facts crash(int node) {
        steps.add(node);
        return this;
    }

    <C extends FactChecker> C feed(C checker) {
        long index = 0;
        for (Object s : steps) {
            if (s instanceof Integer node) {
                checker.onCrash(node);
            } else {
                String[] f = (String[]) s;
                checker.onFact(RuntimeFact.parse(index, index * 1000, Integer.parseInt(f[0]), 1, f[1], f[2]));
            }
            index++;
        }
        return checker;
    }
}
