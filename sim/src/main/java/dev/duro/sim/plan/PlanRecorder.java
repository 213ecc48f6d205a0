package dev.duro.sim.plan;

import dev.duro.model.util.Invariants;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run executed, collected as it goes: the nemesis adds each fault as it strikes, the clients
 * each operation as they issue it. A fault whose end is known only later (a crashed node restarted
 * by a composed sequence) is added first and completed with {@link #replace}.
 */
public final class PlanRecorder {
    private final List<FaultEvent> faults = new ArrayList<>();
    private final List<WorkloadPlan.Op> ops = new ArrayList<>();

    /** Adds a fault; returns its index for {@link #replace}. */
    public int fault(FaultEvent event) {
        faults.add(event);
        return faults.size() - 1;
    }

    public void replace(int index, FaultEvent event) {
        Invariants.check(index >= 0 && index < faults.size(), "no fault event %d", index);
        faults.set(index, event);
    }

    public FaultEvent fault(int index) {
        return faults.get(index);
    }

    /** Adds an operation; returns its index, for {@link #describe}. */
    public int op(WorkloadPlan.Op op) {
        ops.add(op);
        return ops.size() - 1;
    }

    /** Sets what operation {@code index} was (known once the client sends its first request). */
    public void describe(int index, String what) {
        WorkloadPlan.Op o = ops.get(index);
        if (o.what().isEmpty()) ops.set(index, new WorkloadPlan.Op(o.client(), o.ordinal(), o.atNanos(), what));
    }

    /** The plan executed so far, with {@code standing} and the workload's sizes. */
    public RunPlan plan(Standing standing, int clients, int objects) {
        return new RunPlan(standing, faults, new WorkloadPlan(clients, objects, ops));
    }
}
