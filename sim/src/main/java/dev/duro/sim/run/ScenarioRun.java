package dev.duro.sim.run;

import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import java.util.List;
import java.util.SequencedMap;

/**
 * One prepared run of a scenario: the simulation with its nodes, workload and fault schedule in
 * place (nothing has run yet), the parameters drawn from the seed, and the end-of-run check.
 */
public interface ScenarioRun {
    Simulation simulation();

    /** Every parameter drawn from the seed, in the order to print them. */
    SequencedMap<String, String> parameters();

    /**
     * Validation at the end of the run: safety properties over everything observed, and liveness
     * (work finished after the faults healed) when the run got far enough to judge it.
     */
    List<Violation> check(StopReason reason);
}
