package dev.duro.deploy.edge;

import dev.duro.deploy.node.NodeConfig;
import dev.duro.deploy.node.RealNode;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * <b>Interim</b> (see {@link InterimFrontDoor}): the edge client node beside a member, with its own
 * loop, a data directory it does not write to, and TCP to the members; it runs the member's
 * {@link InterimFrontDoor}. Its node id is {@link #EDGE_ID_OFFSET} + the member's index, outside the
 * members' ids; the members answer it over the connection it opened, so it needs no address in
 * anyone's configuration.
 */
public final class EdgeNode {
    public static final int EDGE_ID_OFFSET = 1000;

    private final RealNode node;
    private final InterimFrontDoor door;

    private EdgeNode(RealNode node, InterimFrontDoor door) {
        this.node = node;
        this.door = door;
    }

    /**
     * Starts the edge client of {@code member}; blocks until its door exists.
     *
     * @param members      where the members listen (read at every connection attempt)
     * @param dataDir      its own data directory (locked like a member's)
     * @param clusterSecret the node-to-node key
     */
    public static EdgeNode start(NodeId member, Map<NodeId, InetSocketAddress> members, Path dataDir, byte[] clusterSecret,
                                 Deployment deployment, ClusterConfig cluster, long callTimeoutNanos, RealNode.Options options) {
        NodeId self = NodeId.of(EDGE_ID_OFFSET + member.index());
        CompletableFuture<InterimFrontDoor> made = new CompletableFuture<>();
        NodeConfig config = new NodeConfig(self, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), members, dataDir,
                clusterSecret);
        RealNode node = RealNode.start(config, world -> {
            try {
                made.complete(new InterimFrontDoor(world, deployment, cluster, callTimeoutNanos));
            } catch (RuntimeException e) {
                made.completeExceptionally(e);
                throw e;
            }
        }, options);
        try {
            return new EdgeNode(node, made.get(30, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            node.stop();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("the edge client of " + member + " did not start: " + e, e);
        }
    }

    public RealNode node() {
        return node;
    }

    /** Call only on {@code node().world().loop()}. */
    public InterimFrontDoor door() {
        return door;
    }

    public void stop() {
        node.stop();
    }
}
