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
 *       faulty-disk node, a full-cluster restart): seeds 1..{@code CLUSTER_SEEDS} under the default
 *       swarm faults and 1..{@code CLUSTER_ALL_SEEDS} with every fault on;</li>
 *   <li>the single node ({@code --nodes 1}): 1..{@code SEEDS} under crashes and disk faults (the
 *       faults every durability claim is about) and 1..{@code ALL_SEEDS} with every fault.</li>
 * </ul>
 *
 * The default build runs the bounded sweep (20+10 cluster and 30+15 single-node seeds per scenario,
 * 450 runs); {@code -Dduro.long=true} ({@code ./duro test -Plong}) runs the long one (60+20 and
 * 120+30, 1,380 runs). A failure names each failing seed with its violations and the command that
 * reproduces it; violations explained by {@link KnownRuntimeBugs} (runtime bugs reported, not
 * fixed yet) are counted instead. Coverage probes check that each sweep reached the rare branches
 * it claims to test. Nothing is printed on success.
 */
class ScenarioSeedsProperties {
    /** The long sweep: {@code -Dduro.long=true}, set by the {@code long} Maven profile. */
    static final boolean LONG = Boolean.getBoolean("duro.long");
    static final int SEEDS = LONG ? 120 : 30;
    static final int ALL_SEEDS = LONG ? 30 : 15;
    static final int CLUSTER_SEEDS = LONG ? 60 : 20;
    static final int CLUSTER_ALL_SEEDS = LONG ? 20 : 10;
    /** Two turns of the profile rotation on average (eight slots) in the long sweep, one in the default one. */
    static final int CLUSTER_PROFILE_SEEDS = LONG ? 16 : 8;
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
            assertThat(stale).as("KnownRuntimeBugs entries that explained no failure (matched: %s): fixed? remove them",
                    matched).isEmpty();
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
        List<String> failures = new ArrayList<>();
        Map<String, Integer> known = new TreeMap<>();
        for (long seed = 1; seed <= seeds; seed++) {
            RunConfig config = RunConfig.of(seed, scenario.name()).withFaults(FaultSelection.parse(faults)).withNodes(nodes);
            RunResult r = Runner.run(scenario, config, probes);
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
        MATCHED.merge(nodes + "/" + faults, known, (a, b) -> {
            Map<String, Integer> m = new TreeMap<>(a);
            b.forEach((k, n) -> m.merge(k, n, Integer::sum));
            return m;
        });
        assertThat(failures).as("%s --nodes %d --faults %s: %d of %d seeds fail (known runtime bugs matched: %s):%n%s",
                scenario.name(), nodes, faults, failures.size(), seeds, known,
                String.join("\n", failures.subList(0, Math.min(10, failures.size())))).isEmpty();
    }

    /** Known-bug entries matched per sweep, to find stale ones. */
    private static final Map<String, Map<String, Integer>> MATCHED = new java.util.concurrent.ConcurrentHashMap<>();
}
