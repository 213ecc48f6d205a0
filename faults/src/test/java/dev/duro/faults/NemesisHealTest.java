package dev.duro.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.NodeState;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import org.junit.jupiter.api.Test;

/** Every strike heals by the heal time, and the heal leaves a healthy world. */
class NemesisHealTest {

    @Test
    void afterTheHealNoLinkIsBlockedNothingIsClogged_andEveryTargetIsUpUnpausedAndUndrifted() {
        for (long seed = 1; seed <= 40; seed++) {
            NemesisRig rig = new NemesisRig(seed, 2 + (int) (seed % 4), 2_000, TraceListener.NONE);
            StopReason why = rig.sim.run(rig.healAtNanos, 5_000_000);
            assertThat(why).as("seed %d: %s", seed, rig.sim.kernel().failure()).isEqualTo(StopReason.TIME_LIMIT);
            long now = rig.sim.nowNanos();
            assertThat(rig.sim.network().blockedLinks()).as("seed %d", seed).isEmpty();
            assertThat(rig.sim.network().latestClogEndNanos()).as("seed %d", seed).isLessThanOrEqualTo(now);
            assertThat(rig.sim.network().heldCount()).as("seed %d", seed).isZero();
            assertThat(rig.sim.network().config()).isEqualTo(rig.plan.network().healed());
            for (SimulatedNode node : rig.sim.nodes()) {
                assertThat(node.state()).as("seed %d %s", seed, node).isEqualTo(NodeState.UP);
                assertThat(node.isPaused()).as("seed %d %s paused until %d, heal %d", seed, node,
                        rig.sim.kernel().pausedUntilNanos(node.index()), now).isFalse();
                assertThat(node.clock().driftPpm()).isZero();
            }
            rig.disks.forEach(d -> {
                assertThat(d.config().syncFailureProbability()).isZero();
                assertThat(d.config().slowSyncProbability()).isZero();
            });
            // And the world stays healthy: no strike is left to fire after the heal.
            rig.sim.run(rig.healAtNanos + Simulation.millis(3_000), 5_000_000);
            assertThat(rig.sim.network().blockedLinks()).isEmpty();
            assertThat(rig.sim.nodes()).allMatch(SimulatedNode::isUp);
        }
    }

    @Test
    void aClusterPlanHealsAsCompletely() {
        for (long seed = 1; seed <= 20; seed++) {
            NemesisRig rig = NemesisRig.cluster(seed, 3 + (int) (seed % 3), 3_000, TraceListener.NONE, seed % 2 == 0);
            StopReason why = rig.sim.run(rig.healAtNanos, 5_000_000);
            assertThat(why).as("seed %d: %s", seed, rig.sim.kernel().failure()).isEqualTo(StopReason.TIME_LIMIT);
            assertThat(rig.sim.network().blockedLinks()).as("seed %d", seed).isEmpty();
            for (SimulatedNode node : rig.sim.nodes()) {
                assertThat(node.state()).as("seed %d %s", seed, node).isEqualTo(NodeState.UP);
                assertThat(node.clock().driftPpm()).isZero();
            }
        }
    }

    @Test
    void everyPartitionLastsItsDrawnTimeUnlessANewerStrikeOrTheHealReplacesIt() {
        for (long seed = 1; seed <= 40; seed++) {
            List<TraceEvent> events = new ArrayList<>();
            NemesisRig rig = new NemesisRig(seed, 3 + (int) (seed % 3), 4_000, e -> {
                boolean strike = e.kind() == EventKind.NOTE && "partition-strike".equals(e.label());
                if (strike || e.kind() == EventKind.HEAL) events.add(e);
            });
            rig.sim.run(rig.healAtNanos + 1, 5_000_000);
            for (int i = 0; i < events.size(); i++) {
                TraceEvent strike = events.get(i);
                if (strike.kind() != EventKind.NOTE) continue;
                String detail = strike.detail();
                long lasts = Long.parseLong(detail.substring(detail.indexOf("lasts ") + 6, detail.length() - 2));
                long replacedAt = rig.healAtNanos;
                for (int j = i + 1; j < events.size(); j++) {
                    if (events.get(j).kind() == EventKind.NOTE) {
                        replacedAt = events.get(j).timeNanos();
                        break;
                    }
                }
                long endsAt = Math.min(strike.timeNanos() + lasts, replacedAt);
                for (int j = i + 1; j < events.size() && events.get(j).kind() == EventKind.HEAL; j++) {
                    assertThat(events.get(j).timeNanos()).as("seed %d: %s healed early", seed, detail)
                            .isGreaterThanOrEqualTo(endsAt);
                }
            }
        }
    }

    @Test
    void aSupervisedRestartDueAfterTheHealStillHappens() {
        Simulation sim = new Simulation(Simulation.Options.seed(3));
        List<World> worlds = new ArrayList<>();
        SimulatedNode node = sim.addNode(worlds::add, NoDiskDevice.FACTORY);
        NemesisPlan plan = NemesisPlan.draw(FaultSelection.NONE, sim.entropy("nemesis-plan"));
        long healAt = Simulation.millis(100);
        new Nemesis(sim, plan, healAt).install();
        sim.startAll();
        // The program exits 1 ms before the heal; its supervisor restarts it 10-500 ms later.
        sim.at(healAt - Simulation.millis(1), () -> worlds.get(0).loop().execute(() -> worlds.get(0).exit("test")));
        sim.run(healAt, 1_000_000);
        sim.run(healAt + Simulation.millis(600), 1_000_000);
        assertThat(node.incarnation()).isEqualTo(2);
        assertThat(node.isUp()).isTrue();
    }

    @Test
    void healAllLeavesANodeThatWasNeverStartedAlone() {
        Simulation sim = new Simulation(Simulation.Options.seed(4));
        sim.addNode(world -> { }, NoDiskDevice.FACTORY);
        SimulatedNode late = sim.addNode(world -> { }, NoDiskDevice.FACTORY);
        new Nemesis(sim, NemesisPlan.draw(FaultSelection.NONE, sim.entropy("nemesis-plan")), Simulation.millis(10), 1, List.of())
                .install();
        sim.node(0).start();
        assertThat(sim.run(Simulation.millis(20), 1_000)).isNotEqualTo(StopReason.FAILURE);
        assertThat(late.state()).isEqualTo(NodeState.NEW); // it used to throw "can only restart when down"
    }
}
