package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Clock;
import dev.duro.model.world.Loop;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.TraceSink;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
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
import dev.duro.runtime.replication.Message.RecoveredAt;
import dev.duro.runtime.replication.Message.Rejected;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.Request;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.runtime.replication.Message.SnapshotAck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The owner side of one object's replicated log: the {@link ObjectLog} one activation writes
 * through (docs/cluster.md, steps 1–6). A new handle per activation; all on the node's loop.
 *
 * <p>Life: {@code NEW} → {@link #recover()} runs an election ({@code ELECTING}: prepare a fresh
 * epoch on every replica, fetch the best log among a quorum of grants, install it under the epoch
 * on a quorum) → {@code ACTIVE} (appends pipelined to installed replicas, durable at a quorum of
 * acknowledgements; lagging or new replicas installed or caught up in the background; a lease
 * renewed every L/3) → {@code FENCED} when a replica reports a newer epoch (everything pending
 * and later fails with RESET), {@code FAILED} when the election gave up (UNAVAILABLE), or
 * {@code CLOSED}.
 *
 * <p>Memory: the latest snapshot and the batches after it (what an install or a catch-up sends),
 * the unacknowledged appends, and the send times of requests younger than a lease.
 *
 * <p>Every request is resent on a timer until answered or superseded, with a per-replica backoff
 * while a replica stays silent; every answer is matched by epoch (and by request id for leases).
 *
 * <p>Planted bugs: {@code ACK_BEFORE_QUORUM} (an append completes at the first durable ack),
 * {@code REPLAY_OUT_OF_ORDER} (recover() returns the last two batches' payloads swapped),
 * {@code SPLIT_BRAIN_AFTER_HEAL} (a fenced owner wins a new epoch and installs its own log
 * instead of adopting the newer one).
 */
final class OwnerLog implements ObjectLog {
    private enum Phase { NEW, ELECTING, ACTIVE, FENCED, FAILED, CLOSED }

    /**
     * The legal phase changes. ACTIVE → ELECTING: destroy() elects again (and the planted
     * SPLIT_BRAIN_AFTER_HEAL does); destroy() while electing replaces the election, no change; a
     * try that is fenced while electing fails it, never FENCED.
     */
    private static final java.util.EnumMap<Phase, java.util.EnumSet<Phase>> PHASE_CHANGES = new java.util.EnumMap<>(Map.of(
            Phase.NEW, java.util.EnumSet.of(Phase.ELECTING, Phase.CLOSED),
            Phase.ELECTING, java.util.EnumSet.of(Phase.ACTIVE, Phase.FAILED, Phase.CLOSED),
            Phase.ACTIVE, java.util.EnumSet.of(Phase.ELECTING, Phase.FENCED, Phase.CLOSED),
            Phase.FENCED, java.util.EnumSet.of(Phase.CLOSED),
            Phase.FAILED, java.util.EnumSet.of(Phase.CLOSED),
            Phase.CLOSED, java.util.EnumSet.noneOf(Phase.class)));

    private void toPhase(Phase next) {
        if (!PHASE_CHANGES.get(phase).contains(next)) {
            Invariants.check(false, "owner of %s: illegal phase change %s -> %s", key, phase, next);
        }
        phase = next;
    }

    private enum Step { PREPARE, FETCH, INSTALL, WAIT }

    /** BUGGIFY: an append to a remote replica is held past a prepare step (a deposed owner's in-flight append lands after a new owner's prepare). */
    static final String FAULT_APPEND_HOLD = "repl-append-hold";
    /** BUGGIFY: a due lease renewal waits until just before the lease ends. */
    static final String FAULT_RENEW_LATE = "repl-renew-late";
    /** BUGGIFY: a catch-up carries one batch. */
    static final String FAULT_CATCH_UP_ONE = "repl-catch-up-one";
    /**
     * BUGGIFY: the owner gives up its tenure just after a batch's appends went out (as when
     * deposed): the batch's outcome is unknown to its caller, which resets. Fault points go quiet
     * at the heal, so after it no owner abdicates (it once broke the liveness bound for that).
     */
    static final String FAULT_ABDICATE_AT_APPEND = "repl-abdicate-at-append";
    /** BUGGIFY: unacknowledged batches are sent again before their resend is due (a retry taken early). */
    static final String FAULT_RESEND_EARLY = "repl-resend-early";
    /** BUGGIFY: a release to a remote replica is lost: it keeps the epoch's lease until it lapses. */
    static final String FAULT_RELEASE_LOST = "repl-release-lost";
    /** BUGGIFY: an install reaches a remote replica twice (a duplicated message). */
    static final String FAULT_INSTALL_DUP = "repl-install-dup";
    /** BUGGIFY: a snapshot is pushed again before its resend is due. */
    static final String FAULT_SNAPSHOT_PUSH_EARLY = "repl-snapshot-push-early";

    /** Batches per catch-up message, and the bytes they may carry. */
    private static final int CATCH_UP_BATCHES = 64;
    private static final long CATCH_UP_BYTES = 1 << 20;

    private final OwnerContext ctx;
    private final Loop loop;
    private final Clock clock;
    private final TraceSink trace;
    private final Timing timing;
    private final NodeId self;
    final ObjectKey key;
    final long handle;
    private final TreeMap<NodeId, Peer> peers = new TreeMap<>();
    private final int quorum;

    private Phase phase = Phase.NEW;
    /** The epoch this handle acts under: the current try's while electing, the won one after. */
    private Epoch epoch = Epoch.ZERO;
    private Epoch won;
    private Election election;
    private String endReason = "";

    private long nextRequestId = 1;
    /** Request id → send time, for requests younger than a lease (older ones cannot extend it). */
    private final TreeMap<Long, Long> sentAt = new TreeMap<>();

    // The log as this owner holds it: latest snapshot + the batches after it.
    private Optional<Snapshot> snapshot = Optional.empty();
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private long lastSeq;
    private long durableSeq;
    /**
     * The log this handle adopted: its owner's epoch and last batch (ZERO and 0 when it installs
     * its own). Installs name it so that replicas holding a prefix of it relabel instead of
     * rewriting (docs/cluster.md, "Relabel").
     */
    private Epoch adopted = Epoch.ZERO;
    private long adoptedSeq;

    private final TreeMap<Long, Promise<Void>> pendingAppends = new TreeMap<>();
    private final TreeMap<Long, List<Promise<Void>>> pendingSnapshots = new TreeMap<>();
    private final List<Promise<Void>> leaseWaiters = new ArrayList<>();
    private final TreeMap<Long, RecoverAtCall> recoverAtByRequest = new TreeMap<>();
    private final List<RecoverAtCall> recoverAtCalls = new ArrayList<>();

    private TimerHandle tickTimer;
    private long tickAtNanos = Long.MAX_VALUE;
    private long nextRenewNanos;
    private long lastRenewSentNanos = Peer.NEVER;
    private boolean leaseHeld;

    OwnerLog(OwnerContext ctx, ObjectKey key, long handle, List<NodeId> replicas) {
        this.ctx = ctx;
        this.loop = ctx.world().loop();
        this.clock = ctx.world().clock();
        this.trace = ctx.world().trace();
        this.timing = ctx.timing();
        this.self = ctx.world().self();
        this.key = key;
        this.handle = handle;
        this.quorum = ctx.quorum();
        Invariants.check(replicas.size() >= quorum, "%d replicas cannot make a quorum of %d", replicas.size(), quorum);
        for (NodeId n : replicas) peers.put(n, new Peer(n));
    }

    // ================================================================== ObjectLog

    @Override
    public Promise<Recovery> recover() {
        if (phase != Phase.NEW) {
            return Promise.failed(loop, new IllegalStateException("recover() runs once per log handle; open a new one (phase " + phase + ")"));
        }
        Promise<Recovery> result = Promise.on(loop);
        startElection(new Election(result, null, false));
        return result;
    }

    @Override
    public Promise<Void> append(LogEntry entry) {
        if (isOver()) return Promise.failed(loop, ended());
        if (destroying()) return Promise.failed(loop, new DuroException(ErrorCode.RESET, "the object's log is being destroyed"));
        if (phase == Phase.NEW || (phase == Phase.ELECTING && election.result != null)) {
            return Promise.failed(loop, new IllegalStateException("append before recover() completed"));
        }
        if (entry.seq() != lastSeq + 1) {
            return Promise.failed(loop, new IllegalArgumentException("batch " + entry.seq() + " does not follow the log's last batch "
                    + lastSeq + " (appends must be consecutive)"));
        }
        entries.add(entry);
        lastSeq = entry.seq();
        Promise<Void> p = Promise.on(loop);
        pendingAppends.put(entry.seq(), p);
        if (phase == Phase.ACTIVE) {
            for (Peer peer : peers.values()) {
                if (peer.installed && peer.sent == entry.seq() - 1) {
                    peer.sent = entry.seq();
                    if (peer.retryAtNanos <= now()) peer.retryAtNanos = now() + peer.retryGapNanos;
                    if (!peer.node.equals(self) && ctx.world().faultPoints().fire(FAULT_APPEND_HOLD)) {
                        hold(peer, entry);
                    } else {
                        send(peer, r -> new Append(r, epoch, List.of(entry)));
                    }
                }
            }
            if (ctx.world().faultPoints().fire(FAULT_ABDICATE_AT_APPEND)) {
                // After the sends: the batch may become durable, and its caller learns nothing.
                endReason = "it gave up its tenure (fault point " + FAULT_ABDICATE_AT_APPEND + ")";
                trace.record("repl-abdicated", "id=" + key.id().hex() + " fence=" + epoch + " seq=" + entry.seq());
                toPhase(Phase.FENCED);
                failPending(ended());
                end();
                return p;
            }
        }
        scheduleTick(now() + timing.resendNanos());
        return p;
    }

    @Override
    public Promise<Void> snapshot(Snapshot s) {
        if (isOver()) return Promise.failed(loop, ended());
        if (destroying()) return Promise.failed(loop, new DuroException(ErrorCode.RESET, "the object's log is being destroyed"));
        if (phase == Phase.NEW || (phase == Phase.ELECTING && election.result != null)) {
            return Promise.failed(loop, new IllegalStateException("snapshot before recover() completed"));
        }
        if (s.seq() > lastSeq) {
            return Promise.failed(loop, new IllegalArgumentException("snapshot after batch " + s.seq() + " but the log ends at " + lastSeq));
        }
        if (snapshot.isPresent() && s.seq() <= snapshot.get().seq()) {
            // Covered by the latest snapshot: durable when that one is (it may still be pending).
            List<Promise<Void>> latest = pendingSnapshots.get(snapshot.get().seq());
            if (latest == null) return Promise.succeeded(loop, null);
            Promise<Void> p = Promise.on(loop);
            latest.add(p);
            return p;
        }
        snapshot = Optional.of(s);
        entries.removeIf(e -> e.seq() <= s.seq());
        Promise<Void> p = Promise.on(loop);
        pendingSnapshots.computeIfAbsent(s.seq(), k -> new ArrayList<>()).add(p);
        if (phase == Phase.ACTIVE) for (Peer peer : peers.values()) pushSnapshot(peer);
        scheduleTick(now() + timing.resendNanos());
        return p;
    }

    @Override
    public Promise<Recovery> recoverAt(long seq) {
        if (isOver()) return Promise.failed(loop, ended());
        if (phase != Phase.ACTIVE) return Promise.failed(loop, new IllegalStateException("recoverAt before recover() completed"));
        if (seq < 1 || seq > lastSeq) {
            return Promise.failed(loop, new IllegalArgumentException("cannot recover object " + key.id().hex() + " as of batch " + seq
                    + ": the log holds batches 1.." + lastSeq));
        }
        long snapSeq = snapshot.map(Snapshot::seq).orElse(0L);
        if (snapSeq <= seq) {
            // This owner holds it: the latest snapshot and the batches after it.
            List<LogEntry> upTo = new ArrayList<>();
            for (LogEntry e : entries) if (e.seq() <= seq) upTo.add(e);
            return Promise.succeeded(loop, new Recovery(snapshot, upTo, marks(snapshot, upTo)));
        }
        RecoverAtCall call = new RecoverAtCall(seq, Promise.on(loop), now() + 4 * timing.attemptNanos());
        recoverAtCalls.add(call);
        askRecoverAt(call);
        scheduleTick(now() + timing.resendNanos());
        return call.result;
    }

    /**
     * Wins a fresh epoch and installs an empty log under it on a quorum; older owners' delayed
     * messages are then fenced. The handle closes afterwards.
     */
    @Override
    public Promise<Void> destroy() {
        if (isOver()) return Promise.failed(loop, ended());
        DuroException gone = new DuroException(ErrorCode.RESET, "the object's log is being destroyed");
        failPending(gone);
        if (phase == Phase.ACTIVE) release();
        snapshot = Optional.empty();
        entries.clear();
        lastSeq = 0;
        durableSeq = 0;
        Promise<Void> done = Promise.on(loop);
        Election el = new Election(null, done, true);
        if (phase == Phase.ELECTING) {
            // The try in progress gives way (its caller was failed above); a fresh epoch fences its answers.
            election = el;
            nextAttempt();
        } else {
            startElection(el);
        }
        return done;
    }

    @Override
    public String fence() {
        return won == null ? "-" : won.toString();
    }

    @Override
    public boolean outputAllowed() {
        long until = leaseUntilNanos();
        // Every counted send time lies in the past: the lease never reaches past now + its length.
        Invariants.check(until == Long.MIN_VALUE || until <= now() + timing.ownerLeaseNanos(),
                "owner of %s: lease until %d lies past now %d + owner lease %d", key, until, now(), timing.ownerLeaseNanos());
        boolean valid = phase == Phase.ACTIVE && now() < until;
        observeLease(valid);
        return valid;
    }

    @Override
    public Promise<Void> awaitOutputAllowed() {
        if (isOver()) return Promise.failed(loop, ended());
        if (outputAllowed()) return Promise.succeeded(loop, null);
        Promise<Void> p = Promise.on(loop);
        leaseWaiters.add(p);
        if (phase == Phase.ACTIVE) renewAll();
        scheduleTick(now() + timing.resendNanos());
        return p;
    }

    @Override
    public void close() {
        if (phase == Phase.CLOSED) return;
        // A try still electing may hold grants, each a lease against every other owner: free them too
        // (its epoch never allowed an output).
        boolean holdsReplicas = phase == Phase.ACTIVE || phase == Phase.ELECTING;
        endReason = "the activation that opened this log handle ended";
        toPhase(Phase.CLOSED);
        failPending(ended());
        if (holdsReplicas) release();
        end();
    }

    // ================================================================== answers

    /** An answer from replica {@code from}. */
    void onReply(NodeId from, Reply reply) {
        Peer peer = peers.get(from);
        if (peer == null || isOver() || phase == Phase.NEW) return;
        Long sent = sentAt.get(reply.route().requestId());
        boolean abandoned = !reply.epoch().equals(epoch) || (election != null && election.step == Step.WAIT);
        if (!abandoned) {
            peer.heard(timing.resendNanos());
        } else if (grantsLease(reply) && !reply.epoch().equals(won)) {
            // A late grant to an epoch whose try this handle abandoned: that epoch never allowed an
            // output, so free the replica now; left alone it would refuse everyone (this handle
            // too) for L.
            sendRelease(peer, reply.epoch());
        }
        switch (reply) {
            case Promised m -> onPromised(peer, m, sent);
            case Rejected m -> onRejected(peer, m);
            case Fetched m -> onFetched(peer, m);
            case Installed m -> onInstalled(peer, m, sent);
            case Appended m -> onAppended(peer, m, sent);
            case NeedInstall m -> onNeedInstall(peer, m);
            case Behind m -> onBehind(peer, m);
            case Fenced m -> onFenced(m);
            case SnapshotAck m -> onSnapshotAck(peer, m, sent);
            case LeaseOk m -> {
                if (m.epoch().equals(epoch) && phase == Phase.ACTIVE) grantedLease(peer, sent);
            }
            case RecoveredAt m -> onRecoveredAt(m);
            case RecoverAtFailed m -> onRecoverAtFailed(peer, m);
        }
    }

    private static boolean grantsLease(Reply reply) {
        return reply instanceof Promised || reply instanceof Installed || reply instanceof Appended || reply instanceof LeaseOk
                || reply instanceof SnapshotAck;
    }

    private void onPromised(Peer peer, Promised m, Long sent) {
        Election el = election;
        if (el == null || el.step != Step.PREPARE || !m.epoch().equals(epoch) || overdue(el)) return;
        el.grants.put(peer.node, m);
        el.refusals.remove(peer.node);
        noteLease(peer, sent);
        if (el.grants.size() >= quorum) beginFetch();
    }

    private void onRejected(Peer peer, Rejected m) {
        ctx.sawRound(key, m.promised().round());
        Election el = election;
        if (el == null || !m.epoch().equals(epoch)) return;
        if (m.promised().isAfter(el.highestSeen)) el.highestSeen = m.promised();
        el.lastProblem = peer.node + " refused: " + m.reason().name().toLowerCase(java.util.Locale.ROOT);
        if (el.step == Step.PREPARE) {
            el.refusals.put(peer.node, m.reason());
            if (m.retryAfterMillis() > 0) {
                long after = m.retryAfterMillis() * 1_000_000L;
                el.retryAfterNanos = el.retryAfterNanos == 0 ? after : Math.min(el.retryAfterNanos, after);
            }
            if (peers.size() - el.refusals.size() < quorum) failAttempt();
        } else if (el.step == Step.FETCH && peer.node.equals(el.source)) {
            failAttempt();
        }
    }

    private void onFetched(Peer peer, Fetched m) {
        Election el = election;
        if (el == null || el.step != Step.FETCH || !peer.node.equals(el.source) || !m.epoch().equals(epoch) || overdue(el)) return;
        if (!m.logEpoch().equals(el.sourceGrant.logEpoch()) || m.lastSeq() != el.sourceGrant.lastSeq()) {
            el.lastProblem = "the log fetched from " + peer.node + " changed since its promise";
            failAttempt();
            return;
        }
        snapshot = m.snapshot();
        entries.clear();
        entries.addAll(m.entries());
        lastSeq = m.lastSeq();
        durableSeq = lastSeq;
        adopted = m.logEpoch();
        adoptedSeq = lastSeq;
        beginInstall();
    }

    private void onInstalled(Peer peer, Installed m, Long sent) {
        if (!m.epoch().equals(epoch) || (election != null && (election.step != Step.INSTALL || overdue(election)))) return;
        if (!peer.installed) peer.installedRequestId = m.route().requestId();
        peer.installed = true;
        peer.acked = Math.max(peer.acked, m.lastSeq());
        peer.sent = Math.max(peer.sent, m.lastSeq());
        peer.snapshotAcked = Math.max(peer.snapshotAcked, m.snapshotSeq());
        if (!peer.installTraced) {
            peer.installTraced = true;
            trace.record("repl-install", "id=" + key.id().hex() + " fence=" + epoch + " to=" + peer.node + " seq=" + m.lastSeq());
        }
        noteLease(peer, sent);
        if (election != null) {
            if (installedCount() >= quorum) win();
            return;
        }
        afterProgress(peer);
    }

    private void onAppended(Peer peer, Appended m, Long sent) {
        if (!m.epoch().equals(epoch) || phase != Phase.ACTIVE) return;
        if (m.lastSeq() > peer.acked) {
            peer.acked = m.lastSeq();
            // Progress: the next resend is due a full interval after it, if still unanswered then.
            peer.retryAtNanos = peer.acked < peer.sent ? now() + timing.resendNanos() : 0;
        }
        peer.sent = Math.max(peer.sent, m.lastSeq());
        grantedLease(peer, sent);
        afterProgress(peer);
    }

    private void onNeedInstall(Peer peer, NeedInstall m) {
        if (!m.epoch().equals(epoch) || m.route().requestId() < peer.installedRequestId) return;
        if (election != null && election.step != Step.INSTALL) return;
        peer.installed = false;
        peer.installTraced = false;
        peer.acked = -1;
        peer.sent = -1;
        peer.snapshotAcked = -1;
        if (now() - peer.installSentNanos >= timing.resendNanos()) sendInstall(peer);
    }

    private void onBehind(Peer peer, Behind m) {
        if (!m.epoch().equals(epoch) || phase != Phase.ACTIVE || !peer.installed) return;
        // Reordered appends each report the same gap: rewind once per resend interval.
        if (now() - peer.lastCatchUpNanos < timing.resendNanos() / 2) return;
        peer.sent = Math.max(peer.acked, m.lastSeq());
        catchUp(peer);
    }

    private void onFenced(Fenced m) {
        ctx.sawRound(key, m.promised().round());
        if (!m.promised().isAfter(epoch)) return; // a newer epoch of ours already passed it
        Election el = election;
        if (el != null) {
            if (m.promised().isAfter(el.highestSeen)) el.highestSeen = m.promised();
            el.lastProblem = "another owner holds epoch " + m.promised();
            if (el.step != Step.WAIT) failAttempt();
            return;
        }
        if (phase != Phase.ACTIVE) return;
        trace.record("repl-fenced", "id=" + key.id().hex() + " fence=" + epoch + " by=" + m.promised());
        if (ctx.has(PlantedBug.SPLIT_BRAIN_AFTER_HEAL)) {
            // Planted: instead of stepping down, take the object back with this owner's own log.
            Election again = new Election(null, null, true);
            again.highestSeen = m.promised();
            startElection(again);
            return;
        }
        toPhase(Phase.FENCED);
        endReason = "this owner's epoch " + epoch + " was superseded by " + m.promised() + ": another activation took over the object";
        failPending(ended());
        end();
    }

    private void onSnapshotAck(Peer peer, SnapshotAck m, Long sent) {
        if (!m.epoch().equals(epoch) || phase != Phase.ACTIVE) return;
        peer.snapshotAcked = Math.max(peer.snapshotAcked, m.seq());
        grantedLease(peer, sent);
        checkSnapshots();
    }

    // ================================================================== election

    private final class Election {
        /** Completed with the adopted log (recover()); null when re-electing a live handle or destroying. */
        final Promise<Recovery> result;
        /** Completed when destroy() installed the empty log. */
        final Promise<Void> destroyed;
        /** Install this handle's own log instead of adopting the best one (destroy, planted split brain). */
        final boolean installOwn;
        int attempts;
        Step step = Step.WAIT;
        long stepEndsNanos;
        long retryAtNanos;
        long retryAfterNanos;
        Epoch highestSeen = Epoch.ZERO;
        final TreeMap<NodeId, Promised> grants = new TreeMap<>();
        final TreeMap<NodeId, Reason> refusals = new TreeMap<>();
        NodeId source;
        Promised sourceGrant;
        String lastProblem = "no replica answered";

        Election(Promise<Recovery> result, Promise<Void> destroyed, boolean installOwn) {
            this.result = result;
            this.destroyed = destroyed;
            this.installOwn = installOwn;
        }
    }

    private void startElection(Election el) {
        toPhase(Phase.ELECTING);
        election = el;
        nextAttempt();
    }

    private void nextAttempt() {
        Election el = election;
        el.attempts++;
        long round = Math.max(ctx.nextRound(key), Math.max(epoch.round(), el.highestSeen.round()) + 1);
        Epoch next = new Epoch(round, self.index(), ctx.nonce());
        Invariants.check(next.isAfter(epoch), "owner of %s: a new try's epoch %s is not after %s", key, next, epoch);
        epoch = next;
        ctx.sawRound(key, round);
        el.step = Step.PREPARE;
        el.stepEndsNanos = now() + timing.attemptNanos();
        el.grants.clear();
        el.refusals.clear();
        el.retryAfterNanos = 0;
        el.source = null;
        el.sourceGrant = null;
        for (Peer p : peers.values()) p.reset(timing.resendNanos());
        for (Peer p : peers.values()) send(p, r -> new Prepare(r, epoch));
        scheduleTick(now() + timing.resendNanos());
    }

    private void beginFetch() {
        Election el = election;
        if (el.installOwn) {
            adopted = Epoch.ZERO;
            adoptedSeq = 0;
            beginInstall();
            return;
        }
        // The best log among the grants holds every acknowledged batch (docs/cluster.md, step 2).
        Map.Entry<NodeId, Promised> best = null;
        for (Map.Entry<NodeId, Promised> g : el.grants.entrySet()) {
            if (best == null || better(g.getValue(), g.getKey(), best.getValue(), best.getKey())) best = g;
        }
        el.step = Step.FETCH;
        el.stepEndsNanos = now() + timing.attemptNanos();
        el.source = best.getKey();
        el.sourceGrant = best.getValue();
        send(peers.get(el.source), r -> new Fetch(r, epoch));
    }

    private boolean better(Promised a, NodeId an, Promised b, NodeId bn) {
        int c = a.logEpoch().compareTo(b.logEpoch());
        if (c != 0) return c > 0;
        if (a.lastSeq() != b.lastSeq()) return a.lastSeq() > b.lastSeq();
        return an.equals(self) && !bn.equals(self); // a tie: the local copy costs no network
    }

    private void beginInstall() {
        Election el = election;
        el.step = Step.INSTALL;
        el.stepEndsNanos = now() + 2 * timing.attemptNanos();
        for (Peer p : peers.values()) sendInstall(p);
    }

    private void win() {
        Election el = election;
        election = null;
        toPhase(Phase.ACTIVE);
        won = epoch;
        String from = el.installOwn ? "own" : el.source.toString();
        trace.record("repl-won", "id=" + key.id().hex() + " fence=" + epoch + " adopted=" + lastSeq + " from=" + from);
        nextRenewNanos = now() + timing.renewNanos();
        if (el.result != null) el.result.complete(recoveryForHost());
        if (el.destroyed != null) {
            // destroy(): the empty log is durable under a fresh epoch; this handle is done.
            el.destroyed.complete(null);
            close();
            return;
        }
        for (Peer p : peers.values()) afterProgress(p);
        checkLeaseWaiters();
        scheduleTick(now() + timing.resendNanos());
    }

    private void failAttempt() {
        Election el = election;
        // This epoch never allowed an output: free the replicas that granted it at once, or their
        // leases would refuse this owner's own next try for L.
        for (Peer p : peers.values()) {
            if (el.grants.containsKey(p.node) || p.installed) sendRelease(p, epoch);
        }
        if (el.attempts >= timing.maxAttempts()) {
            giveUp();
            return;
        }
        long backoff = Math.min(timing.backoffCapNanos(), timing.backoffBaseNanos() << Math.min(20, el.attempts - 1));
        // Jitter, so two nodes that both want the object do not collide every time.
        backoff = backoff / 2 + ctx.jitter(backoff / 2 + 1);
        long delay = Math.max(backoff, Math.min(el.retryAfterNanos, timing.leaseNanos() * 2));
        el.step = Step.WAIT;
        el.retryAtNanos = now() + delay;
        scheduleTick(el.retryAtNanos);
    }

    private void giveUp() {
        Election el = election;
        election = null;
        toPhase(Phase.FAILED);
        // A destroy's try may have installed its empty log on a minority under the highest log
        // epoch, which a later owner can adopt: its outcome is unknown (retrying it is safe).
        endReason = "could not reach a majority of the object's replicas (" + el.lastProblem + ") after " + el.attempts
                + (el.destroyed != null ? " tries; the destroy may or may not have taken effect and may be retried"
                        : " tries; the request never ran and may be retried");
        DuroException unavailable = new DuroException(ErrorCode.UNAVAILABLE, "the object's log replicas are unreachable: " + endReason);
        if (el.result != null) el.result.fail(unavailable);
        if (el.destroyed != null) el.destroyed.fail(unavailable);
        failPending(ended());
        end();
    }

    private int installedCount() {
        int n = 0;
        for (Peer p : peers.values()) if (p.installed) n++;
        return n;
    }

    /** What recover() returns: the adopted log (planted REPLAY_OUT_OF_ORDER swaps the last two batches). */
    private Recovery recoveryForHost() {
        List<LogEntry> list = new ArrayList<>(entries);
        if (ctx.has(PlantedBug.REPLAY_OUT_OF_ORDER) && list.size() >= 2) {
            int n = list.size();
            LogEntry a = list.get(n - 2);
            LogEntry b = list.get(n - 1);
            list.set(n - 2, new LogEntry(a.seq(), b.wallMillis(), b.payload()));
            list.set(n - 1, new LogEntry(b.seq(), a.wallMillis(), a.payload()));
        }
        return new Recovery(snapshot, list, marks(snapshot, list));
    }

    private static List<Recovery.Mark> marks(Optional<Snapshot> snap, List<LogEntry> list) {
        List<Recovery.Mark> out = new ArrayList<>();
        snap.filter(s -> s.seq() > 0).ifPresent(s -> out.add(new Recovery.Mark(s.seq(), s.wallMillis())));
        for (LogEntry e : list) out.add(new Recovery.Mark(e.seq(), e.wallMillis()));
        return out;
    }

    // ================================================================== replication

    private void sendInstall(Peer peer) {
        boolean reset = election != null && election.destroyed != null;
        peer.installSentNanos = now();
        peer.backOff(now(), timing.renewNanos());
        Optional<Snapshot> s = snapshot;
        List<LogEntry> list = List.copyOf(entries);
        // Only an older epoch's log can be relabelled (the planted bugs aside, adopted is always older).
        boolean offer = epoch.isAfter(adopted) && adoptedSeq <= lastSeq;
        Epoch from = offer ? adopted : Epoch.ZERO;
        long fromSeq = offer && !adopted.equals(Epoch.ZERO) ? adoptedSeq : 0;
        send(peer, r -> new Install(r, epoch, s, list, reset, from, fromSeq));
        if (!peer.node.equals(self) && ctx.world().faultPoints().fire(FAULT_INSTALL_DUP)) {
            send(peer, r -> new Install(r, epoch, s, list, reset, from, fromSeq));
        }
    }

    /** After an answer from {@code peer}: continue its stream, push the snapshot, count quorums. */
    private void afterProgress(Peer peer) {
        if (phase != Phase.ACTIVE) return;
        if (!peer.installed) {
            if (now() >= peer.retryAtNanos) sendInstall(peer);
        } else if (peer.sent < lastSeq && peer.acked >= peer.sent) {
            catchUp(peer);
        }
        pushSnapshot(peer);
        checkDurable();
        checkSnapshots();
    }

    /** Sends {@code peer} the next batches after {@code peer.sent}, or an install if they were snapshotted away. */
    private void catchUp(Peer peer) {
        long from = peer.sent + 1;
        if (from > lastSeq) return;
        long firstHeld = entries.isEmpty() ? lastSeq + 1 : entries.getFirst().seq();
        if (from < firstHeld) {
            peer.installed = false;
            peer.installTraced = false;
            sendInstall(peer);
            return;
        }
        List<LogEntry> chunk = new ArrayList<>();
        long bytes = 0;
        for (int i = (int) (from - firstHeld); i < entries.size() && chunk.size() < CATCH_UP_BATCHES; i++) {
            LogEntry e = entries.get(i);
            if (!chunk.isEmpty() && bytes + e.payload().length > CATCH_UP_BYTES) break;
            chunk.add(e);
            bytes += e.payload().length;
        }
        if (chunk.size() > 1 && ctx.world().faultPoints().fire(FAULT_CATCH_UP_ONE)) chunk.subList(1, chunk.size()).clear();
        peer.sent = chunk.getLast().seq();
        peer.lastCatchUpNanos = now();
        peer.backOff(now(), timing.renewNanos());
        send(peer, r -> new Append(r, epoch, chunk));
    }

    private void pushSnapshot(Peer peer) {
        if (snapshot.isEmpty() || !peer.installed) return;
        Snapshot s = snapshot.get();
        if (peer.snapshotAcked >= s.seq() || peer.acked < s.seq()) return;
        if (now() - peer.snapshotSentNanos < timing.resendNanos() && !ctx.world().faultPoints().fire(FAULT_SNAPSHOT_PUSH_EARLY)) return;
        peer.snapshotSentNanos = now();
        send(peer, r -> new PushSnapshot(r, epoch, s));
    }

    /** Completes appends a quorum holds (one replica under planted ACK_BEFORE_QUORUM), in order. */
    private void checkDurable() {
        int need = ctx.has(PlantedBug.ACK_BEFORE_QUORUM) ? 1 : quorum;
        while (!pendingAppends.isEmpty()) {
            long seq = pendingAppends.firstKey();
            int holders = 0;
            for (Peer p : peers.values()) if (p.acked >= seq) holders++;
            if (holders < need) break;
            durableSeq = Math.max(durableSeq, seq);
            Invariants.check(durableSeq <= lastSeq, "owner of %s: durable batch %d past the last written %d", key, durableSeq, lastSeq);
            pendingAppends.pollFirstEntry().getValue().complete(null);
        }
    }

    private void checkSnapshots() {
        while (!pendingSnapshots.isEmpty()) {
            long seq = pendingSnapshots.firstKey();
            int holders = 0;
            for (Peer p : peers.values()) if (p.snapshotAcked >= seq) holders++;
            if (holders < quorum) break;
            for (Promise<Void> p : pendingSnapshots.pollFirstEntry().getValue()) p.complete(null);
        }
    }

    // ================================================================== leases

    private void grantedLease(Peer peer, Long sent) {
        noteLease(peer, sent);
        checkLeaseWaiters();
    }

    private void noteLease(Peer peer, Long sent) {
        // A grant to a request older than L extends nothing (sent + ownerLease lies in the past);
        // said here so that it does not rest on the tick pruning sentAt before the answer runs.
        if (sent == null || sent < now() - timing.leaseNanos()) return;
        peer.leaseSentNanos = Math.max(peer.leaseSentNanos, sent);
    }

    /**
     * The lease: the quorum-th latest send time among the replicas' lease-granting answers, plus
     * L·(1−2ε)−margin. Each of those replicas promised no other epoch for L from when it
     * answered, which was after that send time (docs/cluster.md, "The lease argument").
     */
    private long leaseUntilNanos() {
        long[] sends = new long[peers.size()];
        int i = 0;
        for (Peer p : peers.values()) sends[i++] = p.leaseSentNanos;
        Arrays.sort(sends);
        long qth = sends[sends.length - quorum];
        return qth == Long.MIN_VALUE ? Long.MIN_VALUE : qth + timing.ownerLeaseNanos();
    }

    private void observeLease(boolean valid) {
        if (leaseHeld && !valid && phase == Phase.ACTIVE) {
            trace.record("repl-lease-lost", "id=" + key.id().hex() + " fence=" + epoch);
        }
        leaseHeld = valid;
    }

    private void checkLeaseWaiters() {
        if (leaseWaiters.isEmpty() || !outputAllowed()) return;
        List<Promise<Void>> ready = new ArrayList<>(leaseWaiters);
        leaseWaiters.clear();
        for (Promise<Void> p : ready) p.complete(null);
    }

    private void renewAll() {
        lastRenewSentNanos = now();
        nextRenewNanos = now() + timing.renewNanos();
        for (Peer p : peers.values()) send(p, r -> new Renew(r, epoch));
    }

    private void release() {
        for (Peer p : peers.values()) sendRelease(p, epoch);
    }

    /** A release only frees a replica early (its lease lapses anyway): losing one costs time, never safety. */
    private void sendRelease(Peer peer, Epoch released) {
        if (!peer.node.equals(self) && ctx.world().faultPoints().fire(FAULT_RELEASE_LOST)) return;
        send(peer, r -> new Release(r, released));
    }

    // ================================================================== point-in-time recovery

    private static final class RecoverAtCall {
        final long seq;
        final Promise<Recovery> result;
        final long deadlineNanos;
        final TreeMap<NodeId, String> failures = new TreeMap<>();

        RecoverAtCall(long seq, Promise<Recovery> result, long deadlineNanos) {
            this.seq = seq;
            this.result = result;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** Asks every installed replica that has not failed it yet (the local one is among them, answering first). */
    private void askRecoverAt(RecoverAtCall call) {
        for (Peer p : peers.values()) {
            if (!p.installed || call.failures.containsKey(p.node)) continue;
            long id = send(p, r -> new RecoverAt(r, epoch, call.seq));
            recoverAtByRequest.put(id, call);
        }
    }

    private void onRecoveredAt(RecoveredAt m) {
        RecoverAtCall call = recoverAtByRequest.remove(m.route().requestId());
        if (call == null || call.result.isDone()) return;
        if (m.recovery().lastSeq() != call.seq) return;
        finishRecoverAt(call);
        call.result.complete(m.recovery());
    }

    private void onRecoverAtFailed(Peer peer, RecoverAtFailed m) {
        RecoverAtCall call = recoverAtByRequest.remove(m.route().requestId());
        if (call == null || call.result.isDone()) return;
        call.failures.put(peer.node, m.why());
        if (call.failures.size() >= peers.size()) {
            finishRecoverAt(call);
            call.result.fail(new IllegalArgumentException("cannot recover object " + key.id().hex() + " as of batch " + call.seq
                    + ": no replica retains it (" + call.failures + ")"));
        }
    }

    private void finishRecoverAt(RecoverAtCall call) {
        recoverAtCalls.remove(call);
        recoverAtByRequest.values().removeIf(c -> c == call);
    }

    // ================================================================== timer

    private void scheduleTick(long atNanos) {
        if (isOver()) return;
        if (tickTimer != null && tickAtNanos <= atNanos) return;
        if (tickTimer != null) tickTimer.cancel();
        tickAtNanos = atNanos;
        tickTimer = loop.schedule(Math.max(0, atNanos - now()), this::tick);
    }

    /** Resends what is unanswered, renews the lease, and times out steps. */
    private void tick() {
        tickTimer = null;
        tickAtNanos = Long.MAX_VALUE;
        if (isOver()) return;
        long now = now();
        while (!sentAt.isEmpty() && sentAt.firstEntry().getValue() < now - timing.leaseNanos()) sentAt.pollFirstEntry();
        if (election != null) tickElection(now);
        if (isOver()) return;
        if (phase == Phase.ACTIVE) tickActive(now);
        if (isOver()) return;
        long next = phase == Phase.ACTIVE ? nextRenewNanos : Long.MAX_VALUE;
        if (election != null && election.step == Step.WAIT) {
            next = Math.min(next, election.retryAtNanos);
        } else {
            boolean busy = election != null || !pendingAppends.isEmpty() || !pendingSnapshots.isEmpty() || !leaseWaiters.isEmpty()
                    || !recoverAtCalls.isEmpty();
            for (Peer p : peers.values()) busy |= !p.installed || p.acked < lastSeq;
            if (busy) next = Math.min(next, now + timing.resendNanos());
        }
        if (next != Long.MAX_VALUE) scheduleTick(Math.max(now + 1, next));
    }

    private void tickElection(long now) {
        Election el = election;
        if (el.step == Step.WAIT) {
            if (now >= el.retryAtNanos) nextAttempt();
            return;
        }
        if (overdue(el)) return;
        switch (el.step) {
            case PREPARE -> {
                for (Peer p : peers.values()) {
                    if (!el.grants.containsKey(p.node) && !el.refusals.containsKey(p.node)) send(p, r -> new Prepare(r, epoch));
                }
            }
            case FETCH -> send(peers.get(el.source), r -> new Fetch(r, epoch));
            case INSTALL -> {
                for (Peer p : peers.values()) if (!p.installed && now >= p.retryAtNanos) sendInstall(p);
            }
            case WAIT -> { }
        }
    }

    /**
     * Whether the election's current step ran past its deadline on this node's monotonic clock;
     * if so the try fails now. Every answer of a step asks this before it counts, so a step never
     * counts anything after its deadline, whichever of the answer and the step's timer the loop
     * runs first after a stall (the amnesia argument bounds a prepare by {@code attemptNanos};
     * docs/cluster.md, "Amnesia").
     */
    private boolean overdue(Election el) {
        Invariants.check(el.step != Step.WAIT, "a waiting election has no step deadline");
        if (now() < el.stepEndsNanos) return false;
        el.lastProblem = switch (el.step) {
            case PREPARE -> "only " + el.grants.size() + " of " + quorum + " needed promises arrived";
            case FETCH -> "no answer from " + el.source + " to the fetch";
            default -> "only " + installedCount() + " of " + quorum + " needed installs were acknowledged";
        };
        trace.record("repl-step-expired", "id=" + key.id().hex() + " fence=" + epoch + " step=" + el.step);
        failAttempt();
        return true;
    }

    /** Sends {@code entry} to {@code peer} a prepare step and a tick later, as first made (the epoch of now). */
    private void hold(Peer peer, LogEntry entry) {
        Epoch at = epoch;
        long id = nextRequestId++;
        sentAt.put(id, now());
        Request held = new Append(new Route(handle, id, key.namespace(), key.id()), at, List.of(entry));
        loop.schedule(timing.attemptNanos() + timing.resendNanos(), () -> ctx.send(peer.node, held));
    }

    private void tickActive(long now) {
        if (now >= nextRenewNanos && ctx.world().faultPoints().fire(FAULT_RENEW_LATE)) {
            long edge = leaseUntilNanos() - timing.resendNanos();
            if (edge > now) nextRenewNanos = edge;
        }
        if (now >= nextRenewNanos || (!leaseWaiters.isEmpty() && now - lastRenewSentNanos >= timing.resendNanos())) renewAll();
        for (Peer p : peers.values()) {
            boolean early = now < p.retryAtNanos && p.installed && p.acked < p.sent
                    && ctx.world().faultPoints().fire(FAULT_RESEND_EARLY);
            if (now < p.retryAtNanos && !early) continue;
            if (!p.installed) {
                sendInstall(p);
            } else if (p.acked < lastSeq) {
                p.sent = p.acked; // nothing answered in time: resend from the last acknowledged batch
                catchUp(p);
            }
            pushSnapshot(p);
        }
        for (RecoverAtCall call : new ArrayList<>(recoverAtCalls)) {
            if (now >= call.deadlineNanos) {
                finishRecoverAt(call);
                call.result.fail(new DuroException(ErrorCode.UNAVAILABLE, "point-in-time recovery of object " + key.id().hex()
                        + " as of batch " + call.seq + " got no answer from the replicas"));
            } else {
                askRecoverAt(call);
            }
        }
        observeLease(now < leaseUntilNanos());
    }

    // ================================================================== plumbing

    private long send(Peer peer, Function<Route, Request> make) {
        long id = nextRequestId++;
        long now = now();
        sentAt.put(id, now);
        ctx.send(peer.node, make.apply(new Route(handle, id, key.namespace(), key.id())));
        return id;
    }

    /** destroy() runs: its install carries whatever the log holds, so nothing may be added to it. */
    private boolean destroying() {
        return phase == Phase.ELECTING && election.destroyed != null;
    }

    private boolean isOver() {
        return phase == Phase.FENCED || phase == Phase.FAILED || phase == Phase.CLOSED;
    }

    private DuroException ended() {
        return new DuroException(ErrorCode.RESET, "the object's replicated log stopped accepting writes: " + endReason
                + "; the activation must reset");
    }

    private void failPending(DuroException error) {
        List<Promise<?>> all = new ArrayList<>(pendingAppends.values());
        pendingAppends.clear();
        for (List<Promise<Void>> ps : pendingSnapshots.values()) all.addAll(ps);
        pendingSnapshots.clear();
        all.addAll(leaseWaiters);
        leaseWaiters.clear();
        for (RecoverAtCall c : recoverAtCalls) all.add(c.result);
        recoverAtCalls.clear();
        recoverAtByRequest.clear();
        if (election != null) {
            if (election.result != null) all.add(election.result);
            if (election.destroyed != null) all.add(election.destroyed);
        }
        for (Promise<?> p : all) p.fail(error);
    }

    private void end() {
        election = null;
        if (tickTimer != null) tickTimer.cancel();
        tickTimer = null;
        ctx.closed(this);
    }

    private long now() {
        return clock.monotonicNanos();
    }

    @Override
    public String toString() {
        return "OwnerLog[" + key + " handle=" + handle + " " + phase + " epoch=" + epoch + " last=" + lastSeq + " durable=" + durableSeq + "]";
    }
}
