package dev.duro.deploy.node;

import dev.duro.deploy.OnLoop;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterClient;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

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
    private static final byte[] CLUSTER_SECRET = "real cluster test: cluster key!!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DEPLOYMENT_SECRET = "real cluster test: deployment!!!".getBytes(StandardCharsets.UTF_8);
    private static final String NS = "REGISTERS";
    private static final long CALL_TIMEOUT_NANOS = 3_000_000_000L;
    /** Bound on one logical call including retries: startup elections and failover take seconds in real time. */
    private static final long CALL_DEADLINE_MILLIS = 60_000;

    @TempDir
    Path tmp;

    private final ClusterConfig cluster = ClusterConfig.of(3);
    private final Deployment deployment = new Deployment(DEPLOYMENT_SECRET,
            List.of(new NamespaceBinding(NS, (ObjectFactory) Register::new)));
    private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> exits = new ConcurrentLinkedQueue<>();
    private final List<RealNode> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (RealNode n : running) n.stop();
    }

    @Test
    void threeClusterNodesServeAcknowledgedWritesAcrossARestartOfOne() {
        List<RealNode> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(startMember(NodeId.of(i), new ClusterNode(deployment, RuntimeConfig.defaults(), cluster),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        }
        AtomicReference<ClusterClient> clientRef = new AtomicReference<>();
        NodeId clientId = NodeId.of(3);
        RealNode clientNode = start(clientId, w -> clientRef.set(new ClusterClient(w, DEPLOYMENT_SECRET, cluster)),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        OnLoop.waitUntil(() -> clientRef.get() != null, 10_000, () -> "the client started");
        ClusterClient client = clientRef.get();

        Map<String, String> acknowledged = new LinkedHashMap<>();
        for (int object = 0; object < 4; object++) {
            for (int key = 0; key < 3; key++) {
                String name = "reg-" + object;
                String path = "/set?k=k" + key + "&v=" + name + "." + key;
                assertThat(call(clientNode, client, name, path)).as("set %s %s", name, path).isEqualTo("ok");
                acknowledged.put(name + "/k" + key, name + "." + key);
            }
        }

        NodeId restarted = NodeId.of(1);
        RealNode old = members.get(1);
        InetSocketAddress port = old.address();
        old.stop();
        running.remove(old);
        members.set(1, startMember(restarted, new ClusterNode(deployment, RuntimeConfig.defaults(), cluster).asExistingMember(), port));

        readBack(clientNode, client, acknowledged, restarted + " restarted");
        // Then the whole cluster at once: no peer holds a copy in memory, so what is read comes from the disks.
        List<InetSocketAddress> ports = new ArrayList<>();
        for (RealNode m : members) {
            ports.add(m.address());
            m.stop();
            running.remove(m);
        }
        for (int i = 0; i < 3; i++) {
            members.set(i, startMember(NodeId.of(i), new ClusterNode(deployment, RuntimeConfig.defaults(), cluster).asExistingMember(),
                    ports.get(i)));
        }
        readBack(clientNode, client, acknowledged, "all three members restarted");
        assertThat(exits).as("no node failed-stop; log: %s", log).isEmpty();
    }

    private void readBack(RealNode clientNode, ClusterClient client, Map<String, String> acknowledged, String after) {
        for (Map.Entry<String, String> w : acknowledged.entrySet()) {
            String[] parts = w.getKey().split("/");
            assertThat(call(clientNode, client, parts[0], "/get?k=" + parts[1])).as("read back %s after %s", w.getKey(), after)
                    .isEqualTo(w.getValue());
        }
    }

    private RealNode startMember(NodeId id, ClusterNode program, InetSocketAddress listen) {
        return start(id, program, listen);
    }

    private RealNode start(NodeId id, dev.duro.model.world.NodeProgram program, InetSocketAddress listen) {
        NodeConfig config = new NodeConfig(id, listen, addresses, tmp.resolve(id.toString()), CLUSTER_SECRET);
        RealNode node = RealNode.start(config, program, RealNode.Options.defaults()
                .withLog(log::add)
                .withExit(reason -> exits.add(id + ": " + reason)));
        running.add(node);
        addresses.put(id, node.address());
        return node;
    }

    /**
     * One idempotent request through the cluster client, sent again after UNAVAILABLE or MOVED
     * (the cluster is electing owners at first, and the stopped node is suspected only after a
     * while) until {@link #CALL_DEADLINE_MILLIS}.
     */
    private String call(RealNode clientNode, ClusterClient client, String name, String path) {
        long deadline = System.nanoTime() + CALL_DEADLINE_MILLIS * 1_000_000L;
        List<String> failures = new ArrayList<>();
        while (true) {
            Promise<Response> p = OnLoop.await(clientNode.world().loop(),
                    () -> client.fetch(NS, name, Request.get(path), CALL_TIMEOUT_NANOS), 30_000, name + path);
            if (p.isSucceeded()) return p.value().bodyText();
            boolean retry = p.failure() instanceof DuroException e
                    && (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.MOVED || e.code() == ErrorCode.OVERLOADED);
            failures.add(String.valueOf(p.failure()));
            if (!retry || System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + path + " failed " + failures.size() + " times: " + failures + "; log: " + log);
            }
        }
    }

    /** {@code /set?k=&v=} stores v under k and answers "ok"; {@code /get?k=} answers the value or "none". */
    static final class Register implements DurableObject {
        private final ObjectContext ctx;

        Register(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            return switch (r.pathOnly()) {
                case "/set" -> {
                    ctx.storage().put(r.query("k"), r.query("v"));
                    yield ctx.completed(Response.ok("ok"));
                }
                case "/get" -> {
                    String v = ctx.storage().get(r.query("k"), String.class);
                    yield ctx.completed(Response.ok(v == null ? "none" : v));
                }
                default -> ctx.completed(Response.status(404, "no " + r.path()));
            };
        }
    }
}
