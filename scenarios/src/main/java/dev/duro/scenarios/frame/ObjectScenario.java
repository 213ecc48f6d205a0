package dev.duro.scenarios.frame;

import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.trace.TraceListener;
import dev.duro.runtime.config.ClusterConfig;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What every object scenario has in common: a name, a description, the default length, the
 * planted runtime bugs it runs with (none outside the testbed's self-tests), and the start of
 * {@link #setUp}: the run's length, its {@link Timeline} and the stream its parameters are drawn
 * from. A subclass builds its {@link ObjectWorld} and workload in {@link #setUp(Setup)}.
 */
public abstract class ObjectScenario implements Scenario {
    /** Simulated length of a run when the config gives none. */
    public static final long DEFAULT_UNTIL_MS = 20_000;

    private final String name;
    private final String description;
    private final int finalReadPercent;
    /** Planted runtime bugs, for {@link ObjectWorld#runtimeConfig}. */
    protected final Set<PlantedBug> bugs;
    /** Applied to the cluster's settings (identity but in tests of the efficiency bounds). */
    private UnaryOperator<ClusterConfig> clusterTuning = UnaryOperator.identity();

    /**
     * @param finalReadPercent when the final reads start, in percent of the run (see {@link Timeline#of})
     */
    protected ObjectScenario(String name, String description, int finalReadPercent, Set<PlantedBug> bugs) {
        this.name = name;
        this.description = description;
        this.finalReadPercent = finalReadPercent;
        this.bugs = Set.copyOf(bugs);
    }

    /** What a scenario builds its run from. {@code params} is the stream of the scenario's own choices. */
    protected record Setup(String scenario, RunConfig config, TraceListener listener, Timeline timeline,
                           SeededEntropy params, UnaryOperator<ClusterConfig> clusterTuning, RunPlan plan) {
        public long untilMs() {
            return timeline.untilMs();
        }

        /** The world serving one namespace. */
        public ObjectWorld world(NamespaceBinding namespace, RuntimeConfig runtime) {
            return new ObjectWorld(scenario, config, listener, timeline, List.of(namespace), runtime, clusterTuning, plan);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final long defaultUntilMs() {
        return DEFAULT_UNTIL_MS;
    }

    /** A 5-node cluster ({@link ObjectWorld#DEFAULT_NODES}); {@code --nodes 1} is the single-node path. */
    @Override
    public int defaultNodes() {
        return ObjectWorld.DEFAULT_NODES;
    }

    /**
     * Runs this scenario's clusters with {@code tuning} applied to their settings (tests only: a
     * failure detector tuned to suspect after one missed heartbeat shows the efficiency bounds
     * trip). Returns this scenario.
     */
    public final ObjectScenario withClusterTuning(UnaryOperator<ClusterConfig> tuning) {
        this.clusterTuning = java.util.Objects.requireNonNull(tuning, "tuning");
        return this;
    }

    /** The planted bugs this scenario was built with (the run's {@code --bug} names come on top). */
    public final Set<PlantedBug> builtInBugs() {
        return bugs;
    }

    @Override
    public final ScenarioRun setUp(RunConfig config, TraceListener listener) {
        return setUp(config, listener, null);
    }

    /** Builds the run under {@code plan}'s faults and workload (null: drawn from the seed). */
    @Override
    public final ScenarioRun setUp(RunConfig config, TraceListener listener, RunPlan plan) {
        ObjectWorld.plantedBugs(config.bugs()); // an unknown name fails here, listing the known ones
        long untilMs = config.untilMs() > 0 ? config.untilMs() : defaultUntilMs();
        return setUp(new Setup(name, config, listener, Timeline.of(untilMs, finalReadPercent),
                new SeededEntropy(config.seed()).derive("scenario/" + name), clusterTuning, plan));
    }

    /** Builds the world, the workload and the check; nothing runs yet. */
    protected abstract ScenarioRun setUp(Setup setup);
}
