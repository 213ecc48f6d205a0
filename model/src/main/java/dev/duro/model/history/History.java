package dev.duro.model.history;

import dev.duro.model.util.Invariants;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A complete history: operations ordered by invoke time, ids dense from 0. {@link Status#FAIL}
 * operations are kept here (a report may show them); checkers drop them.
 */
public record History(List<Operation> operations) {
    public History {
        operations = List.copyOf(operations);
        for (int i = 0; i < operations.size(); i++) {
            Invariants.check(operations.get(i).id() == i, "operation ids must be dense: %s at %s",
                    operations.get(i).id(), i);
        }
    }

    /** Sorts by (invoke time, process) and renumbers, so any list of ops becomes a history. */
    public static History of(List<Operation> ops) {
        List<Operation> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingInt(Operation::process)
                .thenComparingInt(Operation::id));
        List<Operation> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) out.add(sorted.get(i).withId(i));
        return new History(out);
    }

    public int size() {
        return operations.size();
    }

    /** The operations a checker must consider: all but the failed ones, renumbered. */
    public History withoutFailures() {
        List<Operation> kept = new ArrayList<>();
        for (Operation op : operations) if (op.status() != Status.FAIL) kept.add(op.withId(kept.size()));
        return new History(kept);
    }
}
