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
 * incarnations and old epochs arriving seconds late), clogged links, bridge partitions.
 */
class ReviewChaosTest {
    static final long SEEDS = Long.getLong("review.seeds", 6);

    static long extraFaults;

    static ChaosRun harsh(long seed, boolean lostDisks) {
        return harsh(new ChaosRun(seed, Set.of()), lostDisks);
    }

    static ChaosRun harsh(ChaosRun run, boolean lostDisks) {
        ReplicationRig rig = run.rig;
        SeededEntropy extra = rig.sim.entropy("review-nemesis");
        int nodes = rig.replication.length;
        rig.sim.network().configure(rig.sim.network().config().withReorder(0.05, Simulation.millis(1_500)));
        long start = rig.sim.nowNanos();
        int lossy = extra.nextInt(nodes); // at most one node ever loses its disk: a minority of faults

        for (long t = 300; t < 11_000; t += extra.between(300, 1_200)) {
            long at = start + Simulation.millis(t);
            rig.sim.at(at, () -> {
                extraFaults++;
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
                            rig.sim.after(Simulation.millis(extra.between(50, 1_000)), () -> {
                                if (!rig.node(lossy).isUp()) rig.node(lossy).restart();
                            });
                        }
                    }
                }
            });
        }
        return run.execute();
    }

    @Test
    void harshNemesisOnRealDisks() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ChaosRun run = harsh(new ChaosRun(seed, Set.of(), true), false);
            if (!run.violations.isEmpty()) bad.add(run.summary());
        }
        assertThat(bad).isEmpty();
    }

    /** Bug 1 (LostDiskStaleOwnerTest) under chaos: lost disks let deposed owners form quorums. */
    @Test
    void harshNemesisWithLostDisks() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ChaosRun run = harsh(seed, true);
            if (!run.violations.isEmpty()) bad.add(run.summary());
        }
        System.out.println("extra faults " + extraFaults + "; lost disks: " + bad.size() + " of " + SEEDS + " seeds violated: " + bad);
    }

    @Test
    void harshNemesisWithoutLostDisks() {
        List<String> bad = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            ChaosRun run = harsh(seed, false);
            System.out.println(run.summary());
            if (!run.violations.isEmpty()) bad.add(run.summary());
        }
        assertThat(bad).isEmpty();
    }
}
