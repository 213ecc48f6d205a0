package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.FaultPoints;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.SimNodeDriver;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Request;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.sim.Simulation;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.trace.EventKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One simulated node (n0 of the replica set n0, n1, n2) running only a {@link ReplicaServer}, driven
 * directly: requests are handed to it on its loop and its answers are recorded with the node's
 * monotonic time. Its store is a {@link MemoryReplicaStore} (the {@link #disk} survives crashes)
 * behind a layer that counts the calls and can slow writes, fail them or loads, or hold
 * loads: the disk behaviours the replica's rules are about.
 */
final class ServerRig {
    static final String NS = ReplicationRig.NS;
    static final ObjectId ID = ReplicationRig.id(61);
    static final ObjectKey KEY = new ObjectKey(NS, ID);
    static final NodeId OWNER = NodeId.of(1);
    static final List<NodeId> REPLICAS = List.of(NodeId.of(0), NodeId.of(1), NodeId.of(2));
    static final long MS = 1_000_000L;

    /** Something the server sent, at the node's monotonic time. */
    record Timed<T>(long atNanos, NodeId to, T message) {
    }

    final Simulation sim;
    final MemoryReplicaStore.Disk disk = new MemoryReplicaStore.Disk();
    final Timing timing = Timing.of(ClusterConfig.of(3));
    final List<Timed<Reply>> replies = new ArrayList<>();
    /** The server's questions to its peers (a replica that lost its promise). */
    final List<Timed<Message.Between>> asked = new ArrayList<>();
    /** Its answers to peers' questions. */
    final List<Timed<Message.Between>> told = new ArrayList<>();
    /** {@code <label> <detail>} of every trace record. */
    final List<String> records = new ArrayList<>();
    /** Every round the server reported seeing ({@link ReplicaServer.RoundObserver}). */
    final List<Long> rounds = new ArrayList<>();
    /** Calls the server made on its store, by method name ("load", "promise", "install", ...). */
    final List<String> calls = new ArrayList<>();
    /** Fault points that fire (every time) for the server. */
    final Set<String> firing = new TreeSet<>();

    /** Each write completes this much later than the memory store made it durable. */
    long writeDelayNanos;
    /** The next this-many writes fail without touching the disk (a write error). */
    int failWrites;
    /** The next this-many loads fail (a transient read error: nothing changed). */
    int failLoads;
    /** Reads as of a batch return the state as of the batch before (a store bug the server must catch). */
    boolean recoverTheBatchBefore;
    /** Loads wait until {@link #releaseLoads()}. */
    boolean holdLoads;
    private final List<Runnable> heldLoads = new ArrayList<>();

    World world;
    ReplicaServer server;
    /** The current incarnation's start, on the node's monotonic clock. */
    long startedAt;
    private int boots;
    private long requestId;

    /** A node on its first boot (no quiet period). */
    ServerRig(long seed) {
        this(seed, true);
    }

    ServerRig(long seed, boolean firstBoot) {
        sim = new Simulation(Simulation.Options.seed(seed).withListener(e -> {
            if (e.kind() == EventKind.RECORD) records.add(e.label() + " " + e.detail());
        }));
        sim.addNode(w -> {
            boots++;
            world = w;
            startedAt = w.clock().monotonicNanos();
            FaultPoints faults = firing::contains;
            server = new ReplicaServer(w.self(), w.loop(), w.clock(), w.trace(), controlled(new MemoryReplicaStore(w, disk)), timing,
                    firstBoot && boots == 1, false, (k, round) -> rounds.add(round), new TestPeers(), faults);
            server.start();
        }, NoDiskDevice.FACTORY);
        sim.startAll();
        run(1);
    }

    long now() {
        return world.clock().monotonicNanos();
    }

    void run(long ms) {
        SimNodeDriver.runMillis(sim, ms);
    }

    Route route() {
        return new Route(7, ++requestId, NS, ID);
    }

    /** Hands {@code request} (from the owner node n1) to the server now, without running the simulation. */
    void send(Request request) {
        world.loop().execute(() -> handle(request));
    }

    /** Hands {@code request} to the server at {@code at} on the node's monotonic clock (not in the past). */
    void sendAt(long at, Request request) {
        world.loop().execute(() -> world.loop().schedule(at - now(), () -> handle(request)));
    }

    /** Loads the object's replica (a Release that releases nothing), so that requests are answered the instant they arrive. */
    void loadCell() {
        exchange(new Message.Release(route(), Epoch.ZERO), 10);
    }

    /** Sends {@code request} and runs the simulation {@code ms}. */
    void exchange(Request request, long ms) {
        send(request);
        run(ms);
    }

    private void handle(Request request) {
        server.handle(OWNER, request, r -> replies.add(new Timed<>(now(), OWNER, r)));
    }

    /** A peer ({@code from}) asks or answers this replica. */
    void between(NodeId from, Message.Between message) {
        world.loop().execute(() -> server.handleBetween(from, message, m -> told.add(new Timed<>(now(), from, m))));
    }

    /** Makes the replica promise {@code round} and install {@code entries} under it (with the replies kept). */
    void install(long round, List<LogEntry> entries) {
        Epoch e = ReplicaRig.epoch(round);
        exchange(new Message.Prepare(route(), e), 10);
        exchange(new Message.Install(route(), e, Optional.empty(), entries, false), 10);
        assertThat(replies.getLast().message()).isInstanceOf(Message.Installed.class);
    }

    /**
     * Checks that {@code write} holds off newer epochs for L from its arrival and again for L from
     * when it is durable: it arrives 100 ms before the lease granted with the latest answer ends,
     * on a disk 300 ms slow; a Prepare of {@code newer} comes after that lease ended while the write
     * is in flight, one of {@code newer + 1} more than L after the write arrived. Both are refused.
     */
    void assertLeaseCovers(Request write, Class<? extends Reply> ack, long newer) {
        long leaseFrom = replies.getLast().atNanos();
        long lease = timing.leaseNanos();
        replies.clear();
        writeDelayNanos = 300 * MS;
        sendAt(leaseFrom + lease - 100 * MS, write);
        sendAt(leaseFrom + lease + 100 * MS, new Message.Prepare(route(), ReplicaRig.epoch(newer)));
        sendAt(leaseFrom + 2 * lease, new Message.Prepare(route(), ReplicaRig.epoch(newer + 1)));
        run((leaseFrom + 2 * lease - now()) / MS + 10);
        writeDelayNanos = 0;
        assertThat(replies(ack)).as("the write is acknowledged").hasSize(1);
        assertThat(replies(Message.Rejected.class)).as("newer epochs during the write and within L after it")
                .extracting(Message.Rejected::reason).containsExactly(Message.Reason.LEASED, Message.Reason.LEASED);
    }

    /**
     * Checks that {@code duplicate} (a renewal, or a duplicate of a durable write) is answered at
     * once, writing nothing, and renews the lease (the owner counts its lease from the send): sent
     * 1.5 s into the lease granted with the latest answer, then a Prepare of {@code newer} comes
     * 100 ms after that lease ended.
     */
    void assertAnsweredAtOnceAndRenewsLease(Request duplicate, Class<? extends Reply> ack, long newer) {
        long leaseFrom = replies.getLast().atNanos();
        replies.clear();
        long writes = calls.size();
        sendAt(leaseFrom + 1_500 * MS, duplicate);
        sendAt(leaseFrom + timing.leaseNanos() + 100 * MS, new Message.Prepare(route(), ReplicaRig.epoch(newer)));
        run((leaseFrom + timing.leaseNanos() - now()) / MS + 110);
        assertThat(replies).as("the duplicate's answer, then the refusal").hasSize(2);
        assertThat(replies.getFirst().atNanos()).as("answered on arrival").isEqualTo(leaseFrom + 1_500 * MS);
        assertThat(replies.getFirst().message()).isInstanceOf(ack);
        assertThat(replies.getLast().message()).isInstanceOfSatisfying(Message.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Message.Reason.LEASED));
        assertThat(calls.subList((int) writes, calls.size())).as("nothing written again").isEmpty();
    }

    <T extends Reply> List<T> replies(Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Timed<Reply> t : replies) if (kind.isInstance(t.message())) out.add(kind.cast(t.message()));
        return out;
    }

    /** The time of the first reply of {@code kind}, or -1. */
    long firstAt(Class<? extends Reply> kind) {
        for (Timed<Reply> t : replies) if (kind.isInstance(t.message())) return t.atNanos();
        return -1;
    }

    List<String> records(String label) {
        List<String> out = new ArrayList<>();
        for (String r : records) if (r.startsWith(label + " ")) out.add(r.substring(label.length() + 1));
        return out;
    }

    long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    void crashAndRestart() {
        sim.node(0).crash();
        sim.node(0).restart();
        run(1);
    }

    /** Lets every held load run, in the order they were asked. */
    void releaseLoads() {
        holdLoads = false;
        List<Runnable> held = new ArrayList<>(heldLoads);
        heldLoads.clear();
        world.loop().execute(() -> held.forEach(Runnable::run));
    }

    /** What the replica's disk durably holds. */
    ReplicaState durable() {
        return disk.states.getOrDefault(KEY, ReplicaState.empty());
    }

    static List<LogEntry> log(String tag, long from, long to) {
        List<LogEntry> out = new ArrayList<>();
        for (long s = from; s <= to; s++) out.add(ReplicationRig.entry(s, tag));
        return out;
    }

    private final class TestPeers implements ReplicaServer.Peers {
        private long round = 100;

        @Override
        public List<NodeId> replicas(ObjectKey key) {
            return REPLICAS;
        }

        @Override
        public int quorum() {
            return 2;
        }

        @Override
        public void send(NodeId to, Message.Between message) {
            asked.add(new Timed<>(now(), to, message));
        }

        @Override
        public long nextRound() {
            return ++round;
        }
    }

    /** {@code inner} with the rig's controls. */
    private ReplicaStore controlled(MemoryReplicaStore inner) {
        return new ReplicaStore() {
            @Override
            public ReplicaLog open(String namespace, ObjectId id) {
                return controlled(inner.open(namespace, id));
            }

            @Override
            public Promise<List<ObjectId>> list(String namespace) {
                return inner.list(namespace);
            }
        };
    }

    private ReplicaLog controlled(ReplicaLog log) {
        return new ReplicaLog() {
            @Override
            public Promise<ReplicaState> load() {
                calls.add("load");
                if (failLoads > 0) {
                    failLoads--;
                    return log.load().flatMap(s -> Promise.failed(world.loop(),
                            new IllegalStateException("read error (transient, in test)")));
                }
                if (!holdLoads) return log.load();
                Promise<ReplicaState> p = Promise.on(world.loop());
                heldLoads.add(() -> log.load().whenComplete((s, e) -> {
                    if (e == null) p.complete(s);
                    else p.fail(e);
                }));
                return p;
            }

            @Override
            public Promise<Void> promise(Epoch epoch) {
                return write("promise", () -> log.promise(epoch));
            }

            @Override
            public Promise<Void> install(Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries) {
                return write("install", () -> log.install(logEpoch, snapshot, entries));
            }

            @Override
            public Promise<Void> relabel(Epoch from, Epoch to, long adoptedSeq) {
                return write("relabel", () -> log.relabel(from, to, adoptedSeq));
            }

            @Override
            public Promise<Void> append(Epoch logEpoch, LogEntry entry) {
                return write("append", () -> log.append(logEpoch, entry));
            }

            @Override
            public Promise<Void> snapshot(Snapshot snapshot) {
                return write("snapshot", () -> log.snapshot(snapshot));
            }

            @Override
            public Promise<Recovery> recoverAt(long seq) {
                calls.add("recoverAt");
                return log.recoverAt(recoverTheBatchBefore ? seq - 1 : seq);
            }

            @Override
            public void releaseHandles() {
                calls.add("releaseHandles");
            }
        };
    }

    private Promise<Void> write(String call, Supplier<Promise<Void>> op) {
        calls.add(call);
        if (failWrites > 0) {
            failWrites--;
            return Promise.failed(world.loop(), new IllegalStateException("write error (in test)"));
        }
        long delay = writeDelayNanos;
        return op.get().flatMap(v -> Stall.maybe(world.loop(), delay > 0, delay));
    }
}
