package dev.duro.runtime.replication;

import dev.duro.sim.Simulation;
import dev.duro.sim.random.SeededEntropy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: {@link ChaosRun} with a harsher nemesis on top of its own: long delays (messages of dead
 * incarnations and old epochs arriving seconds late), clogged links, bridge partitions, and (in
 * one variant) one node losing its whole disk, again and again.
 */
class ReviewChaosTest {
    static final long SEEDS = Long.getLong("review.seeds", 6);

    /** A harsh run and what its extra nemesis did. */
    record Harsh(ChaosRun run, int extraFaults, int lostDisks) {}

    static Harsh harsh(long seed, boolean lostDisks) {
        return harsh(new ChaosRun(seed, Set.of()), lostDisks);
    }

    static Harsh harsh(ChaosRun run, boolean lostDisks) {
        ReplicationRig rig = run.rig;
        SeededEntropy extra = rig.sim.entropy("review-nemesis");
        int nodes = rig.replication.length;
        rig.sim.network().configure(rig.sim.network().config().withReorder(0.05, Simulation.millis(1_500)));
        long start = rig.sim.nowNanos();
        int lossy = extra.nextInt(nodes); // at most one node ever loses its disk: a minority of faults
        int[] extraFaults = {0};
        int[] lost = {0};

        for (long t = 300; t < 11_000; t += extra.between(300, 1_200)) {
            long at = start + Simulation.millis(t);
            rig.sim.at(at, () -> {
                extraFaults[0]++;
                int n = extra.nextInt(nodes);
                int m = (n + 1 + extra.nextInt(nodes - 1)) % nodes;
                switch (extra.nextInt(lostDisks ? 3 : 2)) {
                    case 0 -> rig.sim.network().clogLink(n, m, Simulation.millis(extra.between(200, 2_500)));
                    case 1 -> {
                        rig.sim.network().bridge(n, m);
                        rig.sim.after(Simulation.millis(extra.between(300, 2_000)), () -> rig.sim.network().heal());
                    }
                    default -> {
                        if (rig.node(lossy).isUp()) {
                            rig.node(lossy).crash();
                            rig.disks.get(lossy).loseEverything();
                            lost[0]++;
                            rig.sim.after(Simulation.millis(extra.between(50, 1_000)), () -> {
                                if (!rig.node(lossy).isUp()) rig.node(lossy).restart();
                            });
                        }
                    }
                }
            });
        }
        ChaosRun done = run.execute();
        return new Harsh(done, extraFaults[0], lost[0]);
    }

    @Test
    void harshNemesisOnRealDisks() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            Harsh h = harsh(new ChaosRun(seed, Set.of(), true), false);
            assertThat(h.extraFaults()).as("the harsh nemesis struck: %s", h.run().summary()).isPositive();
            if (!h.run().violations.isEmpty()) bad.add(h.run().summary());
        }
        assertThat(bad).isEmpty();
    }

    /**
     * Bug 1 (LostDiskStaleOwnerTest) under chaos: before the fix, lost disks let deposed owners form
     * quorums of their own. Now no seed may violate anything, every seed must really have lost a
     * disk, and the fix's path must have run: an amnesic replica learned its promise from its peers.
     */
    @Test
    void harshNemesisWithLostDisks() {
        List<String> bad = new ArrayList<>();
        int learned = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Harsh h = harsh(seed, true);
            assertThat(h.lostDisks()).as("seed %d lost no disk: %s", seed, h.run().summary()).isPositive();
            learned += h.run().rig.records("repl-promise-learned").size();
            if (!h.run().violations.isEmpty()) bad.add(h.run().summary());
        }
        assertThat(bad).as("lost disks under the harsh nemesis: %d of %d seeds violated", bad.size(), SEEDS).isEmpty();
        assertThat(learned).as("no amnesic replica learned its promise from its peers in seeds 1..%d", SEEDS).isPositive();
    }

    @Test
    void harshNemesisWithoutLostDisks() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            Harsh h = harsh(seed, false);
            assertThat(h.extraFaults()).as("the harsh nemesis struck: %s", h.run().summary()).isPositive();
            if (!h.run().violations.isEmpty()) bad.add(h.run().summary());
        }
        assertThat(bad).isEmpty();
    }
}
