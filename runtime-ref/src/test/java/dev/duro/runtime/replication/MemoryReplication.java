package dev.duro.runtime.replication;

import dev.duro.model.world.World;
import dev.duro.runtime.cluster.Placement;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.RuntimeConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Test-only bridge for other packages (the cluster node's end-to-end tests): a real
 * {@link Replication} over a {@link MemoryReplicaStore} whose per-node "disk" outlives the node's
 * crashes, until the production disk store exists.
 */
public final class MemoryReplication {
    private final List<MemoryReplicaStore.Disk> disks = new ArrayList<>();

    public MemoryReplication(int nodes) {
        for (int i = 0; i < nodes; i++) disks.add(new MemoryReplicaStore.Disk());
    }

    /** One incarnation's replication on node {@code world.self()}'s memory disk. */
    public Replication open(World world, ClusterConfig cluster, Placement placement, RuntimeConfig runtime, boolean firstBoot) {
        return new Replication(world, cluster, placement, runtime, firstBoot,
                new MemoryReplicaStore(world, disks.get(world.self().index())));
    }

    /** Replaces node {@code index}'s disk with an empty one (a lost disk). */
    public void loseDisk(int index) {
        disks.get(index).loseEverything();
    }
}
