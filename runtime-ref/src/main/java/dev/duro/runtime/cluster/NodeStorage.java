package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.DiskLogStore;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.replication.Replication;

import java.util.List;

/**
 * What a cluster node needs from the storage under its host: the logs the host writes through,
 * the objects this node holds a replica of, and its share of the node's transport. In production
 * always {@link Replication} ({@link #replicated}); tests of routing and failover may put other
 * storage behind the same seam.
 */
interface NodeStorage {
    LogStore logStore();

    /** Objects of {@code namespace} this node holds a replica of, ordered by id. */
    Promise<List<ObjectId>> replicatedObjects(String namespace);

    /** Starts timers; called once, before the host is built. */
    void start();

    /** A message of this storage's family. */
    void receive(NodeId from, byte[] message);

    /** True once the storage's start-up writes are durable: the next start is a restart, no first boot. */
    default boolean initialized() {
        return true;
    }

    /** Builds one incarnation's storage; {@code firstBoot} only on the node's very first start. */
    @FunctionalInterface
    interface Factory {
        NodeStorage open(World world, ClusterConfig cluster, Placement placement, RuntimeConfig config, boolean firstBoot);
    }

    /** The replicated logs of docs/cluster.md. */
    static NodeStorage replicated(World world, ClusterConfig cluster, Placement placement, RuntimeConfig config, boolean firstBoot) {
        LogOptions local = LogOptions.defaults()
                .withRetentionMillis(config.retentionMillis())
                .withPlantedBugs(config.plantedBugs());
        return over(new Replication(world, cluster, placement, local, config, firstBoot));
    }

    /**
     * One node's own disk log, unreplicated: the storage of a one-member cluster ({@code DuroNode}).
     * It holds no replicas for others, so it lists none: the host's start finds the objects on its
     * disk itself (and re-arms their alarms).
     */
    static NodeStorage local(World world, ClusterConfig cluster, Placement placement, RuntimeConfig config, boolean firstBoot) {
        LogStore logs = new DiskLogStore(world, LogOptions.defaults()
                .withRetentionMillis(config.retentionMillis())
                .withPlantedBugs(config.plantedBugs()));
        return new NodeStorage() {
            @Override
            public LogStore logStore() {
                return logs;
            }

            @Override
            public Promise<List<ObjectId>> replicatedObjects(String namespace) {
                return Promise.succeeded(world.loop(), List.of());
            }

            @Override
            public void start() {
            }

            @Override
            public void receive(NodeId from, byte[] message) {
                // no replication family on a single node: dropped
            }
        };
    }

    /** {@code replication} as a node's storage. */
    static NodeStorage over(Replication replication) {
        return new NodeStorage() {
            @Override
            public LogStore logStore() {
                return replication.logStore();
            }

            @Override
            public Promise<List<ObjectId>> replicatedObjects(String namespace) {
                return replication.replicatedObjects(namespace);
            }

            @Override
            public void start() {
                replication.start();
            }

            @Override
            public void receive(NodeId from, byte[] message) {
                replication.receive(from, message);
            }

            @Override
            public boolean initialized() {
                return replication.initialized();
            }
        };
    }
}
