package dev.duro.runtime.replication;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One object's replica as this node's {@link ReplicaServer} holds it in memory: the state its
 * disk will hold once every write issued so far completes ({@code promised} ... {@code damaged}),
 * the part of it known durable ({@link #durable}), and the lease it granted (memory only: a
 * restart forgets it, which is why a restarted replica stays quiet for L·(1+ε)).
 *
 * <p>Answers that vouch for durable state are sent from {@link #durable} or after the write that
 * makes them true completes, never from the optimistic fields.
 */
final class ReplicaCell {
    /** What the disk is known to hold (every write issued before has completed). */
    record View(Epoch promised, Epoch logEpoch, long lastSeq, long snapshotSeq, boolean damaged) {
    }

    final ObjectKey key;
    final ReplicaLog log;

    // The state once issued writes complete.
    Epoch promised = Epoch.ZERO;
    Epoch logEpoch = Epoch.ZERO;
    Optional<Snapshot> snapshot = Optional.empty();
    List<LogEntry> entries = new ArrayList<>();
    boolean damaged;
    String damage = "";
    /**
     * It lost its promise (its disk or its state file) and has not yet learned from a quorum of the
     * object's other replicas what they promised: it accepts no write (docs/cluster.md, "Amnesia").
     * {@link #promised} is then only a lower bound.
     */
    boolean amnesic;
    /** The current round of asking the peers (the route handle of its {@code AskPromise}s); 0 none. */
    long recoveryRound;
    /** What each peer answered in this round. */
    final TreeMap<NodeId, Epoch> learned = new TreeMap<>();

    View durable = new View(Epoch.ZERO, Epoch.ZERO, 0, -1, false);
    int writesInFlight;
    /** Bumped on every (re)load: completions of an older generation are ignored. */
    int generation;
    boolean loading;
    /** Requests that arrived while loading, replayed in order once loaded (bounded: the owner retries). */
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    /** The epoch this replica granted a lease to, and until when (this node's monotonic clock); null = none. */
    Epoch leaseEpoch;
    long leaseUntilNanos;
    long lastUsedNanos;

    ReplicaCell(ObjectKey key, ReplicaLog log) {
        this.key = key;
        this.log = log;
    }

    /** Raises the promise (within one load of the cell a promise never goes down). */
    void promise(Epoch e) {
        Invariants.check(!promised.isAfter(e), "replica of %s: promise would go down from %s to %s", key, promised, e);
        promised = e;
    }

    /** What a completed write made durable: the promise it holds never goes down, nor past what the cell promised. */
    void durableNow(View after) {
        Invariants.check(!durable.promised().isAfter(after.promised()), "replica of %s: durable promise would go down from %s to %s",
                key, durable.promised(), after.promised());
        Invariants.check(!after.promised().isAfter(promised), "replica of %s: durable promise %s past the promise %s", key,
                after.promised(), promised);
        durable = after;
    }

    long lastSeq() {
        return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
    }

    /** The latest snapshot's seq, or -1 when there is none. */
    long snapshotSeq() {
        return snapshot.map(Snapshot::seq).orElse(-1L);
    }

    View view() {
        return new View(promised, logEpoch, lastSeq(), snapshotSeq(), damaged);
    }

    void adopt(ReplicaState s) {
        promised = s.promised();
        logEpoch = s.logEpoch();
        snapshot = s.snapshot();
        entries = new ArrayList<>(s.entries());
        damaged = s.damaged();
        damage = s.damage();
        amnesic = s.promiseLost();
        recoveryRound = 0;
        learned.clear();
        durable = view();
    }

    boolean leasedToOther(Epoch e, long nowNanos) {
        return leaseEpoch != null && !leaseEpoch.equals(e) && nowNanos < leaseUntilNanos;
    }

    /** Idle, nothing pending and no unexpired lease: safe to forget (the disk has everything else). */
    boolean evictable(long nowNanos, long idleNanos) {
        return !loading && writesInFlight == 0 && waiting.isEmpty() && (leaseEpoch == null || nowNanos >= leaseUntilNanos)
                && nowNanos - lastUsedNanos >= idleNanos;
    }
}
