package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;

import java.util.List;
import java.util.Optional;

/**
 * The replication protocol (docs/cluster.md, "Replicated object log"): requests an owner handle
 * sends to an object's replicas and the replicas' answers. Every message names its {@link Route}
 * (the owner handle, a request id fresh per transmission, the object) and the epoch the owner
 * acts under; an answer echoes both, so the owner can tell which transmission it answers (the
 * lease is measured from that transmission's send time) and ignore answers to older epochs.
 *
 * <p>Everything is idempotent: a replica answers a duplicate from its state, never by redoing a
 * write that would move its log backwards.
 */
public sealed interface Message permits Message.Request, Message.Reply, Message.Between {
    Route route();

    /** The epoch of the owner that sent the request (echoed by the answer). */
    Epoch epoch();

    /**
     * Where a message belongs.
     *
     * @param handle    the owner handle (one {@code ObjectLog} returned by {@code open}) on the owner node
     * @param requestId unique per transmission within the handle; answers echo it
     */
    record Route(long handle, long requestId, String namespace, ObjectId id) {
        public Route {
            if (namespace == null || namespace.isEmpty()) throw new IllegalArgumentException("namespace must not be empty");
            if (id == null) throw new IllegalArgumentException("object id must be set");
        }
    }

    /** Owner → replica. */
    sealed interface Request extends Message
            permits Prepare, Fetch, Install, Append, PushSnapshot, Renew, Release, RecoverAt {
    }

    /** Replica → owner. */
    sealed interface Reply extends Message
            permits Promised, Rejected, Fetched, Installed, Appended, NeedInstall, Behind, Fenced, SnapshotAck, LeaseOk,
            RecoveredAt, RecoverAtFailed {
    }

    /**
     * Replica → replica: the recovery of a replica that lost its promise (docs/cluster.md, "Amnesia").
     * The route's handle names the asking replica's recovery round, not an owner handle.
     */
    sealed interface Between extends Message permits AskPromise, PromiseIs {
    }

    // ---------------------------------------------------------------- requests

    /** Asks the replica to promise {@code epoch}: to accept nothing from older owners. */
    record Prepare(Route route, Epoch epoch) implements Request {
    }

    /** The winner of {@code epoch} asks the replica with the best log for all of it. */
    record Fetch(Route route, Epoch epoch) implements Request {
    }

    /**
     * Replaces the replica's log by the owner's: {@code snapshot} and the batches after it.
     *
     * @param reset       true only for {@code destroy()}: replace even a longer log of the same epoch
     * @param adopted     the epoch of the owner whose log this owner adopted (ZERO when it installs
     *                    its own, as destroy() does): batches through {@code adoptedSeq} are that
     *                    owner's, so a replica holding a prefix of them under {@code adopted} may
     *                    relabel instead of rewriting (docs/cluster.md, "Relabel")
     * @param adoptedSeq  the last batch of the adopted log
     */
    record Install(Route route, Epoch epoch, Optional<Snapshot> snapshot, List<LogEntry> entries, boolean reset,
                   Epoch adopted, long adoptedSeq) implements Request {
        public Install {
            entries = List.copyOf(entries);
            checkConsecutive(snapshot.map(Snapshot::seq).orElse(0L) + 1, entries);
            if (adoptedSeq < 0 || (adopted.equals(Epoch.ZERO) && adoptedSeq != 0) || !epoch.isAfter(adopted)) {
                throw new IllegalArgumentException("install under " + epoch + " names adopted log " + adopted + " through "
                        + adoptedSeq + ": the adopted log must be an older epoch's (or ZERO through 0)");
            }
        }

        /** An install that offers no relabel: every replica rewrites its log. */
        public Install(Route route, Epoch epoch, Optional<Snapshot> snapshot, List<LogEntry> entries, boolean reset) {
            this(route, epoch, snapshot, entries, reset, Epoch.ZERO, 0);
        }

        public long lastSeq() {
            return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
        }
    }

    /** The next batches of the owner's log, consecutive (one in the steady state, several when catching up). */
    record Append(Route route, Epoch epoch, List<LogEntry> entries) implements Request {
        public Append {
            entries = List.copyOf(entries);
            if (entries.isEmpty()) throw new IllegalArgumentException("an append carries at least one batch");
            checkConsecutive(entries.getFirst().seq(), entries);
        }
    }

    /** A snapshot of the state after batch {@code snapshot.seq()}, which the replica already holds. */
    record PushSnapshot(Route route, Epoch epoch, Snapshot snapshot) implements Request {
    }

    /** The lease heartbeat: still the owner of {@code epoch}? */
    record Renew(Route route, Epoch epoch) implements Request {
    }

    /** The handle closed: it produces no more output, so the replica may drop its lease early. Not answered. */
    record Release(Route route, Epoch epoch) implements Request {
    }

    /** Point-in-time recovery: the state as of batch {@code seq}, from a replica holding the owner's log. */
    record RecoverAt(Route route, Epoch epoch, long seq) implements Request {
        public RecoverAt {
            if (seq < 1) throw new IllegalArgumentException("recoverAt seq must be >= 1, got " + seq);
        }
    }

    // ---------------------------------------------------------------- replies

    /**
     * The replica promised {@code epoch} (durably) and grants a lease; it reports its log.
     *
     * @param snapshotSeq the seq of its latest snapshot, -1 if none
     */
    record Promised(Route route, Epoch epoch, Epoch logEpoch, long lastSeq, long snapshotSeq) implements Reply {
    }

    /** Why a replica refused a {@link Prepare} (or a {@link Fetch} / {@link RecoverAt}). */
    enum Reason {
        /** It promised an epoch at least as high: {@code promised} names it. */
        STALE,
        /** It granted another epoch a lease that has not run out. */
        LEASED,
        /** It restarted recently and may have forgotten leases it granted. */
        STARTING,
        /** Its copy cannot be vouched for until an owner installs it. */
        DAMAGED,
        /** It does not hold the owner's log (a {@link RecoverAt} or {@link Fetch} it cannot serve). */
        NOT_HOLDING,
    }

    /**
     * A refusal.
     *
     * @param retryAfterMillis when known, how long until the cause may be gone (a lease or the restart window); 0 otherwise
     */
    record Rejected(Route route, Epoch epoch, Reason reason, Epoch promised, long retryAfterMillis) implements Reply {
        public Rejected {
            if (reason == null) throw new IllegalArgumentException("reason must be set");
            if (retryAfterMillis < 0) throw new IllegalArgumentException("retryAfterMillis must be >= 0");
        }
    }

    /** The replica's whole log, for the winner of {@code epoch} to adopt. */
    record Fetched(Route route, Epoch epoch, Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries)
            implements Reply {
        public Fetched {
            entries = List.copyOf(entries);
            checkConsecutive(snapshot.map(Snapshot::seq).orElse(0L) + 1, entries);
        }

        public long lastSeq() {
            return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
        }
    }

    /** The owner's log is durable on the replica up to {@code lastSeq} (its snapshot at {@code snapshotSeq}, -1 if none). */
    record Installed(Route route, Epoch epoch, long lastSeq, long snapshotSeq) implements Reply {
    }

    /** Batches up to {@code lastSeq} of the owner's log are durable on the replica. */
    record Appended(Route route, Epoch epoch, long lastSeq) implements Reply {
    }

    /** The replica does not hold the owner's log (another log epoch, or damaged): install it first. */
    record NeedInstall(Route route, Epoch epoch, long lastSeq) implements Reply {
    }

    /**
     * A gap: the replica's log (the owner's) ends at {@code lastSeq}, before the batch sent. The
     * value may include writes not yet durable: it says where to resend from, not what is acknowledged.
     */
    record Behind(Route route, Epoch epoch, long lastSeq) implements Reply {
    }

    /** The replica promised a newer epoch: the owner of {@code epoch} is deposed. */
    record Fenced(Route route, Epoch epoch, Epoch promised) implements Reply {
    }

    /** The snapshot at {@code seq} is durable on the replica. */
    record SnapshotAck(Route route, Epoch epoch, long seq) implements Reply {
    }

    /** The replica still serves {@code epoch} and renewed its lease. */
    record LeaseOk(Route route, Epoch epoch) implements Reply {
    }

    /** The answer to {@link RecoverAt}. */
    record RecoveredAt(Route route, Epoch epoch, Recovery recovery) implements Reply {
    }

    /** {@link RecoverAt} failed on this replica (not retained, not holding the log, a read error). */
    record RecoverAtFailed(Route route, Epoch epoch, String why) implements Reply {
        public RecoverAtFailed {
            if (why == null) throw new IllegalArgumentException("why must be set");
        }
    }

    // ---------------------------------------------------------------- between replicas

    /**
     * A replica that lost its promise (its disk, or its state file) asks another replica of the
     * object for the highest epoch that one promised; {@code epoch} is what the asker knows (ZERO
     * when nothing). Answered only by a replica that knows its own promise.
     */
    record AskPromise(Route route, Epoch epoch) implements Between {
    }

    /** The answer to {@link AskPromise}: the highest epoch this replica promised (ZERO: none). */
    record PromiseIs(Route route, Epoch epoch, Epoch promised) implements Between {
    }

    private static void checkConsecutive(long first, List<LogEntry> entries) {
        long expected = first;
        for (LogEntry e : entries) {
            if (e.seq() != expected) {
                throw new IllegalArgumentException("batches not consecutive: expected " + expected + ", got " + e.seq());
            }
            expected++;
        }
    }
}
