package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every object scenario passes a fixed range of seeds, on both paths:
 *
 * <ul>
 *   <li>the default 5-node cluster (3 replicas, failovers, partitions among the members, the
 *       faulty-disk node, a full-cluster restart): seeds 1..{@value #CLUSTER_SEEDS} under the
 *       default swarm faults and 1..{@value #CLUSTER_ALL_SEEDS} with every fault on, a bounded
 *       sweep of {@value #CLUSTER_SEEDS}+{@value #CLUSTER_ALL_SEEDS} runs per scenario;</li>
 *   <li>the single node ({@code --nodes 1}): 1..{@value #SEEDS} under crashes and disk faults (the
 *       faults every durability claim is about) and 1..{@value #ALL_SEEDS} with every fault.</li>
 * </ul>
 *
 * A failure names each failing seed with its violations and the command that reproduces it;
 * violations explained by {@link KnownRuntimeBugs} (runtime bugs reported, not fixed yet) are
 * counted and printed instead. Coverage probes check that each
 * sweep reached the rare branches it claims to test. Wall time is printed per scenario (CI runs
 * this on two cores).
 */
class ScenarioSeedsProperties {
    static final int SEEDS = 120;
    static final int ALL_SEEDS = 30;
    static final int CLUSTER_SEEDS = 60;
    static final int CLUSTER_ALL_SEEDS = 20;
    /** Two turns of the profile rotation on average (eight slots), so every profile runs in some scenario. */
    static final int CLUSTER_PROFILE_SEEDS = 16;
    static final Set<String> OBJECT_SCENARIOS = Set.of("kv", "counter", "bank", "chat", "rate-limiter", "scheduler");

    /**
     * The cluster: swarm faults, then every fault (within the fault budget), then the default
     * sweep's fault profiles, then whether each known runtime bug still shows.
     */
    @TestFactory
    Stream<DynamicTest> cluster() {
        return Stream.of(sweep(5, "swarm", CLUSTER_SEEDS, Probes.IN_A_CLUSTER),
                sweep(5, "all", CLUSTER_ALL_SEEDS, Probes.IN_A_CLUSTER_UNDER_ALL_FAULTS),
                sweep(5, "profiles", CLUSTER_PROFILE_SEEDS, Probes.IN_A_CLUSTER_UNDER_PROFILES), stillNeeded(5)).flatMap(x -> x);
    }

    /** One node: crashes and disk faults, then every fault. */
    @TestFactory
    Stream<DynamicTest> singleNode() {
        return Stream.of(sweep(1, "crash,disk", SEEDS, Probes.UNDER_CRASH_AND_DISK),
                sweep(1, "all", ALL_SEEDS, Probes.UNDER_ALL_FAULTS), stillNeeded(1)).flatMap(x -> x);
    }

    /** Every known-bug entry for this path explained some failure of its sweeps; else it is stale. */
    private static Stream<DynamicTest> stillNeeded(int nodes) {
        return Stream.of(DynamicTest.dynamicTest("every known runtime bug (--nodes " + nodes + ") still shows", () -> {
            Map<String, Integer> matched = new TreeMap<>();
            MATCHED.forEach((sweep, m) -> {
                if (sweep.startsWith(nodes + "/")) m.forEach((k, n) -> matched.merge(k, n, Integer::sum));
            });
            List<String> stale = KnownRuntimeBugs.all().stream().filter(e -> e.nodes() == nodes)
                    .filter(e -> e.alwaysShows() && !matched.containsKey(e.id())).map(e -> e.id() + " (" + e.why() + ")").toList();
            System.out.println("known runtime bugs matched (--nodes " + nodes + "): " + matched);
            assertThat(stale).as("KnownRuntimeBugs entries that explained no failure: fixed? remove them").isEmpty();
        }));
    }

    private static Stream<DynamicTest> sweep(int nodes, String faults, int seeds, List<String> probesRequired) {
        Probes probes = new Probes();
        Stream<DynamicTest> runs = ScenarioCatalogue.all().stream().filter(s -> OBJECT_SCENARIOS.contains(s.name()))
                .map(s -> DynamicTest.dynamicTest(s.name() + " --nodes " + nodes + " seeds 1.." + seeds + " --faults " + faults,
                        () -> passes(s, nodes, faults, seeds, probes)));
        return Stream.concat(runs, Stream.of(DynamicTest.dynamicTest("the rare branches ran (--nodes " + nodes + " --faults "
                + faults + ")", () -> probes.assertReached(probesRequired))));
    }

    static void passes(Scenario scenario, int nodes, String faults, int seeds, Probes probes) {
        long startNanos = System.nanoTime();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> known = new TreeMap<>();
        long events = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            RunConfig config = RunConfig.of(seed, scenario.name()).withFaults(FaultSelection.parse(faults)).withNodes(nodes);
            RunResult r = Runner.run(scenario, config, probes);
            events += r.events();
            List<Violation> unexplained = new ArrayList<>();
            for (Violation v : r.violations()) {
                KnownRuntimeBugs.Entry e = KnownRuntimeBugs.explaining(scenario.name(), nodes, faults, seed, v);
                if (e == null) {
                    unexplained.add(v);
                } else {
                    known.merge(e.id(), 1, Integer::sum);
                }
            }
            if (!unexplained.isEmpty()) {
                failures.add("seed " + seed + ": " + unexplained.get(0) + (unexplained.size() > 1
                        ? " (+" + (unexplained.size() - 1) + " more)" : "") + "\n    repro: " + r.repro());
            }
        }
        double ms = (System.nanoTime() - startNanos) / 1e6;
        System.out.printf("%s --nodes %d --faults %s: %d seeds in %.0f ms (%.1f ms/run, %d events/run), %d failing,"
                        + " known runtime bugs matched: %s%n", scenario.name(), nodes, faults, seeds, ms, ms / seeds,
                events / seeds, failures.size(), known);
        MATCHED.merge(nodes + "/" + faults, known, (a, b) -> {
            Map<String, Integer> m = new TreeMap<>(a);
            b.forEach((k, n) -> m.merge(k, n, Integer::sum));
            return m;
        });
        assertThat(failures).as("%s --nodes %d --faults %s: %d of %d seeds fail:%n%s", scenario.name(), nodes, faults,
                failures.size(), seeds, String.join("\n", failures.subList(0, Math.min(10, failures.size())))).isEmpty();
    }

    /** Known-bug entries matched per sweep, to find stale ones. */
    private static final Map<String, Map<String, Integer>> MATCHED = new java.util.concurrent.ConcurrentHashMap<>();
}
