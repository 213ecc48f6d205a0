package dev.duro.deploy.node;

import dev.duro.deploy.OnLoop;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.client.ClusterClient;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.RuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import static dev.duro.deploy.node.ClusterFixture.CLUSTER_SECRET;
import static dev.duro.deploy.node.ClusterFixture.DEPLOYMENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof that the runtime the simulator tests runs unchanged on the real world: three
 * {@link ClusterNode}s from runtime-ref, each on its own {@link RealNode} (event loop, TCP on
 * loopback, data directory with fsync), and a {@link ClusterClient} on a fourth. Writes are
 * acknowledged, one node is stopped and started again on its data directory, and every
 * acknowledged write is read back; then all three are stopped and started again, and every write is
 * read back once more, which only their data directories can answer.
 */
class RealClusterTest {
    @TempDir
    Path tmp;

    private final ClusterConfig cluster = ClusterFixture.cluster();
    private final Deployment deployment = ClusterFixture.deployment();
    private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> exits = new ConcurrentLinkedQueue<>();
    private final List<RealNode> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (RealNode n : running) n.stop();
    }

    @Test
    void threeClusterNodesServeAcknowledgedWritesAcrossARestartOfOneAndOfAll() {
        List<RealNode> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(start(NodeId.of(i), new ClusterNode(deployment, RuntimeConfig.defaults(), cluster),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        }
        AtomicReference<ClusterClient> clientRef = new AtomicReference<>();
        RealNode clientNode = start(NodeId.of(3), w -> clientRef.set(new ClusterClient(w, cluster.members())),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        OnLoop.waitUntil(() -> clientRef.get() != null, 10_000, () -> "the client started");
        ClusterClient client = clientRef.get();

        Map<String, String> acknowledged = ClusterFixture.writeSome(clientNode, client, () -> log);
        for (RealNode m : members) {
            assertThat(m.disk().syncs()).as("%s fsynced the writes it acknowledged", m.config().self()).isPositive();
            assertThat(m.disk().forces()).isLessThanOrEqualTo(m.disk().syncs());
        }

        restart(members, 1);
        ClusterFixture.readBack(clientNode, client, acknowledged, "n1 restarted", () -> log);

        // Then the whole cluster at once: no peer holds a copy in memory, so what is read comes from the disks.
        List<InetSocketAddress> ports = new ArrayList<>();
        for (RealNode m : members) {
            ports.add(m.address());
            m.stop();
            running.remove(m);
        }
        for (int i = 0; i < 3; i++) {
            members.set(i, start(NodeId.of(i), new ClusterNode(deployment, RuntimeConfig.defaults(), cluster).asExistingMember(),
                    ports.get(i)));
        }
        ClusterFixture.readBack(clientNode, client, acknowledged, "all three members restarted", () -> log);
        assertThat(exits).as("no node failed-stop; log: %s", log).isEmpty();
    }

    private void restart(List<RealNode> members, int index) {
        RealNode old = members.get(index);
        InetSocketAddress port = old.address();
        old.stop();
        running.remove(old);
        members.set(index, start(NodeId.of(index),
                new ClusterNode(deployment, RuntimeConfig.defaults(), cluster).asExistingMember(), port));
    }

    private RealNode start(NodeId id, NodeProgram program, InetSocketAddress listen) {
        NodeConfig config = new NodeConfig(id, listen, addresses, tmp.resolve(id.toString()), CLUSTER_SECRET);
        RealNode node = RealNode.start(config, program, RealNode.Options.defaults()
                .withLog(log::add)
                .withExit(reason -> exits.add(id + ": " + reason)));
        running.add(node);
        addresses.put(id, node.address());
        return node;
    }
}
