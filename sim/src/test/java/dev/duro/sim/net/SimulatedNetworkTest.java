package dev.duro.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedNetworkTest {
    private static final NetworkConfig FIXED = new NetworkConfig(1_000_000, 0, NetworkConfig.Jitter.UNIFORM, 0, 0, 0, 0);

    private final List<TraceEvent> events = new ArrayList<>();
    private Simulation sim;
    private final World[] worlds = new World[3];
    private final List<String> received = new ArrayList<>();

    private void build(NetworkConfig config) {
        sim = new Simulation(Simulation.Options.seed(5).withNetwork(config).withListener(events::add));
        for (int i = 0; i < 3; i++) {
            int index = i;
            sim.addNode(world -> {
                worlds[index] = world;
                world.transport().onReceive((from, bytes) -> received.add(from + "->" + world.self() + ":" + new String(bytes)
                        + "@" + sim.nowNanos() / 1_000_000));
            }, NoDiskDevice.FACTORY);
        }
        sim.startAll();
        runUntil(1);
    }

    private void send(int from, int to, String text) {
        worlds[from].transport().send(NodeId.of(to), text.getBytes());
    }

    private void runUntil(long ms) {
        sim.at(Simulation.millis(ms), () -> { }); // so that time reaches the budget even when idle
        sim.run(Simulation.millis(ms), Long.MAX_VALUE);
    }

    private long count(EventKind kind, String label) {
        return events.stream().filter(e -> e.kind() == kind && (label == null || label.equals(e.label()))).count();
    }

    @Test
    void deliversAfterLatencyAndTracesSendAndDeliver() {
        build(FIXED);
        send(0, 1, "hi");
        runUntil(10);
        assertThat(received).containsExactly("n0->n1:hi@2");
        assertThat(count(EventKind.SEND, null)).isEqualTo(1);
        assertThat(count(EventKind.DELIVER, null)).isEqualTo(1);
    }

    @Test
    void partitionDropsBothWaysUntilHealed() {
        build(FIXED);
        sim.network().isolate(2);
        send(0, 2, "a");
        send(2, 0, "b");
        send(0, 1, "c");
        runUntil(10);
        assertThat(received).containsExactly("n0->n1:c@2");
        assertThat(count(EventKind.DROP, SimulatedNetwork.DROP_PARTITION)).isEqualTo(2);
        sim.network().heal();
        send(0, 2, "d");
        runUntil(20);
        assertThat(received).contains("n0->n2:d@11");
    }

    @Test
    void oneWayBlockLetsTheOtherDirectionThrough() {
        build(FIXED);
        sim.network().block(0, 1);
        send(0, 1, "x");
        send(1, 0, "y");
        runUntil(10);
        assertThat(received).containsExactly("n1->n0:y@2");
    }

    @Test
    void partitionFormedWhileInFlightDropsAtDelivery() {
        build(FIXED);
        send(0, 1, "x");
        sim.after(500_000, () -> sim.network().splitHalves()); // {n0} | {n1, n2}
        runUntil(10);
        assertThat(received).isEmpty();
        assertThat(count(EventKind.DROP, SimulatedNetwork.DROP_PARTITION)).isEqualTo(1);
    }

    @Test
    void clogDelaysWithoutDropping() {
        build(FIXED);
        sim.network().clogNode(1, Simulation.millis(20));
        send(0, 1, "late");
        send(0, 2, "on-time");
        runUntil(50);
        assertThat(received).containsExactly("n0->n2:on-time@2", "n0->n1:late@21");
        assertThat(count(EventKind.DROP, null)).isZero();
    }

    @Test
    void clogLinkDelaysOnlyThatDirection() {
        build(FIXED);
        sim.network().clogLink(0, 1, Simulation.millis(5));
        send(0, 1, "a");
        send(1, 0, "b");
        runUntil(50);
        assertThat(received).containsExactly("n1->n0:b@2", "n0->n1:a@6");
    }

    @Test
    void totalLossDropsEverythingAndDuplicationDeliversTwice() {
        build(FIXED.withLossRate(1.0));
        for (int i = 0; i < 10; i++) send(0, 1, "m" + i);
        runUntil(10);
        assertThat(received).isEmpty();
        assertThat(count(EventKind.DROP, SimulatedNetwork.DROP_LOSS)).isEqualTo(10);
        sim.network().configure(FIXED.withDuplicateRate(1.0));
        send(0, 1, "dup");
        runUntil(20);
        assertThat(received).containsExactly("n0->n1:dup@11", "n0->n1:dup@11");
    }

    @Test
    void messagesInFlightToACrashedNodeAreDroppedEvenAfterRestart() {
        build(FIXED);
        SimulatedNode n1 = sim.node(1);
        send(0, 1, "lost");
        sim.after(100_000, n1::crash);
        sim.after(200_000, n1::restart);
        runUntil(10);
        assertThat(received).isEmpty();
        assertThat(count(EventKind.DROP, SimulatedNetwork.DROP_CRASHED)).isEqualTo(1);
        send(0, 1, "after");
        runUntil(20);
        assertThat(received).containsExactly("n0->n1:after@11");
    }

    @Test
    void messagesToAPausedNodeWaitForTheResume() {
        build(FIXED);
        sim.node(1).pause(Simulation.millis(7));
        send(0, 1, "waits");
        runUntil(20);
        assertThat(received).containsExactly("n0->n1:waits@8");
    }

    @Test
    void randomLatencyReordersMessages() {
        build(new NetworkConfig(100_000, 5_000_000, NetworkConfig.Jitter.EXPONENTIAL, 0, 0, 0.5, 3_000_000));
        for (int i = 0; i < 50; i++) send(0, 1, String.format("%02d", i));
        runUntil(500);
        assertThat(received).hasSize(50);
        List<String> payloads = received.stream().map(s -> s.substring(s.indexOf(':') + 1, s.indexOf('@'))).toList();
        assertThat(payloads).isNotEqualTo(payloads.stream().sorted().toList());
    }

    @Test
    void unclogAllReleasesHeldMessagesAtOnceInHoldOrder() {
        build(FIXED);
        sim.network().clogNode(1, Simulation.millis(10_000));
        send(0, 1, "a");
        send(2, 1, "b");
        runUntil(5);
        assertThat(received).isEmpty();
        assertThat(sim.network().heldCount()).isEqualTo(2);
        sim.network().unclogAll();
        runUntil(6);
        // Before the fix they waited for the old clog end at 10 s.
        assertThat(received).containsExactly("n0->n1:a@5", "n2->n1:b@5");
        assertThat(sim.network().heldCount()).isZero();
        assertThat(sim.network().latestClogEndNanos()).isZero();
        runUntil(11_000); // the stale hold entries at the old clog end deliver nothing twice
        assertThat(received).hasSize(2);
        assertThat(count(EventKind.DROP, null)).isZero();
    }

    @Test
    void aMessageClogAgainAfterUnclogIsHeldByTheNewClog() {
        build(FIXED);
        sim.network().clogNode(1, Simulation.millis(10_000));
        send(0, 1, "a");
        runUntil(5);
        sim.network().unclogAll();
        sim.network().clogLink(0, 1, Simulation.millis(20)); // clogged again before it went out
        runUntil(100);
        assertThat(received).containsExactly("n0->n1:a@25");
    }
}
