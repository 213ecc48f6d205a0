package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.runtime.config.ClusterConfig;
import dev.duro.scenarios.check.PlacementChecker;
import dev.duro.scenarios.check.RuntimeTraceTap;
import dev.duro.scenarios.frame.LocationSpec;
import dev.duro.scenarios.frame.ObjectWorld;
import dev.duro.sim.run.DoubleRun;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every object scenario on a located cluster ({@code --locations 2}: {@code loc0 = n0,n2,n4},
 * {@code loc1 = n1,n3}, 3 replicas, so every object located in loc1 is topped up from loc0), seeds
 * 1..{@value #SEEDS} under swarm faults and 1..{@value #ALL_SEEDS} with every fault: no violation
 * (the run's own checkers, P3-placement included), and, judged by a second placement checker fed
 * from the trace here, that the clients really reached located ids (every activation is of a
 * located id, both locations ran objects) and that the top-up path ran: objects of loc1 activated
 * on loc0's member when loc1's were down or cut off.
 */
class LocatedClusterTest {
    // With 10 and 4 seeds kv and bank had no top-up activation (measured), so the sweep keeps 20 and 8.
    static final int SEEDS = 20;
    static final int ALL_SEEDS = 8;
    static final String SPEC = "2";
    static final List<String> NAMESPACES = List.of("REGISTERS", "COUNTERS", "LEDGERS", "ROOMS", "LIMITERS", "SCHEDULERS");
    static final ClusterConfig CLUSTER = ClusterConfig.of(ObjectWorld.DEFAULT_NODES)
            .withLocations(LocationSpec.parse(SPEC, ObjectWorld.DEFAULT_NODES).byMember());

    /** Top-up activations per scenario, over both fault mixes. */
    private static final Map<String, Long> TOP_UP = new TreeMap<>();

    @TestFactory
    Stream<DynamicTest> everyObjectScenarioOnALocatedCluster() {
        Stream<DynamicTest> runs = ScenarioCatalogue.all().stream()
                .filter(s -> ScenarioSeedsProperties.OBJECT_SCENARIOS.contains(s.name()))
                .map(s -> DynamicTest.dynamicTest(s.name() + " --locations " + SPEC, () -> passesLocated(s)));
        // The top-up path is one piece of placement code whatever the scenario; whether a given scenario's seeds
        // cut loc1 off at a moment its objects are called depends on each run's fault timing, which every change
        // of routing or faults reshuffles. So the sweep must reach it in most scenarios, not in each one.
        return Stream.concat(runs, Stream.of(DynamicTest.dynamicTest("the top-up path ran in most scenarios", () -> {
            assertThat(TOP_UP).as("activations of loc1's objects on a loc0 member, per scenario: %s", TOP_UP).hasSize(6);
            assertThat(TOP_UP.values().stream().filter(n -> n > 0).count())
                    .as("scenarios whose runs activated a loc1 object on a loc0 member: %s", TOP_UP).isGreaterThanOrEqualTo(4);
        })));
    }

    /** P7 on a located cluster: same trace and verdict twice (the location draws come from the seed). */
    @TestFactory
    Stream<DynamicTest> locatedRunsRepeat() {
        return ScenarioCatalogue.all().stream().filter(s -> ScenarioSeedsProperties.OBJECT_SCENARIOS.contains(s.name()))
                .map(s -> DynamicTest.dynamicTest(s.name() + " seed 11 --faults all --locations 'a=0,1;b=2,3,4'", () -> {
                    RunConfig config = RunConfig.of(11, s.name()).withFaults(FaultSelection.ALL).withLocations("a=0,1;b=2,3,4");
                    DoubleRun.Result r = DoubleRun.run(s, config, 8);
                    assertThat(r.deterministic()).as("%s diverged: %s", r.first().repro(), r.divergence() == null
                            ? String.valueOf(r.violation()) : String.join("\n", r.divergence().lines())).isTrue();
                    assertThat(r.first().violations()).as(r.first().repro()).isEmpty();
                }));
    }

    /**
     * The checker has teeth on a real trace: judged against the unlocated placement of the same
     * members (as if the runtime ignored the ids' locations), a located run's activations land
     * outside the replica sets that placement computes, and P3-placement says so.
     */
    @org.junit.jupiter.api.Test
    void aLocatedTraceJudgedByTheUnlocatedPlacementIsMisplaced() {
        PlacementChecker wrong = new PlacementChecker(ClusterConfig.of(ObjectWorld.DEFAULT_NODES), ObjectWorld.SECRET, NAMESPACES);
        Scenario kv = ScenarioCatalogue.find("kv").orElseThrow();
        RunResult r = Runner.run(kv, RunConfig.of(2, "kv").withLocations(SPEC), new RuntimeTraceTap(null, List.of(wrong)));
        assertThat(r.violations()).as("the run itself passes: %s", r.repro()).isEmpty();
        assertThat(wrong.violations()).as("misplaced under the wrong placement").isNotEmpty()
                .allSatisfy(v -> assertThat(v.property()).isEqualTo(PlacementChecker.PROPERTY));
        assertThat(wrong.violations().get(0).message()).contains("which is not one of its replicas");
    }

    private static void passesLocated(Scenario scenario) {
        List<String> failures = new ArrayList<>();
        PlacementChecker judge = new PlacementChecker(CLUSTER, ObjectWorld.SECRET, NAMESPACES);
        RuntimeTraceTap tap = new RuntimeTraceTap(null, List.of(judge));
        for (String faults : List.of("swarm", "all")) {
            int seeds = faults.equals("swarm") ? SEEDS : ALL_SEEDS;
            for (long seed = 1; seed <= seeds; seed++) {
                RunConfig config = RunConfig.of(seed, scenario.name()).withFaults(FaultSelection.parse(faults)).withLocations(SPEC);
                RunResult r = Runner.run(scenario, config, tap);
                assertThat(r.repro()).endsWith(" --nodes 5 --locations 2");
                assertThat(r.parameters()).containsKey("locations").containsKey("placement");
                if (!r.violations().isEmpty()) {
                    failures.add("seed " + seed + " --faults " + faults + ": " + r.violations().get(0) + "\n    repro: " + r.repro());
                }
            }
        }
        TOP_UP.put(scenario.name(), judge.topUpActivations());
        assertThat(failures).as("%s --locations %s: failing seeds:%n%s", scenario.name(), SPEC, String.join("\n", failures)).isEmpty();
        assertThat(judge.violations()).as("placement judged from the trace here").isEmpty();
        assertThat(judge.activations()).as("activations seen").isPositive();
        assertThat(judge.locatedActivations()).as("every activation is of a located id (clients call by located id)")
                .isEqualTo(judge.activations());
        assertThat(judge.activationsByLocation()).as("objects ran in both locations").containsKeys("loc0", "loc1");
    }
}
