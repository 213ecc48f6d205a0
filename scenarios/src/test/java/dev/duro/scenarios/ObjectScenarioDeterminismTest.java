package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.DoubleRun;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * P7 for the object scenarios over their whole default length (the catalogue property samples
 * short budgets), on one node and in the 5-node cluster: the runtime, the replication, the
 * workloads and the trace checkers give the same trace and the same verdict twice, under every
 * fault and under crashes with disk faults. The runs themselves pass (in the cluster, up to the
 * runtime bugs listed in {@link KnownRuntimeBugs}).
 */
class ObjectScenarioDeterminismTest {
    @TestFactory
    Stream<DynamicTest> fullRunsRepeat() {
        return ScenarioCatalogue.all().stream().filter(s -> ScenarioSeedsProperties.OBJECT_SCENARIOS.contains(s.name()))
                .flatMap(s -> Stream.of(1, 5).flatMap(nodes -> Stream.of("all", "crash,disk").flatMap(f -> Stream.of(11L, 12L)
                        .map(seed -> DynamicTest.dynamicTest(s.name() + " --nodes " + nodes + " seed " + seed + " --faults " + f,
                                () -> repeats(s, nodes, seed, f))))));
    }

    private static void repeats(Scenario s, int nodes, long seed, String faults) {
        RunConfig config = RunConfig.of(seed, s.name()).withFaults(FaultSelection.parse(faults)).withNodes(nodes);
        DoubleRun.Result r = DoubleRun.run(s, config, 8);
        assertThat(r.deterministic()).as("%s diverged; reproduce: ./duro sim double-run --seed %d --scenario %s --faults %s"
                + " --nodes %d%n%s", s.name(), seed, s.name(), faults, nodes, r.divergence() == null ? String.valueOf(r.violation())
                        : String.join("\n", r.divergence().lines())).isTrue();
        List<Violation> unexplained = r.first().violations().stream()
                .filter(v -> KnownRuntimeBugs.explaining(s.name(), nodes, faults, seed, v) == null).toList();
        assertThat(unexplained).as("the run itself passes: %s", r.first().repro()).isEmpty();
    }
}
