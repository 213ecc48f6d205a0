package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Verdict;
import dev.duro.sim.trace.TraceListener;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bounded sweep that kills mutants for PIT (docs/mutation.md): the object scenarios on the
 * 5-node cluster under five fault selections (swarm and the partition-pause, crash-disk, buggify
 * and deep profiles) and on one node under crashes and disk faults, seeds 1..{@link #SEEDS} on each
 * of these six paths (property {@code duro.sweep.seeds}, default 20: 120 runs). Each seed runs one
 * scenario, turning through the six with the seed and the path, so every scenario runs on every
 * path.
 *
 * <p>It stops at the first run that does not pass (a violation, a run cut short by the event
 * budget, or an exception), naming the seed and the one-line repro, so a killed mutant costs only
 * the runs up to it. Seeds are the outer loop: a mutant that breaks every run dies at the first
 * one, one that breaks a single path within a few seeds.
 *
 * <p>Its name ends in neither {@code Test}, {@code Tests} nor {@code Properties}, so surefire does
 * not run it in the normal build ({@link ScenarioSeedsProperties} runs the same scenarios and paths
 * there, over more seeds); the {@code mutation} profile of {@code scenarios/pom.xml} names it in
 * PIT's {@code targetTests}, and PIT runs it once on the unmutated code before mutating (and stops
 * if it fails there). To run it alone: {@code ./duro test -pl scenarios -am -Dtest=MutationSweep
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class MutationSweep {
    static final int SEEDS = Integer.getInteger("duro.sweep.seeds", 20);

    /** A path through the runtime: how many nodes and which faults. */
    record Path(int nodes, String faults) {}

    static final List<Path> PATHS = List.of(
            new Path(5, "swarm"),
            new Path(5, "profile:partition-pause"),
            new Path(5, "profile:crash-disk"),
            new Path(5, "profile:buggify"),
            new Path(5, "profile:deep"),
            new Path(1, "crash,disk"));

    @Test
    void everyRunPasses() {
        sweep(SEEDS);
    }

    /** Seeds 1..{@code seeds} on every path; throws at the first run that does not pass. */
    static void sweep(int seeds) {
        List<Scenario> scenarios = ScenarioCatalogue.all().stream()
                .filter(s -> ScenarioSeedsProperties.OBJECT_SCENARIOS.contains(s.name())).toList();
        assertThat(scenarios).hasSize(ScenarioSeedsProperties.OBJECT_SCENARIOS.size());
        for (long seed = 1; seed <= seeds; seed++) {
            for (int p = 0; p < PATHS.size(); p++) {
                runOnce(scenarios.get((int) ((seed + p) % scenarios.size())), PATHS.get(p), seed);
            }
        }
    }

    private static void runOnce(Scenario scenario, Path path, long seed) {
        RunConfig config = RunConfig.of(seed, scenario.name()).withFaults(FaultSelection.parse(path.faults()))
                .withNodes(path.nodes());
        RunResult r;
        try {
            r = Runner.run(scenario, config, TraceListener.NONE);
        } catch (RuntimeException | Error e) {
            throw new AssertionError(String.format("%s --nodes %d --faults %s seed %d threw %s%n    repro: %s",
                    scenario.name(), path.nodes(), path.faults(), seed, e, config.repro(Runner.resolvedUntilMs(scenario, config))), e);
        }
        if (r.verdict() != Verdict.PASS) {
            fail("%s --nodes %d --faults %s seed %d: %s%s%n    repro: %s", scenario.name(), path.nodes(), path.faults(), seed,
                    r.verdict(), r.violations().isEmpty() ? " (event budget ran out)" : " " + r.violations().get(0)
                            + (r.violations().size() > 1 ? " (+" + (r.violations().size() - 1) + " more)" : ""), r.repro());
        }
    }
}
