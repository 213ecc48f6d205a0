package dev.duro.scenarios.counter;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P2 for one counter, by direct inference from its history: the final read (the last ok read,
 * invoked after every acknowledged increment completed) must be at least the highest value an
 * increment acknowledged (C2-lost), at most the number of increments that may have happened
 * (C2-phantom), and no two acknowledged increments may answer the same value (C2-duplicate).
 */
final class CounterChecks {
    private CounterChecks() {}

    static List<Violation> durability(String counter, History history) {
        List<Violation> out = new ArrayList<>();
        long lastAckNanos = Long.MIN_VALUE;
        long maxAcked = 0;
        long acked = 0;
        long possible = 0;
        Map<Long, Operation> byValue = new TreeMap<>();
        for (Operation op : history.operations()) {
            if (!op.f().equals("increment") || op.status() == Status.FAIL) continue;
            possible++;
            if (op.status() != Status.OK) continue;
            acked++;
            long v = (Long) op.output();
            lastAckNanos = Math.max(lastAckNanos, op.completeNanos());
            maxAcked = Math.max(maxAcked, v);
            Operation before = byValue.put(v, op);
            if (before != null) {
                out.add(new Violation("C2-duplicate", FailureClass.SAFETY, counter + ": two acknowledged increments answered "
                        + v + ": " + before.describe() + " and " + op.describe()));
            }
        }
        Operation finalRead = null;
        for (Operation op : history.operations()) {
            if (op.f().equals("read") && op.status() == Status.OK && op.invokeNanos() > lastAckNanos) finalRead = op;
        }
        if (finalRead == null) return out; // no final read: judged as liveness by the scenario
        long seen = (Long) finalRead.output();
        if (seen < maxAcked) {
            out.add(new Violation("C2-lost", FailureClass.SAFETY, counter + ": final " + finalRead.describe()
                    + ", but an increment acknowledged value " + maxAcked + " (" + acked + " acknowledged): "
                    + (maxAcked - seen) + " acknowledged increment(s) lost"));
        }
        if (seen > possible) {
            out.add(new Violation("C2-phantom", FailureClass.SAFETY, counter + ": final " + finalRead.describe()
                    + ", but only " + possible + " increments were ever sent"));
        }
        return out;
    }
}
