package dev.duro.sim.plan;

import dev.duro.model.util.Invariants;
import java.util.Comparator;
import java.util.List;

/**
 * A run's faults and workload as explicit data. With the seed and the settings ({@code RunConfig})
 * it fixes the run: the nemesis executes {@link #faults} in time order instead of drawing strikes,
 * the standing rates are {@link #standing}'s, and the clients issue {@link #workload}'s operations.
 * Recorded from every object-scenario run ({@code sim run --out} writes it as {@code plan.jsonl}).
 */
public record RunPlan(Standing standing, List<FaultEvent> faults, WorkloadPlan workload) {
    public RunPlan {
        Invariants.check(standing != null && faults != null && workload != null, "plan must be complete");
        faults = faults.stream().sorted(Comparator.comparingLong(FaultEvent::atNanos)).toList();
    }

    public RunPlan withFaults(List<FaultEvent> next) {
        return new RunPlan(standing, next, workload);
    }

    public RunPlan withStanding(Standing next) {
        return new RunPlan(next, faults, workload);
    }

    public RunPlan withWorkload(WorkloadPlan next) {
        return new RunPlan(standing, faults, next);
    }

    /** The plan's sizes, for the minimizer's before/after line. */
    public String sizes() {
        return faults.size() + " fault events, " + workload.ops().size() + " operations, " + standing.count()
                + " standing faults";
    }
}
