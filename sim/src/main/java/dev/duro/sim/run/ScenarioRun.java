package dev.duro.sim.run;

import dev.duro.sim.Simulation;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.kernel.StopReason;
import java.util.List;
import dev.duro.model.history.History;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.Function;

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

    /**
     * The clients' recorded operations by key (register, counter...), for the run's folder and
     * report; empty for scenarios whose clients record no history. Read after the run.
     */
    default SequencedMap<String, History> histories() {
        return new TreeMap<>();
    }

    /**
     * The faults and workload this run executed, as a plan that replays it ({@code sim run --plan});
     * null for scenarios that record none. Read after the run.
     */
    default RunPlan executedPlan() {
        return null;
    }

    /** A run from its parts: the simulation, the drawn parameters and the end-of-run check. */
    static ScenarioRun of(Simulation simulation, SequencedMap<String, String> parameters,
                          Function<StopReason, List<Violation>> check) {
        return of(simulation, parameters, check, TreeMap::new);
    }

    /** A run from its parts, with the clients' histories. */
    static ScenarioRun of(Simulation simulation, SequencedMap<String, String> parameters,
                          Function<StopReason, List<Violation>> check, Supplier<SequencedMap<String, History>> histories) {
        return of(simulation, parameters, check, histories, () -> null);
    }

    /** A run from its parts, with the clients' histories and the plan it executed. */
    static ScenarioRun of(Simulation simulation, SequencedMap<String, String> parameters,
                          Function<StopReason, List<Violation>> check, Supplier<SequencedMap<String, History>> histories,
                          Supplier<RunPlan> plan) {
        return new ScenarioRun() {
            @Override
            public RunPlan executedPlan() {
                return plan.get();
            }

            @Override
            public SequencedMap<String, History> histories() {
                return histories.get();
            }

            @Override
            public Simulation simulation() {
                return simulation;
            }

            @Override
            public SequencedMap<String, String> parameters() {
                return parameters;
            }

            @Override
            public List<Violation> check(StopReason reason) {
                return check.apply(reason);
            }
        };
    }
}
