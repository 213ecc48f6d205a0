package dev.duro.scenarios;

import dev.duro.runtime.PlantedBug;
import dev.duro.sim.run.FaultSelection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * For each planted runtime bug, the hunt a user would run to find it: the scenario whose workload
 * exercises what the bug breaks, the fault mix (the default swarm, except where the bug needs one
 * fault in every run to show: a crash with disk faults for skipped fsyncs, partitions and pauses
 * for reads without a lease), and the properties expected to catch it. Used by
 * {@code duro sim bug-table} and the planted-bug tests; docs/bug-detection.md explains each choice.
 */
public final class BugHunts {
    /**
     * @param bug the planted bug
     * @param scenario the catalogue scenario to sweep
     * @param faults the fault mix ({@code swarm} unless the bug needs a particular fault every run)
     * @param expected the properties that should catch it, most direct first
     * @param why one line: how the bug shows in that scenario
     */
    public record Hunt(PlantedBug bug, String scenario, FaultSelection faults, List<String> expected, String why) {
        public Hunt {
            expected = List.copyOf(expected);
        }
    }

    private static final Map<PlantedBug, Hunt> HUNTS = build();

    private BugHunts() {}

    private static Map<PlantedBug, Hunt> build() {
        Map<PlantedBug, Hunt> m = new EnumMap<>(PlantedBug.class);
        FaultSelection swarm = FaultSelection.SWARM;
        add(m, PlantedBug.OUTPUT_GATE_OPEN_EARLY, "kv", swarm, List.of("P4-output", "K1", "K2"),
                "every response leaves before its write is durable: the gate checker sees it on the first write");
        add(m, PlantedBug.INPUT_GATE_OPEN, "counter", swarm, List.of("P4-input", "C1", "C2-lost", "C2-duplicate"),
                "an increment delivered while the counter loads reads a stale value");
        add(m, PlantedBug.ALARM_CLEARED_BEFORE_HANDLER, "scheduler", swarm,
                List.of("P5-lost", "S4"), "a handler that fails or is cut by a crash is never retried: jobs never run");
        add(m, PlantedBug.LOG_ACK_BEFORE_FSYNC, "counter", FaultSelection.parse("crash,disk"),
                List.of("C1", "C2-lost", "C2-duplicate", "P2", "C3"),
                "acknowledged increments are lost when every copy is still unsynced at a crash (the full restart), or a"
                        + " replica finds its acknowledged records gone and, with a node lost for good, the counter has no"
                        + " healthy majority left and never serves again (C3)");
        add(m, PlantedBug.ACK_BEFORE_QUORUM, "kv", swarm,
                List.of("K2", "K1", "P3"), "a write held by one replica is acknowledged, then lost when that replica fails");
        add(m, PlantedBug.STALE_EPOCH, "kv", swarm, List.of("P3", "K1", "K2"),
                "a deposed owner's writes are still accepted after a new owner took over");
        add(m, PlantedBug.READ_WITHOUT_LEASE, "kv", FaultSelection.parse("partition,pause"), List.of("P3", "K1"),
                "an owner cut off from its replicas keeps answering reads after a new owner wrote");
        add(m, PlantedBug.DROP_ALARM_ON_FAILOVER, "scheduler", swarm,
                List.of("P5-lost", "S4"), "an object taken over after a failover never runs its pending jobs");
        add(m, PlantedBug.REPLAY_OUT_OF_ORDER, "counter", swarm,
                List.of("C1", "C2-lost", "C2-duplicate", "K1"), "a recovered counter applies two batches in the wrong order");
        add(m, PlantedBug.NO_CHECKSUM, "kv", swarm, List.of("K1", "K2", "K3", "crash"),
                "a replica serves flipped bits in synced data instead of repairing them: an owner adopts the corrupt"
                        + " batch and installs it on every replica, so no owner can rebuild the object again (its final"
                        + " reads never answer, K3) or reads return what nobody wrote");
        add(m, PlantedBug.SPLIT_BRAIN_AFTER_HEAL, "kv", swarm, List.of("P3", "K1", "K2"),
                "an owner fenced during a partition re-takes the object on its stale state after the heal");
        add(m, PlantedBug.RELABEL_AFTER_REFUSED_APPEND, "kv", swarm, List.of("K2", "K1"),
                "a replica whose disk is full as an install extends its log still relabels it: labelled with the new"
                        + " owner's epoch but missing batches it adopted, it wins the next election over the replicas"
                        + " holding them, and acknowledged writes are lost");
        for (PlantedBug b : PlantedBug.values()) {
            if (!m.containsKey(b)) throw new IllegalStateException("no hunt for planted bug " + b + ": add one to BugHunts");
        }
        return m;
    }

    private static void add(Map<PlantedBug, Hunt> m, PlantedBug bug, String scenario, FaultSelection faults,
                            List<String> expected, String why) {
        if (ScenarioCatalogue.find(scenario).isEmpty()) throw new IllegalStateException("no scenario " + scenario);
        m.put(bug, new Hunt(bug, scenario, faults, expected, why));
    }

    /** The hunt for {@code bug}. */
    public static Hunt of(PlantedBug bug) {
        return HUNTS.get(bug);
    }

    /** Every hunt, in catalogue order of the bugs. */
    public static List<Hunt> all() {
        return List.copyOf(HUNTS.values());
    }
}
