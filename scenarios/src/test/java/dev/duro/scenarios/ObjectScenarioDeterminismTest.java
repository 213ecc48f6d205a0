package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.DoubleRun;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * P7 for the object scenarios over their whole default length (the catalogue property samples
 * short budgets): the runtime, the workloads and the trace checkers give the same trace and the
 * same verdict twice, under every fault and under crashes with disk faults.
 */
class ObjectScenarioDeterminismTest {
    @TestFactory
    Stream<DynamicTest> fullRunsRepeat() {
        return ScenarioCatalogue.all().stream().filter(s -> ScenarioSeedsProperties.OBJECT_SCENARIOS.contains(s.name()))
                .flatMap(s -> Stream.of("all", "crash,disk").flatMap(f -> Stream.of(11L, 12L)
                        .map(seed -> DynamicTest.dynamicTest(s.name() + " seed " + seed + " --faults " + f,
                                () -> repeats(s, seed, f)))));
    }

    private static void repeats(Scenario s, long seed, String faults) {
        RunConfig config = RunConfig.of(seed, s.name()).withFaults(FaultSelection.parse(faults));
        DoubleRun.Result r = DoubleRun.run(s, config, 8);
        assertThat(r.deterministic()).as("%s diverged; reproduce: ./duro sim double-run --seed %d --scenario %s --faults %s%n%s",
                s.name(), seed, s.name(), faults, r.divergence() == null ? String.valueOf(r.violation())
                        : String.join("\n", r.divergence().lines())).isTrue();
        assertThat(r.first().violations()).as("the run itself passes").isEmpty();
    }
}
