package dev.duro.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultKind;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.trace.EventKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster plan ({@link NemesisPlan#forCluster}): drift stays within the cluster's bound unless
 * asked to break it, the faults only replicas survive strike the one faulty-disk node only, and
 * the rest of the plan is what the plain draw gave.
 */
class NemesisClusterTest {
    private static final long BOUND = 1_000;

    @Test
    void driftStaysWithinTheBoundAtEveryInstant() {
        // A tight bound (100 ppm) below most plain draws (10..500 ppm), so the cap is what keeps it.
        long tight = 100;
        int capped = 0;
        for (long seed = 1; seed <= 30; seed++) {
            List<Long> drifts = new ArrayList<>();
            NemesisRig rig = NemesisRig.cluster(seed, 5, 3_000, e -> {
                if (e.kind() == EventKind.CLOCK) drifts.add(e.a());
            }, tight, false);
            for (SimulatedNode n : rig.sim.nodes()) drifts.add(n.clock().driftPpm()); // the initial drift
            rig.sim.run(rig.healAtNanos, 5_000_000);
            assertThat(rig.plan.driftMaxPpm()).as("seed %d", seed).isLessThanOrEqualTo(tight);
            if (rig.plan.driftMaxPpm() == tight) capped++;
            assertThat(drifts).as("seed %d", seed).allSatisfy(d -> assertThat(Math.abs(d)).isLessThanOrEqualTo(tight));
        }
        assertThat(capped).as("runs whose plain draw exceeded the bound").isPositive();
    }

    @Test
    void beyondTheBoundDriftIsFarBeyondItAndOnWhateverTheSwarmChose() {
        long beyond = 0;
        for (long seed = 1; seed <= 10; seed++) {
            NemesisRig rig = NemesisRig.cluster(seed, 5, 3_000, e -> { }, true);
            assertThat(rig.plan.on()).contains("clock");
            assertThat(rig.plan.driftMaxPpm()).isEqualTo(NemesisPlan.BEYOND_BOUND_DRIFT_PPM);
            assertThat(rig.plan.describe().get("clock")).contains("BEYOND the cluster's bound");
            for (SimulatedNode n : rig.sim.nodes()) {
                // Extremes on purpose: half to all of the bound, either way.
                assertThat(Math.abs(n.clock().driftPpm())).isGreaterThanOrEqualTo(NemesisPlan.BEYOND_BOUND_DRIFT_PPM / 2);
                beyond++;
            }
        }
        assertThat(beyond).isPositive();
    }

    @Test
    void bitFlipsReadErrorsAndLostDisksStrikeOnlyTheFaultyDiskNode() {
        long flips = 0;
        long lost = 0;
        for (long seed = 1; seed <= 30; seed++) {
            NemesisRig rig = NemesisRig.cluster(seed, 5, 6_000, e -> { }, false);
            int faulty = rig.plan.cluster().faultyDisk();
            assertThat(faulty).as("seed %d: every fault is on, so a faulty disk is drawn", seed).isBetween(0, 4);
            StopReason why = rig.sim.run(rig.healAtNanos + Simulation.millis(1_000), 5_000_000);
            assertThat(why).as("seed %d: %s", seed, rig.sim.kernel().failure()).isEqualTo(StopReason.TIME_LIMIT);
            for (int i = 0; i < rig.disks.size(); i++) {
                var stats = rig.disks.get(i).stats();
                if (i == faulty) {
                    flips += stats.faults(DiskFaultKind.BIT_FLIP);
                    lost += stats.faults(DiskFaultKind.LOST_DISK);
                } else {
                    assertThat(stats.faults(DiskFaultKind.BIT_FLIP)).as("seed %d n%d (faulty n%d)", seed, i, faulty).isZero();
                    assertThat(stats.faults(DiskFaultKind.LOST_DISK)).as("seed %d n%d", seed, i).isZero();
                    assertThat(stats.faults(DiskFaultKind.READ_ERROR)).as("seed %d n%d", seed, i).isZero();
                }
            }
        }
        assertThat(flips).as("bit flips on the faulty disks").isPositive();
        assertThat(lost).as("faulty disks lost while down").isPositive();
    }

    @Test
    void theClusterPlanKeepsThePlainDrawAndAddsToIt() {
        for (long seed = 1; seed <= 50; seed++) {
            NemesisPlan plain = NemesisPlan.draw(FaultSelection.SWARM, new Simulation(Simulation.Options.seed(seed)).entropy("p"));
            NemesisPlan c = plain.forCluster(new Simulation(Simulation.Options.seed(seed)).entropy("p"), 5, 2_000, BOUND, false);
            assertThat(plain.cluster()).isEqualTo(NemesisPlan.ClusterFaults.NONE);
            assertThat(c.network()).isEqualTo(plain.network());
            assertThat(c.crashEveryMs()).isEqualTo(plain.crashEveryMs());
            assertThat(c.disk()).isEqualTo(plain.disk());
            assertThat(c.on()).isEqualTo(plain.on());
            assertThat(c.cluster().faultyDisk() >= 0).as("seed %d", seed).isEqualTo(plain.on().contains("disk"));
            assertThat(c.pauseMaxMs()).isIn(plain.pauseMaxMs(), c.pauseMaxMs() >= 2_000 ? c.pauseMaxMs() : -1);
            // Fewer than 3 nodes: no replica set to keep a minority of, so no faulty disk.
            assertThat(plain.forCluster(new Simulation(Simulation.Options.seed(seed)).entropy("p"), 2, 2_000, BOUND, false)
                    .cluster().faultyDisk()).isEqualTo(-1);
        }
    }

    @Test
    void halfTheCrashRunsLoseOneNodeForGoodAndItIsTheFaultyDiskWhenThereIsOne() {
        int lostRuns = 0;
        int crashRuns = 0;
        for (long seed = 1; seed <= 400; seed++) {
            NemesisPlan c = NemesisPlan.draw(FaultSelection.SWARM, new Simulation(Simulation.Options.seed(seed)).entropy("p"))
                    .forCluster(new Simulation(Simulation.Options.seed(seed)).entropy("p"), 5, 2_000, BOUND, false);
            int lost = c.cluster().lostNode();
            if (!c.on().contains("crash")) {
                assertThat(lost).as("seed %d: no crashes, so nothing is lost for good", seed).isEqualTo(-1);
                continue;
            }
            crashRuns++;
            if (lost < 0) continue;
            lostRuns++;
            assertThat(lost).as("seed %d", seed).isBetween(0, 4);
            if (c.cluster().faultyDisk() >= 0) {
                assertThat(lost).as("seed %d: one faulty replica per object at most", seed).isEqualTo(c.cluster().faultyDisk());
            }
            assertThat(c.describe()).containsKey("lost-node");
        }
        assertThat(lostRuns).as("runs losing a node, of %d with crashes", crashRuns)
                .isBetween(crashRuns * 3 / 10, crashRuns * 7 / 10);
    }

    @Test
    void aLostNodeOtherThanTheFaultyDiskIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NemesisPlan.ClusterFaults(1, 0, 0, 0, 0, 2_000, BOUND, false, 2))
                .hasMessageContaining("two faulty replicas");
    }
}
