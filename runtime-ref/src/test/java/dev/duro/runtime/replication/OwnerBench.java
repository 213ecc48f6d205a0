package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.Behind;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Fetch;
import dev.duro.runtime.replication.Message.Fetched;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Installed;
import dev.duro.runtime.replication.Message.LeaseOk;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Promised;
import dev.duro.runtime.replication.Message.PushSnapshot;
import dev.duro.runtime.replication.Message.Reason;
import dev.duro.runtime.replication.Message.RecoverAt;
import dev.duro.runtime.replication.Message.RecoverAtFailed;
import dev.duro.runtime.replication.Message.Rejected;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Request;
import dev.duro.runtime.replication.Message.SnapshotAck;
import dev.duro.sim.Simulation;
import dev.duro.sim.node.SimulatedWorld;
import dev.duro.sim.node.NoDiskDevice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@link OwnerLog} on simulated node n0, talking to three scripted replicas n0..n2 through a
 * fake {@link OwnerContext}: every request the owner sends is recorded with its send time, reaches
 * its replica {@link #LATENCY} later (unless the test drops it) and is answered another
 * {@link #LATENCY} later. So a test can say exactly which messages go to whom, when, with which
 * epoch and sequence, where {@link ReplicationRig} (real replicas, seeded disk and network delays)
 * can only say what happens eventually.
 *
 * <p>A {@link Replica} answers like a healthy replica over an in-memory log, deliberately simple:
 * tests of the real replica live with {@code ReplicaServer}. {@link #answers} lets a test answer
 * differently (or not at all); {@link #reply} injects an answer by hand. Backoff jitter is a fixed
 * fraction, so retry times are exact; fault points fire only where a test names them.
 */
final class OwnerBench {
    static final NodeId N0 = NodeId.of(0);
    static final NodeId N1 = NodeId.of(1);
    static final NodeId N2 = NodeId.of(2);
    static final List<NodeId> NODES = List.of(N0, N1, N2);
    static final long MS = 1_000_000L;
    /** One way, owner to replica and back. */
    static final long LATENCY = MS;
    static final long ROUND_TRIP = 2 * LATENCY;
    static final ObjectKey KEY = new ObjectKey(ReplicationRig.NS, ReplicationRig.id(3));

    /** A request as the owner sent it. */
    record Sent(long atNanos, NodeId to, Request request) {
    }

    /** A trace record of the owner. */
    record Record(long atNanos, String kind, String detail) {
    }

    final Simulation sim;
    final Timing timing = Timing.of(ClusterConfig.of(3));
    final World world;
    final Map<NodeId, Replica> replicas = new TreeMap<>();
    final List<Sent> sent = new ArrayList<>();
    final List<Record> records = new ArrayList<>();
    final Context ctx;
    /** Fault points that fire every time they are asked. */
    final Set<String> firing = new HashSet<>();
    /** Requests lost on the way to their replica. */
    Predicate<Sent> drop = s -> false;
    /** Who answers a request that arrived; by default the replica, as a healthy one would. */
    BiFunction<Replica, Request, Reply> answers = Replica::answer;
    /** Extra delay before a replica's answer leaves it. */
    BiFunction<NodeId, Reply, Long> answerDelay = (from, r) -> 0L;
    /** Handles that called {@link OwnerContext#closed}. */
    final List<OwnerLog> closed = new ArrayList<>();
    final Set<PlantedBug> bugs = new HashSet<>();
    /** Every handle opened, by id: answers go to the handle that sent the request. */
    private final Map<Long, OwnerLog> handles = new HashMap<>();
    /** The handle tests drive. */
    OwnerLog log;

    OwnerBench() {
        sim = new Simulation(Simulation.Options.seed(7));
        World[] started = new World[1];
        sim.addNode(w -> started[0] = w, NoDiskDevice.FACTORY);
        sim.startAll();
        run(0);
        World w = started[0];
        world = new SimulatedWorld(w.self(), w.clock(), w.loop(), w.transport(), w.disk(), w.entropy(), firing::contains,
                (kind, detail) -> records.add(new Record(now(), kind, detail)), w::exit);
        ctx = new Context(world, timing, 2, this);
        for (NodeId n : NODES) replicas.put(n, new Replica(n));
        log = open();
    }

    /** A fresh handle on the same node (it shares the round hints with earlier ones). */
    OwnerLog open() {
        OwnerLog handle = new OwnerLog(ctx, KEY, nextHandle++, NODES);
        handles.put(handle.handle, handle);
        return handle;
    }

    // ------------------------------------------------------------------ time

    long now() {
        return world.clock().monotonicNanos();
    }

    /** Runs the simulation until the owner's clock reads {@code atNanos}. */
    void runTo(long atNanos) {
        long until = sim.nowNanos() + (atNanos - now());
        assertThat(until).as("running backwards").isGreaterThanOrEqualTo(sim.nowNanos());
        sim.at(until, () -> { });
        sim.run(until, Long.MAX_VALUE);
    }

    void run(long nanos) {
        long until = sim.nowNanos() + nanos;
        sim.at(until, () -> { });
        sim.run(until, Long.MAX_VALUE);
    }

    /** Evaluates {@code action} on the owner's loop (at the current instant). */
    <T> T on(Supplier<T> action) {
        List<T> out = new ArrayList<>(1);
        world.loop().execute(() -> out.add(action.get()));
        run(0);
        return out.getFirst();
    }

    /** The result of {@code promise} once it completed, failing the test if it failed. */
    static <T> T valueOf(Promise<T> promise) {
        assertThat(promise.isDone()).as("completed").isTrue();
        if (promise.isFailed()) throw new AssertionError("failed: " + promise.failure(), promise.failure());
        return promise.value();
    }

    /** Runs until {@code promise} completes (at most {@code maxNanos}); returns the owner's clock then. */
    long awaitDone(Promise<?> promise, long maxNanos) {
        long deadline = now() + maxNanos;
        while (!promise.isDone() && now() < deadline) {
            sim.kernel().budget(sim.nowNanos() + (deadline - now()), Long.MAX_VALUE);
            if (sim.step() != null) break;
        }
        assertThat(promise.isDone()).as("completed within %d ms", maxNanos / MS).isTrue();
        return now();
    }

    /** recover() on {@link #log} with every replica answering; returns the time it was won. */
    long win() {
        Promise<Recovery> r = on(log::recover);
        long at = awaitDone(r, 10_000 * MS);
        valueOf(r);
        return at;
    }

    /** Appends batches {@code from..to} at once; returns their promises. */
    List<Promise<Void>> append(long from, long to) {
        return on(() -> {
            List<Promise<Void>> ps = new ArrayList<>();
            for (long s = from; s <= to; s++) ps.add(log.append(ReplicationRig.entry(s, "a")));
            return ps;
        });
    }

    /** Appends {@code from..to} and runs until all are durable; returns that time. */
    long appendDurable(long from, long to) {
        List<Promise<Void>> ps = append(from, to);
        long at = awaitDone(ps.getLast(), 10_000 * MS);
        for (Promise<Void> p : ps) valueOf(p);
        return at;
    }

    /** Delivers {@code reply} from {@code from} to {@link #log} now. */
    void reply(NodeId from, Reply reply) {
        on(() -> {
            handles.get(reply.route().handle()).onReply(from, reply);
            return null;
        });
    }

    // ------------------------------------------------------------------ what was sent

    <T extends Request> List<T> sent(Class<T> type, NodeId to) {
        List<T> out = new ArrayList<>();
        for (Sent s : sent) if (type.isInstance(s.request()) && s.to().equals(to)) out.add(type.cast(s.request()));
        return out;
    }

    List<Sent> sent(Class<? extends Request> type) {
        List<Sent> out = new ArrayList<>();
        for (Sent s : sent) if (type.isInstance(s.request())) out.add(s);
        return out;
    }

    /** Send times of requests of {@code type} to {@code to}. */
    List<Long> times(Class<? extends Request> type, NodeId to) {
        List<Long> out = new ArrayList<>();
        for (Sent s : sent) if (type.isInstance(s.request()) && s.to().equals(to)) out.add(s.atNanos());
        return out;
    }

    List<Sent> sentSince(long atNanos) {
        List<Sent> out = new ArrayList<>();
        for (Sent s : sent) if (s.atNanos() >= atNanos) out.add(s);
        return out;
    }

    List<Record> records(String kind) {
        List<Record> out = new ArrayList<>();
        for (Record r : records) if (r.kind().equals(kind)) out.add(r);
        return out;
    }

    /** Drops every request to {@code node} (it is down or cut off) until {@link #up}. */
    void down(NodeId node) {
        replicas.get(node).down = true;
    }

    void up(NodeId node) {
        replicas.get(node).down = false;
    }

    /**
     * The pause before the try after failed try {@code attempt} (1-based): the backoff doubles from
     * its base up to its cap, half of it fixed and half jitter (the bench's jitter takes half its
     * range), and it waits at least a refusal's retry-after hint (up to 2L).
     */
    long retryDelay(int attempt, long hintNanos) {
        long backoff = Math.min(timing.backoffCapNanos(), timing.backoffBaseNanos() << (attempt - 1));
        backoff = backoff / 2 + (backoff / 2 + 1) / 2;
        return Math.max(backoff, Math.min(hintNanos, 2 * timing.leaseNanos()));
    }

    /** The seqs an append carries. */
    static List<Long> seqs(Append a) {
        List<Long> out = new ArrayList<>();
        for (LogEntry e : a.entries()) out.add(e.seq());
        return out;
    }

    // ------------------------------------------------------------------ plumbing

    private void transmit(NodeId to, Request request) {
        Sent s = new Sent(now(), to, request);
        sent.add(s);
        Replica r = replicas.get(to);
        if (r.down || drop.test(s)) return;
        world.loop().schedule(LATENCY, () -> {
            if (r.down) return;
            Reply answer = answers.apply(r, request);
            if (answer == null) return;
            world.loop().schedule(LATENCY + answerDelay.apply(to, answer), () -> handles.get(answer.route().handle()).onReply(to, answer));
        });
    }

    /** Handle ids, round hints and nonces of the bench's node. */
    private long nextHandle = 100;
    private final Map<ObjectKey, Long> rounds = new HashMap<>();
    private long nonces = 1;

    /** The node's replication as an owner handle sees it; world, timing and quorum are the record's. */
    record Context(World world, Timing timing, int quorum, OwnerBench bench) implements OwnerContext {
        @Override
        public boolean has(PlantedBug bug) {
            return bench.bugs.contains(bug);
        }

        @Override
        public void send(NodeId to, Request request) {
            bench.transmit(to, request);
        }

        @Override
        public long nextRound(ObjectKey key) {
            return bench.rounds.getOrDefault(key, 0L) + 1;
        }

        @Override
        public void sawRound(ObjectKey key, long round) {
            bench.rounds.merge(key, round, Math::max);
        }

        /** Half the range: retry gaps are exact, and a wrong sign or factor shows. */
        @Override
        public long jitter(long bound) {
            return bound / 2;
        }

        @Override
        public long nonce() {
            return bench.nonces++;
        }

        @Override
        public void closed(OwnerLog handle) {
            bench.closed.add(handle);
        }
    }

    /** A replica's copy of the object: promise, log label, snapshot and batches. */
    static final class Replica {
        final NodeId node;
        boolean down;
        Epoch promised = Epoch.ZERO;
        Epoch logEpoch = Epoch.ZERO;
        Optional<Snapshot> snapshot = Optional.empty();
        final List<LogEntry> entries = new ArrayList<>();

        Replica(NodeId node) {
            this.node = node;
        }

        long lastSeq() {
            return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
        }

        long snapshotSeq() {
            return snapshot.map(Snapshot::seq).orElse(-1L);
        }

        /** Gives this replica a log of batches 1..{@code last} written under {@code label} (as if by an earlier owner). */
        void holds(Epoch label, long last) {
            logEpoch = label;
            promised = label;
            entries.clear();
            for (long s = 1; s <= last; s++) entries.add(ReplicationRig.entry(s, "old"));
        }

        /** The answer of a healthy replica. */
        Reply answer(Request request) {
            Epoch e = request.epoch();
            return switch (request) {
                case Prepare p -> {
                    if (promised.isAfter(e)) yield new Rejected(p.route(), e, Reason.STALE, promised, 0);
                    promised = e;
                    yield new Promised(p.route(), e, logEpoch, lastSeq(), snapshotSeq());
                }
                case Fetch f -> e.equals(promised) ? new Fetched(f.route(), e, logEpoch, snapshot, entries)
                        : new Rejected(f.route(), e, Reason.STALE, promised, 0);
                case Install i -> {
                    if (promised.isAfter(e)) yield new Fenced(i.route(), e, promised);
                    promised = e;
                    logEpoch = e;
                    snapshot = i.snapshot();
                    entries.clear();
                    entries.addAll(i.entries());
                    yield new Installed(i.route(), e, lastSeq(), snapshotSeq());
                }
                case Append a -> {
                    if (promised.isAfter(e)) yield new Fenced(a.route(), e, promised);
                    if (!e.equals(logEpoch)) yield new NeedInstall(a.route(), e, lastSeq());
                    if (a.entries().getFirst().seq() > lastSeq() + 1) yield new Behind(a.route(), e, lastSeq());
                    for (LogEntry x : a.entries()) if (x.seq() > lastSeq()) entries.add(x);
                    yield new Appended(a.route(), e, lastSeq());
                }
                case PushSnapshot p -> {
                    if (!e.equals(logEpoch)) yield new NeedInstall(p.route(), e, lastSeq());
                    snapshot = Optional.of(p.snapshot());
                    entries.removeIf(x -> x.seq() <= p.snapshot().seq());
                    yield new SnapshotAck(p.route(), e, p.snapshot().seq());
                }
                case Renew r -> promised.isAfter(e) ? new Fenced(r.route(), e, promised) : new LeaseOk(r.route(), e);
                case Release r -> null;
                case RecoverAt r -> new RecoverAtFailed(r.route(), e, "not retained");
            };
        }
    }
}
