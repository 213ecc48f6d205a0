package dev.duro.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sockets of an object hibernating on its owner, while another node ran the object during a
 * partition, are closed when the object wakes there again: they missed what the other owner sent.
 * (Found by the chat sweep, seed 642 under swarm faults: a member's socket went on receiving live
 * messages after a gap.)
 */
class HibernatedSocketsTest {
    private static final long SEED = 4301;

    @Test
    void socketsHibernatingThroughAFailoverAreClosedWhenTheObjectWakesAgain() {
        ClusterRig rig = ClusterRig.onDisks(SEED, 3);
        String name = "sleeper";
        List<NodeId> replicas = rig.replicas(name);
        NodeId owner = replicas.getFirst();
        NodeId other = replicas.get(1);
        assertThat(rig.text(name, "/inc")).isEqualTo("1");
        List<String> heard = new ArrayList<>();
        // at the owner's own gateway: a socket through another member would end (1006) when that member suspects the owner
        var socket = rig.value(() -> rig.client().gateway().connect(owner, ClusterRig.NS, name, Request.webSocketUpgrade("/ws"),
                Listeners.recording(heard), ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(socket.isOpen()).isTrue();
        rig.runMillis(12_000);
        assertThat(rig.records("obj-evict")).as("premise: the object hibernated on its owner")
                .anyMatch(r -> r.startsWith(owner + " ") && r.contains("reason=hibernate"));

        // The owner is cut off from the other members (not from the client); another node takes over and writes.
        for (int m = 0; m < 3; m++) {
            if (m == owner.index()) continue;
            rig.sim.network().block(owner.index(), m);
            rig.sim.network().block(m, owner.index());
        }
        String answer = null;
        for (int attempt = 0; attempt < 30 && answer == null; attempt++) {
            Promise<Response> p = rig.await(() -> rig.client().gateway().fetch(other, ClusterRig.NS, name, Request.get("/inc"),
                    Simulation.millis(1_000)));
            if (p.isSucceeded()) answer = p.value().bodyText();
        }
        assertThat(answer).as("another replica served during the partition").isEqualTo("2");
        assertThat(heard).as("premise: the socket still looks open").isEmpty();

        rig.sim.network().heal();
        rig.runMillis(8_000);
        assertThat(rig.text(name, "/inc")).isEqualTo("3");
        assertThat(rig.nodesOf("obj-event-begin", name).getLast()).as("the first replica owns the object again").isEqualTo(owner);
        assertThat(heard).as("the socket that slept through the failover is closed, for its client to reconnect")
                .anyMatch(h -> h.startsWith("close 1001 "));
    }
}
