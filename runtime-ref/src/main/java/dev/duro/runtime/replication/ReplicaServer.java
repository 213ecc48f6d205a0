package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Clock;
import dev.duro.model.world.FaultPoints;
import dev.duro.model.world.Loop;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TraceSink;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.AskPromise;
import dev.duro.runtime.replication.Message.Behind;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Fetch;
import dev.duro.runtime.replication.Message.Fetched;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Installed;
import dev.duro.runtime.replication.Message.LeaseOk;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.PromiseIs;
import dev.duro.runtime.replication.Message.Promised;
import dev.duro.runtime.replication.Message.PushSnapshot;
import dev.duro.runtime.replication.Message.Reason;
import dev.duro.runtime.replication.Message.RecoverAt;
import dev.duro.runtime.replication.Message.RecoverAtFailed;
import dev.duro.runtime.replication.Message.RecoveredAt;
import dev.duro.runtime.replication.Message.Rejected;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Request;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.runtime.replication.Message.SnapshotAck;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The replica side of replication on one node: answers owners' requests for the objects this node
 * holds a replica of, from a {@link ReplicaStore}. Per object the state is loaded lazily and cached
 * ({@link ReplicaCell}); requests are handled one at a time in arrival order, and the store runs the
 * writes in call order, so answers follow the order of the writes that justify them.
 *
 * <p>The rules (docs/cluster.md): a Prepare is granted iff the copy is not damaged, the epoch is
 * above the promised one, no other epoch holds an unexpired lease, and this incarnation has been up
 * for L·(1+ε) (it forgot its leases when it restarted; a first boot has none to forget); the
 * promise is durable before the answer. Writes from an epoch older than the promised one are
 * refused with {@link Fenced}. A damaged copy never serves its log; an install repairs it.
 *
 * <p>Amnesia (docs/cluster.md, "Amnesia"): a replica that lost its promise (its disk or its state
 * file) accepts no install until it has learned, from a quorum of the object's other replicas,
 * the highest epoch they promised, asked no earlier than {@link Timing#amnesiaWaitNanos} into this
 * incarnation; it fences against that from then on.
 *
 * <p>Planted bug {@code STALE_EPOCH}: writes (install, append, snapshot, renew) from an epoch older
 * than the promised one are accepted as if current.
 */
final class ReplicaServer {
    /** Requests queued per object while it loads; more are dropped (the owner resends). */
    static final int MAX_WAITING = 256;

    /** Told every epoch round this replica sees, so a local owner starts above it. */
    interface RoundObserver {
        void sawRound(ObjectKey key, long round);
    }

    /** The other replicas of an object, for the recovery of a replica that lost its promise. */
    interface Peers {
        /** Nobody to ask: a replica that lost its promise stays silent to writers. */
        Peers NONE = new Peers() {
            @Override
            public List<NodeId> replicas(ObjectKey key) {
                return List.of();
            }

            @Override
            public int quorum() {
                return 1;
            }

            @Override
            public void send(NodeId to, Message.Between message) {
            }

            @Override
            public long nextRound() {
                return 1;
            }
        };

        /** The object's replica set (this node among them). */
        List<NodeId> replicas(ObjectKey key);

        /** Replicas of the whole set that make a majority; this many others must answer. */
        int quorum();

        void send(NodeId to, Message.Between message);

        /** A round id never used before by any incarnation of this node (answers to older rounds are ignored). */
        long nextRound();
    }

    private final NodeId self;
    private final Loop loop;
    private final Clock clock;
    private final TraceSink trace;
    private final ReplicaStore store;
    private final Timing timing;
    private final boolean acceptStaleEpochs;
    private final RoundObserver rounds;
    private final Peers peers;
    private final long quietUntilNanos;
    /** A replica that lost its promise asks its peers no earlier (see {@link Timing#amnesiaWaitNanos}). */
    private final long askNotBeforeNanos;
    private long nextAskId = 1;
    private final Map<ObjectKey, ReplicaCell> cells = new TreeMap<>();
    private final FaultPoints faultPoints;

    /**
     * @param firstBoot on a first boot there are no forgotten leases, so no quiet period
     */
    ReplicaServer(NodeId self, Loop loop, Clock clock, TraceSink trace, ReplicaStore store, Timing timing, boolean firstBoot,
                  boolean acceptStaleEpochs, RoundObserver rounds, Peers peers) {
        this(self, loop, clock, trace, store, timing, firstBoot, acceptStaleEpochs, rounds, peers, FaultPoints.NONE);
    }

    /** {@code faultPoints}: the node's (docs/runtime.md, "Fault points"). */
    ReplicaServer(NodeId self, Loop loop, Clock clock, TraceSink trace, ReplicaStore store, Timing timing, boolean firstBoot,
                  boolean acceptStaleEpochs, RoundObserver rounds, Peers peers, FaultPoints faultPoints) {
        this.faultPoints = faultPoints;
        this.self = self;
        this.loop = loop;
        this.clock = clock;
        this.trace = trace;
        this.store = store;
        this.timing = timing;
        this.acceptStaleEpochs = acceptStaleEpochs;
        this.rounds = rounds;
        this.peers = peers;
        this.quietUntilNanos = clock.monotonicNanos() + (firstBoot ? 0 : timing.startupQuietNanos());
        this.askNotBeforeNanos = clock.monotonicNanos() + (firstBoot ? 0 : timing.amnesiaWaitNanos());
    }

    /** Starts the sweep that forgets idle objects' cached state. */
    void start() {
        loop.schedule(timing.idleEvictNanos() / 2, this::sweep);
    }

    /** BUGGIFY: an evictable replica (idle, no write in flight, no unexpired lease) is forgotten just before a request for it. */
    static final String FAULT_CELL_DROP = "repl-cell-drop";

    /** Objects currently cached (for tests and metrics). */
    int cachedObjects() {
        return cells.size();
    }

    /** Handles {@code request} from {@code from}; {@code answer} is called at most once, on the loop. */
    void handle(NodeId from, Request request, Consumer<Reply> answer) {
        ObjectKey key = ObjectKey.of(request);
        rounds.sawRound(key, request.epoch().round());
        ReplicaCell cell = cells.get(key);
        if (cell != null && cell.evictable(clock.monotonicNanos(), 0) && faultPoints.fire(FAULT_CELL_DROP)) {
            // As the idle sweep does, only sooner: the request below loads the replica from disk again.
            cells.remove(key);
            cell.log.releaseHandles();
            cell = null;
        }
        if (cell == null) {
            cell = new ReplicaCell(key, store.open(key.namespace(), key.id()));
            cells.put(key, cell);
            load(cell);
        }
        cell.lastUsedNanos = clock.monotonicNanos();
        if (cell.loading) {
            ReplicaCell c = cell;
            if (cell.waiting.size() < MAX_WAITING) cell.waiting.addLast(() -> dispatch(c, request, answer));
            return;
        }
        dispatch(cell, request, answer);
    }

    private void load(ReplicaCell cell) {
        cell.loading = true;
        cell.generation++;
        cell.writesInFlight = 0;
        int generation = cell.generation;
        Promise<ReplicaState> loaded;
        try {
            loaded = cell.log.load();
        } catch (RuntimeException e) {
            loaded = Promise.failed(loop, e);
        }
        loaded.whenComplete((state, error) -> {
            if (generation != cell.generation) return;
            if (error != null) {
                // A read error: nothing changed on disk, and its promise is still there. Standing in
                // a made-up state (promised ZERO) would let any epoch, however old, install and be
                // acknowledged here. Stay silent for this object (requests wait, bounded; owners
                // resend) and read again later: the store reports real damage as a damaged state.
                trace.record("repl-load-failed", "id=" + cell.key.id().hex() + " retry=yes");
                loop.schedule(timing.resendNanos(), () -> {
                    if (generation == cell.generation && cells.get(cell.key) == cell) load(cell);
                });
                return;
            }
            Epoch known = cell.promised; // what this incarnation promised (a reload after a failed write)
            cell.adopt(state);
            rounds.sawRound(cell.key, state.promised().round());
            if (cell.amnesic) {
                if (known.isAfter(cell.promised)) cell.promised = known;
                startRecovery(cell);
            }
            cell.loading = false;
            while (!cell.waiting.isEmpty() && !cell.loading) cell.waiting.pollFirst().run();
        });
    }

    private void dispatch(ReplicaCell c, Request request, Consumer<Reply> answer) {
        switch (request) {
            case Prepare m -> onPrepare(c, m, answer);
            case Fetch m -> onFetch(c, m, answer);
            case Install m -> onInstall(c, m, answer);
            case Append m -> onAppend(c, m, answer);
            case PushSnapshot m -> onSnapshot(c, m, answer);
            case Renew m -> onRenew(c, m, answer);
            case Release m -> onRelease(c, m);
            case RecoverAt m -> onRecoverAt(c, m, answer);
        }
    }

    // ------------------------------------------------------------------ election

    private void onPrepare(ReplicaCell c, Prepare m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        long now = clock.monotonicNanos();
        if (c.damaged) {
            answer.accept(new Rejected(m.route(), e, Reason.DAMAGED, c.promised, 0));
            return;
        }
        int cmp = e.compareTo(c.promised);
        if (cmp < 0) {
            answer.accept(new Rejected(m.route(), e, Reason.STALE, c.promised, 0));
            return;
        }
        if (cmp == 0) {
            // A duplicate (or a promise raised by this owner's install): answer from durable state only.
            ReplicaCell.View d = c.durable;
            if (d.promised().equals(e) && !d.damaged()) {
                grantLease(c, e);
                answer.accept(new Promised(m.route(), e, d.logEpoch(), d.lastSeq(), d.snapshotSeq()));
            }
            return;
        }
        if (now < quietUntilNanos) {
            answer.accept(new Rejected(m.route(), e, Reason.STARTING, c.promised, millisUntil(quietUntilNanos, now)));
            return;
        }
        if (c.leasedToOther(e, now)) {
            answer.accept(new Rejected(m.route(), e, Reason.LEASED, c.promised, millisUntil(c.leaseUntilNanos, now)));
            return;
        }
        c.promise(e);
        // The lease starts now, before the promise is durable: a newer Prepare arriving meanwhile
        // must not be granted while this one's answer is on its way.
        grantLease(c, e);
        write(c, () -> c.log.promise(e), d -> {
            grantLease(c, e);
            answer.accept(new Promised(m.route(), e, d.logEpoch(), d.lastSeq(), d.snapshotSeq()));
        });
    }

    private void onFetch(ReplicaCell c, Fetch m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        if (c.damaged) {
            answer.accept(new Rejected(m.route(), e, Reason.DAMAGED, c.promised, 0));
        } else if (c.promised.isAfter(e)) {
            answer.accept(new Fenced(m.route(), e, c.promised));
        } else if (!c.promised.equals(e)) {
            answer.accept(new Rejected(m.route(), e, Reason.NOT_HOLDING, c.promised, 0));
        } else if (c.writesInFlight == 0) {
            // Only a log that is all on disk is served; with writes in flight the owner asks again.
            answer.accept(new Fetched(m.route(), e, c.logEpoch, c.snapshot, c.entries));
        }
    }

    // ------------------------------------------------------------------ writes

    private boolean fenced(ReplicaCell c, Epoch e) {
        return c.promised.isAfter(e) && !acceptStaleEpochs;
    }

    private void onInstall(ReplicaCell c, Install m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        if (c.amnesic && !acceptStaleEpochs) {
            // It does not know what it promised: the install might come from an owner it fenced
            // before it lost its disk. Silent until it learned that from its peers; the owner resends.
            return;
        }
        if (fenced(c, e)) {
            answer.accept(new Fenced(m.route(), e, c.promised));
            return;
        }
        // A log's label never exceeds the promise, and the promise fenced older epochs: labels only go up.
        Invariants.check(acceptStaleEpochs || !c.logEpoch.isAfter(e), "replica %s: install of %s over a log of the newer %s",
                c.key.id().hex(), e, c.logEpoch);
        if (!m.reset() && !c.damaged && c.logEpoch.equals(e) && c.lastSeq() >= m.lastSeq()) {
            // Within one epoch the owner's log only grows: this replica already holds a longer
            // prefix of it. Re-installing a delayed duplicate would drop acknowledged batches.
            ReplicaCell.View d = c.durable;
            if (d.logEpoch().equals(e) && d.lastSeq() >= m.lastSeq() && !d.damaged()) {
                grantLease(c, e);
                answer.accept(new Installed(m.route(), e, d.lastSeq(), d.snapshotSeq()));
            }
            return;
        }
        if (!m.reset() && !c.damaged && holdsPrefix(c, m)) {
            extend(c, m, answer);
            return;
        }
        boolean wasDamaged = c.damaged;
        if (e.isAfter(c.promised)) c.promised = e;
        c.logEpoch = e;
        c.snapshot = m.snapshot();
        c.entries = new ArrayList<>(m.entries());
        c.damaged = false;
        c.damage = "";
        grantLease(c, e);
        write(c, () -> c.log.install(e, m.snapshot(), m.entries()), d -> {
            grantLease(c, e);
            if (wasDamaged) {
                trace.record("repl-repaired", "id=" + c.key.id().hex() + " fence=" + e + " at=" + self + " seq=" + d.lastSeq());
            }
            answer.accept(new Installed(m.route(), e, d.lastSeq(), d.snapshotSeq()));
        });
    }

    /**
     * Whether this replica's log is a prefix of the installed one, so that appending the missing
     * batches (and relabelling) yields it without a rewrite (docs/cluster.md, "Relabel"): the log
     * of this very epoch (its owner's log only grows), or the adopted owner's log up to the batch
     * adopted (one owner wrote both). Its last batch must be at or after the install's snapshot, so
     * that the batches it misses travel in the install.
     */
    private static boolean holdsPrefix(ReplicaCell c, Install m) {
        long installSnapshot = m.snapshot().map(Snapshot::seq).orElse(0L);
        if (c.lastSeq() < installSnapshot || c.lastSeq() > m.lastSeq()) return false;
        if (c.logEpoch.equals(m.epoch())) return true;
        return !m.adopted().equals(Epoch.ZERO) && c.logEpoch.equals(m.adopted()) && c.lastSeq() <= m.adoptedSeq()
                && m.adoptedSeq() <= m.lastSeq();
    }

    /**
     * Turns this replica's log into the installed one without rewriting it: appends the adopted
     * batches it lacks under the adopted label, relabels it to this epoch (one state-file write,
     * only once it holds the whole adopted log: a log labelled with an epoch holds everything that
     * epoch's owner adopted), appends this owner's batches, and stores the install's snapshot if
     * it is newer. Every step is atomic and leaves a prefix of the same owner's log, so a crash at
     * any instant leaves a replica that can vote. Each write's view is what the disk holds after it.
     */
    private void extend(ReplicaCell c, Install m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        Epoch from = c.logEpoch;
        boolean relabel = !from.equals(e);
        // What holdsPrefix established: a relabel moves the adopted owner's log, held up to the adopted batch at most.
        Invariants.check(!relabel || (from.equals(m.adopted()) && c.lastSeq() <= m.adoptedSeq() && e.isAfter(from)),
                "replica %s: extending a log of %s through %d to %s, which adopted %s through %d",
                c.key.id().hex(), from, c.lastSeq(), e, m.adopted(), m.adoptedSeq());
        if (relabel) {
            // Before any write: a harness that injects disk faults at installs keys on this fact.
            trace.record("repl-extend", "id=" + c.key.id().hex() + " at=" + self + " from=" + from + " to=" + e
                    + " owner=" + NodeId.of(e.node()) + " held=" + c.lastSeq() + " adopted=" + m.adoptedSeq());
        }
        Epoch promisedBefore = c.promised; // what the disk holds once the writes issued earlier completed
        Epoch promisedAfter = e.isAfter(c.promised) ? e : c.promised;
        long snapshotBefore = c.snapshotSeq();
        long lastBefore = c.lastSeq();
        List<LogEntry> missing = new ArrayList<>();
        for (LogEntry entry : m.entries()) if (entry.seq() > c.lastSeq()) missing.add(entry);
        boolean newerSnapshot = m.snapshot().isPresent() && m.snapshot().get().seq() > snapshotBefore;
        long snapshotAfter = newerSnapshot ? m.snapshot().get().seq() : snapshotBefore;
        // The cache says at once what the disk will hold once every write below completed.
        c.promise(promisedAfter);
        c.logEpoch = e;
        c.entries.addAll(missing);
        if (newerSnapshot) {
            c.snapshot = m.snapshot();
            c.entries.removeIf(entry -> entry.seq() <= snapshotAfter);
        }
        grantLease(c, e);
        List<Runnable> steps = new ArrayList<>();
        int[] left = new int[1];
        Consumer<ReplicaCell.View> last = d -> {
            if (--left[0] > 0) return;
            grantLease(c, e);
            answer.accept(new Installed(m.route(), e, d.lastSeq(), d.snapshotSeq()));
        };
        for (LogEntry entry : missing) {
            boolean before = relabel && entry.seq() <= m.adoptedSeq();
            Epoch label = before ? from : e;
            ReplicaCell.View after = new ReplicaCell.View(before ? promisedBefore : promisedAfter, label, entry.seq(),
                    snapshotBefore, false);
            steps.add(() -> write(c, () -> c.log.append(label, entry), after, last));
            if (relabel && entry.seq() == m.adoptedSeq()) steps.add(relabelStep(c, from, e, promisedAfter, entry.seq(), snapshotBefore, last));
        }
        if (relabel && (missing.isEmpty() || missing.getFirst().seq() > m.adoptedSeq())) {
            // It held the whole adopted log already: the relabel comes first.
            Invariants.check(lastBefore == m.adoptedSeq(), "replica %s: relabel first, holding %d of the adopted %d",
                    c.key.id().hex(), lastBefore, m.adoptedSeq());
            steps.addFirst(relabelStep(c, from, e, promisedAfter, m.adoptedSeq(), snapshotBefore, last));
        }
        if (newerSnapshot) {
            Snapshot s = m.snapshot().get();
            ReplicaCell.View after = new ReplicaCell.View(promisedAfter, e, m.lastSeq(), snapshotAfter, false);
            steps.add(() -> write(c, () -> c.log.snapshot(s), after, last));
        }
        left[0] = steps.size();
        for (Runnable step : steps) step.run();
    }

    /**
     * The relabel once the log holds the adopted batches through {@code adoptedSeq}; the store
     * refuses it if they are not all there (an append before it was refused, e.g. on a full disk).
     */
    private Runnable relabelStep(ReplicaCell c, Epoch from, Epoch to, Epoch promisedAfter, long adoptedSeq, long snapshotSeq,
                                 Consumer<ReplicaCell.View> onDurable) {
        ReplicaCell.View after = new ReplicaCell.View(promisedAfter, to, adoptedSeq, snapshotSeq, false);
        return () -> write(c, () -> c.log.relabel(from, to, adoptedSeq), after, onDurable);
    }

    private void onAppend(ReplicaCell c, Append m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        if (fenced(c, e)) {
            answer.accept(new Fenced(m.route(), e, c.promised));
            return;
        }
        if (c.damaged || !c.logEpoch.equals(e)) {
            answer.accept(new NeedInstall(m.route(), e, c.lastSeq()));
            return;
        }
        long last = m.entries().getLast().seq();
        List<LogEntry> fresh = new ArrayList<>();
        for (LogEntry entry : m.entries()) if (entry.seq() > c.lastSeq()) fresh.add(entry);
        if (fresh.isEmpty()) {
            ReplicaCell.View d = c.durable;
            if (d.logEpoch().equals(e) && d.lastSeq() >= last && !d.damaged()) {
                grantLease(c, e);
                answer.accept(new Appended(m.route(), e, d.lastSeq()));
            }
            return; // otherwise the write still in flight answers
        }
        if (fresh.getFirst().seq() != c.lastSeq() + 1) {
            answer.accept(new Behind(m.route(), e, c.lastSeq()));
            return;
        }
        grantLease(c, e);
        for (int i = 0; i < fresh.size(); i++) {
            LogEntry entry = fresh.get(i);
            c.entries.add(entry);
            boolean lastOne = i == fresh.size() - 1;
            write(c, () -> c.log.append(e, entry), d -> {
                if (!lastOne) return;
                grantLease(c, e);
                answer.accept(new Appended(m.route(), e, d.lastSeq()));
            });
        }
    }

    private void onSnapshot(ReplicaCell c, PushSnapshot m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        Snapshot s = m.snapshot();
        if (fenced(c, e)) {
            answer.accept(new Fenced(m.route(), e, c.promised));
            return;
        }
        if (c.damaged || !c.logEpoch.equals(e)) {
            answer.accept(new NeedInstall(m.route(), e, c.lastSeq()));
            return;
        }
        if (c.snapshotSeq() >= s.seq()) {
            if (c.durable.snapshotSeq() >= s.seq() && c.durable.logEpoch().equals(e)) {
                grantLease(c, e);
                answer.accept(new SnapshotAck(m.route(), e, s.seq()));
            }
            return;
        }
        if (s.seq() > c.lastSeq()) {
            answer.accept(new Behind(m.route(), e, c.lastSeq()));
            return;
        }
        c.snapshot = java.util.Optional.of(s);
        c.entries.removeIf(entry -> entry.seq() <= s.seq());
        grantLease(c, e);
        write(c, () -> c.log.snapshot(s), d -> {
            grantLease(c, e);
            answer.accept(new SnapshotAck(m.route(), e, s.seq()));
        });
    }

    /** Writes, one at a time per object; {@code onDurable} gets the state the disk now holds. */
    private void write(ReplicaCell c, Supplier<Promise<Void>> op, Consumer<ReplicaCell.View> onDurable) {
        write(c, op, c.view(), onDurable);
    }

    /** As above; {@code after} is what the disk holds once this write completed. */
    private void write(ReplicaCell c, Supplier<Promise<Void>> op, ReplicaCell.View after, Consumer<ReplicaCell.View> onDurable) {
        int generation = c.generation;
        c.writesInFlight++;
        Promise<Void> done;
        try {
            done = op.get();
        } catch (RuntimeException e) {
            done = Promise.failed(loop, e);
        }
        done.whenComplete((v, error) -> {
            if (generation != c.generation) return;
            c.writesInFlight--;
            Invariants.check(c.writesInFlight >= 0, "replica writes in flight went negative");
            if (error != null) {
                // The disk may hold the old state or the new one: forget the cache, keep the lease
                // (it is a promise made to an owner), answer nothing, and read the disk again.
                load(c);
                return;
            }
            c.durableNow(after);
            onDurable.accept(after);
        });
    }

    // ------------------------------------------------------------------ amnesia

    /**
     * Handles a message between replicas: another replica's question about this one's promise
     * ({@code answer} carries the reply), or a peer's answer to this replica's own question.
     */
    void handleBetween(NodeId from, Message.Between message, Consumer<Message.Between> answer) {
        switch (message) {
            case AskPromise m -> {
                ObjectKey key = ObjectKey.of(m);
                ReplicaCell cell = cells.get(key);
                if (cell == null) {
                    cell = new ReplicaCell(key, store.open(key.namespace(), key.id()));
                    cells.put(key, cell);
                    load(cell);
                }
                ReplicaCell c = cell;
                Runnable reply = () -> {
                    // Only a promise this replica knows is worth anything; an amnesic one says nothing.
                    if (!c.amnesic) answer.accept(new PromiseIs(m.route(), m.epoch(), c.promised));
                };
                if (cell.loading) {
                    if (cell.waiting.size() < MAX_WAITING) cell.waiting.addLast(reply);
                } else {
                    reply.run();
                }
            }
            case PromiseIs m -> onPromiseIs(from, m);
        }
    }

    /**
     * Starts learning the promise from the peers. The first question goes out no earlier than
     * {@link Timing#amnesiaWaitNanos} after this incarnation started: any owner that counted a vote
     * this replica gave before it lost its state had, by then, won (or given up on) that epoch's
     * election, so a quorum of the others already promised it (docs/cluster.md, "Amnesia").
     */
    private void startRecovery(ReplicaCell c) {
        long round = peers.nextRound();
        c.recoveryRound = round;
        c.learned.clear();
        trace.record("repl-amnesic", "id=" + c.key.id().hex() + " at=" + self + " known=" + c.promised);
        long now = clock.monotonicNanos();
        loop.schedule(Math.max(0, askNotBeforeNanos - now), () -> askPeers(c, round, timing.resendNanos()));
    }

    private void askPeers(ReplicaCell c, long round, long gapNanos) {
        if (cells.get(c.key) != c || !c.amnesic || c.recoveryRound != round) return;
        for (NodeId n : peers.replicas(c.key)) {
            if (n.equals(self) || c.learned.containsKey(n)) continue;
            peers.send(n, new AskPromise(new Route(round, nextAskId++, c.key.namespace(), c.key.id()), c.promised));
        }
        long next = Math.min(timing.backoffCapNanos(), gapNanos * 2);
        loop.schedule(gapNanos, () -> askPeers(c, round, next));
    }

    private void onPromiseIs(NodeId from, PromiseIs m) {
        ReplicaCell c = cells.get(ObjectKey.of(m));
        if (c == null || !c.amnesic || c.recoveryRound == 0 || m.route().handle() != c.recoveryRound || from.equals(self)
                || !peers.replicas(c.key).contains(from)) {
            return;
        }
        c.learned.put(from, m.promised());
        rounds.sawRound(c.key, m.promised().round());
        if (c.learned.size() < peers.quorum()) return;
        Epoch highest = c.promised;
        for (Epoch e : c.learned.values()) if (e.isAfter(highest)) highest = e;
        Epoch learned = highest;
        c.recoveryRound = 0; // no more questions; the answers are in
        c.promise(learned);
        Runnable done = () -> {
            c.amnesic = false;
            trace.record("repl-promise-learned", "id=" + c.key.id().hex() + " fence=" + learned + " at=" + self
                    + " peers=" + c.learned.size());
        };
        if (learned.isAfter(c.durable.promised())) {
            // Durable before it fences by it: a crash now must not make it forget again (it would
            // ask again anyway, but a state file with a promise is no longer amnesic).
            write(c, () -> c.log.promise(learned), d -> done.run());
        } else {
            done.run();
        }
    }

    // ------------------------------------------------------------------ leases and reads

    private void onRenew(ReplicaCell c, Renew m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        if (fenced(c, e)) {
            answer.accept(new Fenced(m.route(), e, c.promised));
        } else if (c.damaged || !c.logEpoch.equals(e)) {
            answer.accept(new NeedInstall(m.route(), e, c.lastSeq()));
        } else {
            grantLease(c, e);
            answer.accept(new LeaseOk(m.route(), e));
        }
    }

    private void onRelease(ReplicaCell c, Release m) {
        // The handle closed and sends no more output: its lease protects nothing any more.
        if (m.epoch().equals(c.leaseEpoch)) c.leaseUntilNanos = clock.monotonicNanos();
    }

    private void onRecoverAt(ReplicaCell c, RecoverAt m, Consumer<Reply> answer) {
        Epoch e = m.epoch();
        if (c.damaged) {
            answer.accept(new RecoverAtFailed(m.route(), e, "the replica on " + self + " is damaged"));
            return;
        }
        if (!c.logEpoch.equals(e)) {
            answer.accept(new RecoverAtFailed(m.route(), e, "the replica on " + self + " does not hold this owner's log"));
            return;
        }
        Promise<Recovery> read;
        try {
            read = c.log.recoverAt(m.seq());
        } catch (RuntimeException ex) {
            read = Promise.failed(loop, ex);
        }
        read.whenComplete((recovery, error) -> {
            if (error != null) {
                answer.accept(new RecoverAtFailed(m.route(), e, String.valueOf(error.getMessage())));
            } else if (recovery.lastSeq() != m.seq()) {
                answer.accept(new RecoverAtFailed(m.route(), e, "the replica on " + self + " recovered batch "
                        + recovery.lastSeq() + " instead of " + m.seq()));
            } else {
                answer.accept(new RecoveredAt(m.route(), e, recovery));
            }
        });
    }

    private void grantLease(ReplicaCell c, Epoch e) {
        c.leaseEpoch = e;
        c.leaseUntilNanos = clock.monotonicNanos() + timing.leaseNanos();
    }

    private void sweep() {
        long now = clock.monotonicNanos();
        for (Iterator<ReplicaCell> it = cells.values().iterator(); it.hasNext(); ) {
            ReplicaCell c = it.next();
            if (c.evictable(now, timing.idleEvictNanos())) {
                it.remove();
                c.log.releaseHandles(); // its file handles too, or a node runs out of descriptors with its object count
            }
        }
        loop.schedule(timing.idleEvictNanos() / 2, this::sweep);
    }

    private static long millisUntil(long untilNanos, long nowNanos) {
        return Math.max(1, (untilNanos - nowNanos + 999_999) / 1_000_000);
    }
}
