package dev.duro.sim.run;

import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.trace.TraceListener;

/**
 * A named, seeded simulation test: builds a cluster, a workload and a fault schedule from a
 * {@link RunConfig}, and judges the outcome. Implementations must draw every choice from the
 * simulation's entropy streams so that the config fixes the trace.
 */
public interface Scenario {
    String name();

    /** One line for {@code duro sim scenarios}. */
    String description();

    /** Simulated time a run lasts when {@link RunConfig#untilMs()} is 0 (fault phase plus liveness phase). */
    long defaultUntilMs();

    /**
     * Runtime nodes a run has when {@link RunConfig#nodes()} is 0; 0 for scenarios whose node
     * count is not a setting (they reject a non-zero {@code nodes}).
     */
    default int defaultNodes() {
        return 0;
    }

    /** Builds the run; nothing executes until the simulation is stepped. */
    ScenarioRun setUp(RunConfig config, TraceListener listener);

    /**
     * Builds the run under {@code plan} (its faults and workload as data; null: drawn from the seed
     * as usual). Scenarios that cannot take a plan reject one with an {@link IllegalArgumentException}.
     */
    default ScenarioRun setUp(RunConfig config, TraceListener listener, RunPlan plan) {
        if (plan != null) {
            throw new IllegalArgumentException("scenario '" + name() + "' takes no --plan: plans record object scenarios "
                    + "(kv, counter, bank, chat, rate-limiter, scheduler)");
        }
        return setUp(config, listener);
    }

    /** Builds and runs to a verdict. */
    default RunResult run(RunConfig config) {
        return Runner.run(this, config, TraceListener.NONE);
    }
}
