package dev.duro.runtime.cluster;

import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.sim.Simulation;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure detector alone (docs/cluster.md): with heartbeats every 100 ms and suspicion after
 * 500 ms of silence, a member silent from the start is suspected at the first heartbeat tick after
 * 500 ms (600 ms, not 500), its view change is reported once, and its next message trusts it again,
 * reported once. A member that keeps talking is never suspected.
 */
class FailureDetectorTest {
    private static final long SEED = 17;
    private static final NodeId N1 = NodeId.of(1);
    private static final NodeId N2 = NodeId.of(2);

    @Test
    void aSilentMemberIsSuspectedAtTheFirstTickPastTheBoundAndTrustedAgainByItsNextMessage() {
        List<TraceEvent> events = new ArrayList<>();
        Simulation sim = new Simulation(Simulation.Options.seed(SEED).withListener(events::add));
        ClusterConfig cluster = new ClusterConfig(List.of(NodeId.of(0), N1, N2), 3, 2_000, 1_000, 100, 500);
        FailureDetector[] fd = new FailureDetector[1];
        World[] world = new World[1];
        long[] startedAt = new long[1];
        List<String> changes = new ArrayList<>();
        boolean[] n2Talks = new boolean[1];
        sim.addNode(w -> {
            world[0] = w;
            startedAt[0] = w.clock().monotonicNanos();
            fd[0] = new FailureDetector(w, cluster, 5, () -> changes.add(
                    (w.clock().monotonicNanos() - startedAt[0]) / 1_000_000 + "ms " + fd[0].suspected()));
            w.transport().onReceive((from, bytes) -> fd[0].heard(from));
            fd[0].start();
        }, NoDiskDevice.FACTORY);
        sim.addNode(w -> talk(w, new boolean[] {true}), NoDiskDevice.FACTORY); // n1 speaks every 100 ms
        sim.addNode(w -> talk(w, n2Talks), NoDiskDevice.FACTORY); // n2 stays silent until told
        sim.startAll();

        sim.run(sim.nowNanos() + Simulation.millis(1_000), Long.MAX_VALUE);
        assertThat(changes).as("seed %d", SEED).containsExactly("600ms [n2]");
        assertThat(records(events, FailureDetector.TRACE_SUSPECT)).containsExactly("node=n2 silent-ms=600");
        assertThat(fd[0].trusts(N2)).isFalse();
        assertThat(fd[0].trusts(N1)).isTrue();
        assertThat(fd[0].trusts(NodeId.of(0))).as("a node always trusts itself").isTrue();

        n2Talks[0] = true;
        sim.run(sim.nowNanos() + Simulation.millis(1_000), Long.MAX_VALUE);
        assertThat(changes).as("seed %d", SEED).hasSize(2);
        assertThat(changes.get(1)).endsWith("ms []");
        assertThat(records(events, FailureDetector.TRACE_TRUST)).containsExactly("node=n2");
        assertThat(fd[0].suspected()).isEmpty();
        fd[0].heard(NodeId.of(7)); // not a member: ignored
        assertThat(fd[0].suspected()).isEmpty();
        assertThat(changes).hasSize(2);
    }

    /** Sends one byte to n0 every 100 ms while {@code on[0]}. */
    private static void talk(World w, boolean[] on) {
        w.transport().onReceive((from, bytes) -> { });
        w.loop().schedule(Simulation.millis(100), new Runnable() {
            @Override
            public void run() {
                if (on[0]) w.transport().send(NodeId.of(0), new byte[] {1});
                w.loop().schedule(Simulation.millis(100), this);
            }
        });
    }

    private static List<String> records(List<TraceEvent> events, String label) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) if (e.kind() == EventKind.RECORD && label.equals(e.label())) out.add(e.detail());
        return out;
    }
}
