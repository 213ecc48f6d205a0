package dev.duro.scenarios.kv;

import dev.duro.model.check.DurabilityChecker;
import dev.duro.model.check.DurabilityFinding;
import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;

/** P2 for one register: {@link DurabilityChecker#checkKv} on the history with swaps as writes. */
public final class KvChecks {
    private KvChecks() {}

    /**
     * The history as the durability checker reads it: a compare-and-set that swapped (or may have)
     * is a write of its new value; one that answered {@code false} wrote nothing and is dropped.
     */
    public static History asWrites(History history) {
        List<Operation> out = new ArrayList<>();
        for (Operation op : history.operations()) {
            if (!op.f().equals("cas")) {
                out.add(op);
                continue;
            }
            if (op.status() == Status.OK && Boolean.FALSE.equals(op.output())) continue;
            Object to = ((List<?>) op.input()).get(1);
            out.add(new Operation(op.id(), op.process(), "write", op.key(), to, op.output(), op.status(), op.invokeNanos(),
                    op.completeNanos(), 0));
        }
        return History.of(out);
    }

    static List<Violation> durability(String key, History history) {
        List<Violation> out = new ArrayList<>();
        DurabilityChecker.Result r = DurabilityChecker.checkKv(asWrites(history));
        int n = 0;
        for (DurabilityFinding f : r.findings()) {
            if (n++ == 5) {
                out.add(new Violation("K2", FailureClass.SAFETY, key + ": " + (r.findings().size() - 5) + " more findings"));
                break;
            }
            out.add(new Violation("K2", FailureClass.SAFETY, key + ": " + f.describe()));
        }
        return out;
    }
}
