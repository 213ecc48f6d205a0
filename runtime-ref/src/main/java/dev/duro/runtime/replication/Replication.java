package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.Placement;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.LogStore;

import java.util.List;

/**
 * One node's part in replicating object logs (docs/cluster.md): the owner side (the
 * {@link LogStore} the object host writes through) and the replica side (this node's copies of
 * other owners' logs), over messages of family {@link #FAMILY}.
 */
public final class Replication {
    /** First byte of every replication message. */
    public static final byte FAMILY = 0x52;

    /**
     * @param firstBoot true on the node's very first start (an empty disk is a new member); false on
     *                  restarts, where a disk without this node's marker lost everything
     */
    public Replication(World world, ClusterConfig cluster, Placement placement, LogOptions localLog,
                       RuntimeConfig runtime, boolean firstBoot) {
        throw new UnsupportedOperationException("replication is being built (issue 5)");
    }

    /**
     * The logs the object host writes through: {@code open} returns a fresh owner handle per
     * activation; {@code list} names the objects this node holds a replica of and ranks first in
     * their replica set (the host re-arms their alarms on start).
     */
    public LogStore logStore() {
        throw new UnsupportedOperationException();
    }

    /** Objects of {@code namespace} this node holds a replica of, ordered by id (for failover sweeps). */
    public Promise<List<ObjectId>> replicatedObjects(String namespace) {
        throw new UnsupportedOperationException();
    }

    /** Starts timers (lease renewals, background installs); call once after construction, on the loop. */
    public void start() {
        throw new UnsupportedOperationException();
    }

    /** A message of family {@link #FAMILY} from {@code from}; malformed ones are counted and dropped. */
    public void receive(NodeId from, byte[] message) {
        throw new UnsupportedOperationException();
    }
}
