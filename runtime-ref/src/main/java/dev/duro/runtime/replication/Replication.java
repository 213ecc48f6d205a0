package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.cluster.Placement;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's part in replicating object logs (docs/cluster.md): the owner side (the
 * {@link LogStore} the object host writes through) and the replica side (this node's copies of
 * other owners' logs), over messages of family {@link #FAMILY}.
 *
 * <p>Messages to this node's own replica skip the network (and the codec); everything else is
 * encoded by {@link MessageCodec}. A frame that does not decode is counted and dropped.
 */
public final class Replication {
    /** First byte of every replication message. */
    public static final byte FAMILY = 0x52;
    /** Rounds remembered per object so a new local owner starts above them; older entries are forgotten (a rejection teaches them again). */
    private static final int ROUND_HINTS = 4096;

    private final World world;
    private final ClusterConfig cluster;
    private final Placement placement;
    private final RuntimeConfig runtime;
    private final Timing timing;
    private final ReplicaStore store;
    private final ReplicaServer server;
    private final Map<Long, OwnerLog> owners = new TreeMap<>();
    private final LinkedHashMap<ObjectKey, Long> roundHints = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectKey, Long> eldest) {
            return size() > ROUND_HINTS;
        }
    };
    private final Owners context = new Owners();
    private final LogStore logStore = new Logs();
    /** Nonces and backoff jitter: a stream of its own, so replication's draws shift no one else's. */
    private final Entropy draws;
    private long nextHandle;
    private long nextRecoveryRound;
    private long malformed;
    private long unrouted;
    private long oversized;
    private boolean started;

    /**
     * @param firstBoot true on the node's very first start (an empty disk is a new member); false on
     *                  restarts, where a disk without this node's marker lost everything
     */
    public Replication(World world, ClusterConfig cluster, Placement placement, LogOptions localLog,
                       RuntimeConfig runtime, boolean firstBoot) {
        this(world, cluster, placement, runtime, firstBoot, new DiskReplicaStore(world, localLog, firstBoot));
    }

    /** With an explicit replica store (tests). */
    Replication(World world, ClusterConfig cluster, Placement placement, RuntimeConfig runtime, boolean firstBoot,
                ReplicaStore store) {
        this.world = world;
        this.cluster = cluster;
        this.placement = placement;
        this.runtime = runtime;
        this.timing = Timing.of(cluster);
        this.store = store;
        this.server = new ReplicaServer(world.self(), world.loop(), world.clock(), world.trace(), store, timing, firstBoot,
                runtime.has(PlantedBug.STALE_EPOCH), this::sawRound, new ReplicaPeers(), world.faultPoints());
        // Handles from an earlier incarnation must not collide with this one's (late answers).
        this.nextHandle = world.entropy().derive("replication-handles").nextLong() & (Long.MAX_VALUE >>> 1);
        // Likewise the rounds in which a replica that lost its promise asks its peers.
        this.nextRecoveryRound = (world.entropy().derive("replication-recovery-rounds").nextLong() & (Long.MAX_VALUE >>> 1)) + 1;
        this.draws = world.entropy().derive("replication");
    }

    /**
     * The logs the object host writes through: {@code open} returns a fresh owner handle per
     * activation; {@code list} names the objects this node holds a replica of and ranks first in
     * their replica set (the host re-arms their alarms on start).
     */
    public LogStore logStore() {
        return logStore;
    }

    /** Objects of {@code namespace} this node holds a replica of, ordered by id (for failover sweeps). */
    public Promise<List<ObjectId>> replicatedObjects(String namespace) {
        return store.list(namespace);
    }

    /** True once the replica store's start-up writes (its node marker) are durable; see {@link ReplicaStore#initialized}. */
    public boolean initialized() {
        return store.initialized();
    }

    /** Starts timers (lease renewals, background installs); call once after construction, on the loop. */
    public void start() {
        if (started) return;
        started = true;
        server.start();
    }

    /** A message of family {@link #FAMILY} from {@code from}; malformed ones are counted and dropped. */
    public void receive(NodeId from, byte[] message) {
        Message m;
        try {
            m = MessageCodec.decode(message);
        } catch (MalformedMessageException e) {
            malformed++;
            return;
        }
        if (!cluster.isMember(from)) {
            unrouted++;
            return;
        }
        deliver(from, m);
    }

    /** Frames dropped because they did not decode. */
    public long malformedCount() {
        return malformed;
    }

    /** Answers that found no open handle, and messages from non-members. */
    public long unroutedCount() {
        return unrouted;
    }

    /** Messages not sent because they exceed {@link MessageCodec#MAX_FRAME_BYTES}. */
    public long oversizedCount() {
        return oversized;
    }

    /** Owner handles currently open on this node. */
    public int openHandles() {
        return owners.size();
    }

    Timing timing() {
        return timing;
    }

    private void deliver(NodeId from, Message m) {
        switch (m) {
            case Request r -> server.handle(from, r, reply -> sendReply(from, reply));
            case Message.Between b -> server.handleBetween(from, b, reply -> transmit(from, reply));
            case Reply r -> {
                OwnerLog owner = owners.get(r.route().handle());
                if (owner == null || !owner.key.equals(ObjectKey.of(r))) {
                    unrouted++;
                    return;
                }
                owner.onReply(from, r);
            }
        }
    }

    /** BUGGIFY: a remote owner hears an ack late, so its local replica runs ahead of the others. */
    static final String FAULT_ACK_DELAY = "repl-ack-delay";
    /** BUGGIFY: a lease grant reaches a remote owner late, its lease already short of expiry. */
    static final String FAULT_LEASE_GRANT_LATE = "repl-lease-grant-late";
    /** BUGGIFY: a reply to a remote owner is lost (the owner resends). */
    static final String FAULT_REPLY_DROP = "repl-reply-drop";

    private void sendReply(NodeId to, Reply reply) {
        if (!to.equals(world.self())) {
            boolean ack = reply instanceof Message.Appended || reply instanceof Message.Installed || reply instanceof Message.SnapshotAck;
            if (ack && world.faultPoints().fire(FAULT_ACK_DELAY)) {
                world.loop().schedule(timing.attemptNanos(), () -> transmit(to, reply));
                return;
            }
            if (reply instanceof Message.LeaseOk && world.faultPoints().fire(FAULT_LEASE_GRANT_LATE)) {
                world.loop().schedule(timing.renewNanos(), () -> transmit(to, reply));
                return;
            }
            if (world.faultPoints().fire(FAULT_REPLY_DROP)) return;
        }
        transmit(to, reply);
    }

    /** This node's own replica and owners get the message directly; others get its frame. */
    private void transmit(NodeId to, Message message) {
        if (to.equals(world.self())) {
            world.loop().execute(() -> deliver(to, message));
            return;
        }
        byte[] frame;
        try {
            frame = MessageCodec.encode(message);
        } catch (MalformedMessageException e) {
            // Over the frame limit (a log too large for one message): it cannot travel. The
            // sender's retries fail the same way, and the owner's election gives up (UNAVAILABLE).
            oversized++;
            return;
        }
        world.transport().send(to, frame);
    }

    private void sawRound(ObjectKey key, long round) {
        Long known = roundHints.get(key);
        if (known == null || known < round) roundHints.put(key, round);
    }

    /** What the replica side needs to ask an object's other replicas (a replica that lost its promise). */
    private final class ReplicaPeers implements ReplicaServer.Peers {
        @Override
        public List<NodeId> replicas(ObjectKey key) {
            return placement.replicas(key.namespace(), key.id());
        }

        @Override
        public int quorum() {
            return cluster.quorum();
        }

        @Override
        public void send(NodeId to, Message.Between message) {
            transmit(to, message);
        }

        @Override
        public long nextRound() {
            return nextRecoveryRound++;
        }
    }

    private final class Owners implements OwnerContext {
        @Override
        public World world() {
            return world;
        }

        @Override
        public Timing timing() {
            return timing;
        }

        @Override
        public int quorum() {
            return cluster.quorum();
        }

        @Override
        public boolean has(PlantedBug bug) {
            return runtime.has(bug);
        }

        @Override
        public void send(NodeId to, Request request) {
            transmit(to, request);
        }

        @Override
        public long nextRound(ObjectKey key) {
            Long known = roundHints.get(key);
            return known == null ? 1 : known + 1;
        }

        @Override
        public void sawRound(ObjectKey key, long round) {
            Replication.this.sawRound(key, round);
        }

        @Override
        public long jitter(long bound) {
            return draws.nextLong(bound);
        }

        @Override
        public long nonce() {
            return draws.nextLong() & Long.MAX_VALUE;
        }

        @Override
        public void closed(OwnerLog handle) {
            owners.remove(handle.handle);
        }
    }

    private final class Logs implements LogStore {
        @Override
        public ObjectLog open(String namespace, ObjectId id) {
            ObjectKey key = new ObjectKey(namespace, id);
            long handle = nextHandle++;
            OwnerLog log = new OwnerLog(context, key, handle, placement.replicas(namespace, id));
            owners.put(handle, log);
            return log;
        }

        @Override
        public Promise<List<ObjectId>> list(String namespace) {
            return store.list(namespace).map(ids -> {
                List<ObjectId> mine = new ArrayList<>();
                for (ObjectId id : ids) {
                    if (placement.replicas(namespace, id).getFirst().equals(world.self())) mine.add(id);
                }
                return mine;
            });
        }
    }
}
