package dev.duro.deploy.serve;

import dev.duro.deploy.config.ClusterFile;
import dev.duro.deploy.http.EdgeTarget;
import dev.duro.deploy.http.HttpEdge;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.RealNode;
import dev.duro.model.worker.Worker;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A whole cluster in one process on loopback ({@code duro dev}, and the end-to-end tests): each
 * member is a {@link ServedNode} with its own event loop, data directory ({@code <data>/n<i>}) and
 * real TCP between them; one HTTP listener in front of all of them hands each connection to the
 * members in turn, and each member also has its own listener. The cluster secret lives in
 * {@code <data>/secret} (made on first start), so a restart finds its objects again.
 */
public final class LocalCluster implements AutoCloseable {
    private final List<ServedNode> nodes;
    private final HttpEdge front;
    private final EventLoopGroup httpIo;

    /**
     * @param nodes     how many members (1: one replica; 3 or more: three replicas)
     * @param host      the address everything listens on (loopback for dev)
     * @param httpPort  the shared HTTP listener's port (0: any); member i listens on {@code httpPort + 1 + i}
     *                  (any free port when {@code httpPort} is 0)
     * @param dataDir   the cluster's data directory
     * @param app       the deployment for a deployment secret, and its worker
     * @param http      HTTP limits
     * @param options   log sink and fail-stop handler of every node
     */
    public record Spec(int nodes, String host, int httpPort, Path dataDir, Function<byte[], Deployment> app, Worker worker,
                       HttpOptions http, RealNode.Options options) {
    }

    private LocalCluster(List<ServedNode> nodes, HttpEdge front, EventLoopGroup httpIo) {
        this.nodes = nodes;
        this.front = front;
        this.httpIo = httpIo;
    }

    /**
     * Starts every member and the listeners, then waits up to {@code readyMillis} for each member's
     * front door to reach an object.
     *
     * @throws IllegalStateException when a port cannot be bound or the cluster is not ready in time
     * @throws dev.duro.deploy.node.DataDirectoryException when a data directory is held by another process
     */
    public static LocalCluster start(Spec spec, long readyMillis) {
        if (spec.nodes() < 1 || spec.nodes() > 9) throw new IllegalArgumentException("nodes must be 1..9, got " + spec.nodes());
        byte[] secret = secret(spec.dataDir());
        Deployment deployment = spec.app().apply(ClusterFile.derive(secret, "duro deployment ids"));
        byte[] clusterSecret = ClusterFile.derive(secret, "duro cluster frames");
        ClusterConfig cluster = ClusterConfig.of(spec.nodes());
        Map<NodeId, InetSocketAddress> peers = new ConcurrentHashMap<>();
        EventLoopGroup io = HttpEdge.newIoGroup(1);
        List<ServedNode> started = new ArrayList<>();
        HttpEdge front = null;
        try {
            for (int i = 0; i < spec.nodes(); i++) {
                NodeId id = NodeId.of(i);
                int port = spec.httpPort() == 0 ? 0 : spec.httpPort() + 1 + i;
                ServedNode.Spec s = new ServedNode.Spec(id, cluster, deployment, spec.worker(), new InetSocketAddress(spec.host(), 0),
                        peers, spec.dataDir().resolve(id.toString()), clusterSecret, new InetSocketAddress(spec.host(), port), spec.http());
                started.add(ServedNode.start(s, io, spec.options(), address -> peers.put(id, address)));
            }
            for (ServedNode n : started) {
                if (!n.awaitReady(readyMillis, spec.options().log())) {
                    throw new IllegalStateException(n.id() + " could not reach an object within " + readyMillis + " ms");
                }
            }
            List<EdgeTarget> targets = new ArrayList<>();
            for (ServedNode n : started) targets.add(n.target());
            front = HttpEdge.bind(new InetSocketAddress(spec.host(), spec.httpPort()), targets, spec.http(), io, spec.options().log());
            return new LocalCluster(List.copyOf(started), front, io);
        } catch (RuntimeException e) {
            if (front != null) front.close();
            for (ServedNode n : started) n.stop();
            io.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The cluster's secret: read from {@code <data>/secret}, or made and written there (temporary file, rename). */
    static byte[] secret(Path dataDir) {
        Path file = dataDir.resolve("secret");
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String hex = HexFormat.of().formatHex(random);
            Path temp = dataDir.resolve("secret.tmp");
            Files.writeString(temp, hex + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return hex.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or make the cluster secret " + file + ": " + e.getMessage(), e);
        }
    }

    public List<ServedNode> nodes() {
        return nodes;
    }

    /** The shared listener's address. */
    public InetSocketAddress httpAddress() {
        return front.address();
    }

    /**
     * Stops accepting, waits up to {@code timeoutMillis} for requests in flight to be answered,
     * then stops every member. Returns the requests still in flight when it gave up (0: a clean drain).
     */
    public int drainAndStop(long timeoutMillis) {
        front.drain();
        for (ServedNode n : nodes) n.beginDrain();
        int left = ServedNode.awaitQuiet(this::inFlight, timeoutMillis);
        close();
        return left;
    }

    private int inFlight() {
        int n = front.inFlight();
        for (ServedNode s : nodes) n += s.inFlight();
        return n;
    }

    /** Stops at once: listeners, edge clients, members. */
    @Override
    public void close() {
        front.close();
        for (ServedNode n : nodes) n.stop();
        httpIo.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
