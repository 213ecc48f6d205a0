package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.Loop;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.DiskLogStore;
import dev.duro.runtime.log.LogCorruptedException;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.ReplicaFormat.Damage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One object's replica in a {@link DiskReplicaStore}: its batches and snapshots in an
 * {@link ObjectLog} of the store's log tree, and its state file (promised, logEpoch, seqFloor,
 * damage) replaced atomically beside it.
 *
 * <p><b>Order.</b> Calls run one at a time in call order, except that consecutive appends to a
 * loaded replica overlap: each is written as soon as it is its turn and the log's group commit
 * syncs them together (their promises still complete in order). Any other call waits until every
 * earlier one completed. A call made before {@link #load()} loads first. <b>A failed call fails
 * every mutating call queued behind it without running it</b>: the caller queued them on its
 * effect (an install's missing batches, then the relabel that needs them), and running them
 * anyway can leave a state no caller asked for, e.g. a log relabelled to a new owner but missing
 * batches that owner adopted. Reads ({@link #load()}, {@link #recoverAt}) still run.
 *
 * <p><b>Install and crashes.</b> The replica's log lives in one of two directories, named by the
 * state file's generation ({@link DiskReplicaStore#logs(long)}). {@link #install} clears the other
 * directory, writes the new log there and waits until it is durable, then switches generations by
 * the atomic replace of the state file, then deletes the old log. A crash before the switch leaves
 * the old log (the half-written one is garbage the next install clears), after it the new one:
 * never damage. {@link #relabel} changes only the state file's log epoch.
 *
 * <p><b>Vouching before acknowledging.</b> The log proves a damaged batch was synced only through
 * a later valid record or snapshot; damage to the last records looks like a torn tail and would be
 * cut silently, leaving a shorter log that looks healthy and votes acknowledged batches away. So an
 * append completes only once the state file's {@code seqFloor} covers it too: after the log made
 * the batch durable, the state file is rewritten with {@code seqFloor} = the last durable batch
 * (group-committed: one write covers every append that became durable meanwhile), and a load that
 * finds fewer batches reports {@code lost-synced-data}. A load that finds batches past the floor
 * (written, never acknowledged) vouches for them before it answers, so nothing this replica reports
 * or acknowledges afterwards is unvouched.
 */
final class DiskReplicaLog implements ReplicaLog {

    private final DiskReplicaStore store;
    private final Disk disk;
    private final Loop loop;
    private final String namespace;
    private final ObjectId id;
    private final String stateDir;
    private final String statePath;
    /** Its key in the store's maps. */
    private final String storeKey;
    /** The log of an even generation ([0]) and of an odd one ([1]). */
    private final ObjectLog[] logs = new ObjectLog[2];

    /** The fields below describe the replica only while loaded. */
    private boolean loaded;
    private Epoch promised = Epoch.ZERO;
    /** ZERO while damaged: a damaged replica vouches for no log. */
    private Epoch logEpoch = Epoch.ZERO;
    private Damage damage = Damage.NONE;
    /** The live log generation (its parity picks the directory); 0 when the state file is missing or unreadable. */
    private long generation;
    /** Whether a state file exists (an install writes one first if not, so log files never exist without it). */
    private boolean stateFile;
    /** The last batch written to the log (its append may still wait for its fsync). */
    private long lastSeq;
    /** The last batch known durable: what a state file written now may promise as its seqFloor. */
    private long durableSeq;
    /** The seqFloor the state file on disk holds (as far as this incarnation wrote or read it). */
    private long recordedFloor;
    /** Appends waiting for the floor write in flight (null: none in flight) and what it covers. */
    private Promise<Void> floorInFlight;
    private long floorInFlightCovers;
    /** Appends waiting for the floor write after the one in flight (null: none yet). */
    private Promise<Void> floorNext;

    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    private int running;
    private int runningAppends;
    private boolean waitingForStart;
    /**
     * Planted bug {@link PlantedBug#RELABEL_AFTER_REFUSED_APPEND}: calls queued behind a failed one
     * still run, and a relabel does not check that the log ends at the adopted batch.
     */
    private final boolean runAfterFailure;

    /** What a call does: the queue runs appends side by side, and a failure cancels the writes behind it. */
    private enum Kind { READ, WRITE, APPEND }

    /** A queued call; {@code overlapped} is decided when it starts. */
    private static final class Op {
        final Kind kind;
        final Runnable body;
        final Consumer<Throwable> cancel;
        boolean overlapped;

        Op(Kind kind, Runnable body, Consumer<Throwable> cancel) {
            this.kind = kind;
            this.body = body;
            this.cancel = cancel;
        }
    }

    DiskReplicaLog(DiskReplicaStore store, String namespace, ObjectId id) {
        this.store = store;
        this.disk = store.world().disk();
        this.loop = store.world().loop();
        this.namespace = namespace;
        this.id = id;
        this.stateDir = DiskReplicaStore.stateDir(namespace);
        this.statePath = stateDir + "/" + id.hex();
        this.storeKey = DiskLogStore.namespaceDirectoryName(namespace) + "/" + id.hex();
        for (int g = 0; g < 2; g++) logs[g] = store.logs(g).open(namespace, id);
        this.runAfterFailure = store.planted(PlantedBug.RELABEL_AFTER_REFUSED_APPEND);
    }

    /** The live log. */
    private ObjectLog log() {
        return logs[(int) (generation % 2)];
    }

    private String logDir(long gen) {
        return DiskReplicaStore.logRoot(gen) + "/" + DiskLogStore.namespaceDirectoryName(namespace) + "/" + id.hex();
    }

    // =============================================================================================
    // the calls

    /**
     * {@inheritDoc}
     *
     * <p>Damage found: {@code damaged} with the reason, the promise when the state file is
     * readable (else ZERO), log epoch ZERO and an empty log, and a {@code repl-damaged} trace fact.
     * Read errors fail the promise (nothing changed; a later load may succeed).
     */
    @Override
    public Promise<ReplicaState> load() {
        return submit(Kind.READ, this::loadNow);
    }

    /** BUGGIFY: a promise's state file is synced late, so the promise lands near the prepare step's deadline. */
    static final String FAULT_PROMISE_SYNC_SLOW = "repl-promise-sync-slow";
    private static final long PROMISE_SYNC_SLOW_NANOS = 150_000_000L;

    /** Fails ({@link IllegalStateException}) unless {@code epoch} is after the current promise; a damaged replica stays damaged. */
    @Override
    public Promise<Void> promise(Epoch epoch) {
        return submit(Kind.WRITE, () -> ensureLoaded().flatMap(v -> {
            if (!epoch.isAfter(promised)) {
                throw new IllegalStateException("replica of " + id.hex() + ": cannot promise " + epoch
                        + ": it promised " + promised + " already (a promise only goes up)");
            }
            ReplicaFormat.State next = stateNow(epoch);
            return Stall.maybe(loop, store.fire(FAULT_PROMISE_SYNC_SLOW), PROMISE_SYNC_SLOW_NANOS)
                    .flatMap(s -> store.writeState(stateDir, statePath, next)).map(x -> {
                raisePromise(epoch);
                stateFile = true;
                recordedFloor = next.seqFloor();
                return null;
            });
        }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes the new log beside the old one and switches by replacing the state file: a crash
     * leaves the old log or the new one. Refused ({@link IllegalStateException}) when
     * {@code logEpoch} is ZERO. A full disk fails it with {@code UNAVAILABLE} and leaves the old
     * log (the next call re-reads the disk). Fencing (an epoch
     * older than the promise or than the current log epoch) is the protocol's check, not repeated
     * here, so that its planted {@code STALE_EPOCH} bug reaches the disk; the promise never goes
     * down. Arguments that are not a log ({@link IllegalArgumentException}) touch nothing.
     */
    @Override
    public Promise<Void> install(Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries) {
        long first = snapshot.map(Snapshot::seq).orElse(0L) + 1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).seq() != first + i) {
                return Promise.failed(loop, new IllegalArgumentException("install of " + id.hex() + ": batch " + i
                        + " has seq " + entries.get(i).seq() + ", expected " + (first + i) + " (consecutive after the snapshot)"));
            }
        }
        List<LogEntry> batches = List.copyOf(entries);
        return submit(Kind.WRITE, () -> ensureLoaded().flatMap(v -> installNow(logEpoch, snapshot, batches)));
    }

    /**
     * BUGGIFY: a relabel's state file is written late, so the install it answers lands near the
     * install step's deadline (two attempts); a crash meanwhile keeps the old label.
     */
    static final String FAULT_RELABEL_SYNC_SLOW = "repl-relabel-sync-slow";
    private static final long RELABEL_SYNC_SLOW_NANOS = 250_000_000L;

    /**
     * {@inheritDoc}
     *
     * <p>One state-file replace (atomic); the log is not touched. Fails
     * ({@link IllegalStateException}) when the replica is damaged, its log epoch is not
     * {@code from} (or is ZERO), {@code to} is not after {@code from}, or its log does not end at
     * batch {@code adoptedSeq} (fewer batches would break whole adoption, more would be batches of
     * {@code from}'s owner that {@code to}'s never adopted).
     */
    @Override
    public Promise<Void> relabel(Epoch from, Epoch to, long adoptedSeq) {
        return submit(Kind.WRITE, () -> ensureLoaded().flatMap(v -> {
            requireInstalled("relabel its log from " + from + " to " + to);
            if (!logEpoch.equals(from) || !to.isAfter(from)) {
                throw new IllegalStateException("replica of " + id.hex() + ": cannot relabel its log from " + from + " to " + to
                        + ": its log epoch is " + logEpoch + " (a relabel moves a log to a newer owner's epoch)");
            }
            if (lastSeq != adoptedSeq && !runAfterFailure) {
                throw new IllegalStateException("replica of " + id.hex() + ": cannot relabel its log from " + from + " to " + to
                        + ": it ends at batch " + lastSeq + ", but " + to + " adopted " + from + "'s log through batch "
                        + adoptedSeq + " (a log labelled " + to + " holds exactly what its owner adopted, then its own batches)");
            }
            // Relabels never overlap appends: everything written is durable, and that is what the floor promises.
            Invariants.check(durableSeq == lastSeq && recordedFloor <= durableSeq,
                    "replica %s: relabel with batches written through %d, durable through %d, floor %d",
                    id.hex(), lastSeq, durableSeq, recordedFloor);
            Epoch newPromised = to.isAfter(promised) ? to : promised;
            ReplicaFormat.State next = new ReplicaFormat.State(namespace, id, newPromised, to, durableSeq, Damage.NONE, generation);
            return Stall.maybe(loop, store.fire(FAULT_RELABEL_SYNC_SLOW), RELABEL_SYNC_SLOW_NANOS)
                    .flatMap(s -> store.writeState(stateDir, statePath, next)).map(x -> {
                raisePromise(newPromised);
                Invariants.check(to.isAfter(logEpoch), "replica %s: its log label went from %s to %s", id.hex(), logEpoch, to);
                logEpoch = to;
                recordedFloor = next.seqFloor();
                return null;
            });
        }));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The invariant guard under the protocol's own checks: fails ({@link IllegalStateException})
     * when the replica is damaged, {@code logEpoch} is not the current log epoch (or is ZERO), or
     * {@code entry.seq() != lastSeq + 1}. A full disk fails it with {@code UNAVAILABLE}; the batch
     * is not written and the next call re-reads the log first.
     */
    @Override
    public Promise<Void> append(Epoch logEpoch, LogEntry entry) {
        return submit(Kind.APPEND, () -> loaded ? appendNow(logEpoch, entry) : ensureLoaded().flatMap(v -> appendNow(logEpoch, entry)));
    }

    /** Fails when the replica is damaged or holds no installed log; otherwise as {@link ObjectLog#snapshot}. */
    @Override
    public Promise<Void> snapshot(Snapshot snapshot) {
        return submit(Kind.WRITE, () -> ensureLoaded().flatMap(v -> {
            requireInstalled("store snapshot " + snapshot.seq());
            return log().snapshot(snapshot);
        }));
    }

    /** Fails when the replica is damaged or holds no installed log; otherwise as {@link ObjectLog#recoverAt}. */
    @Override
    public Promise<Recovery> recoverAt(long seq) {
        return submit(Kind.READ, () -> ensureLoaded().flatMap(v -> {
            requireInstalled("recover as of batch " + seq);
            return log().recoverAt(seq);
        }));
    }

    // =============================================================================================
    // release

    /**
     * BUGGIFY: before a call on an idle replica, its handles are released as if its server had
     * forgotten it, so the call reloads the replica from disk: the path every idle object takes
     * after {@code idleEvictNanos}, which short runs rarely reach otherwise.
     */
    static final String FAULT_RELEASE_EAGER = "repl-release-eager";

    /** Idle: first in line when the store must close files ({@link DiskReplicaStore#used}). */
    @Override
    public void releaseHandles() {
        store.idle(storeKey, this);
    }

    /** Closes the logs' files now if nothing is queued, running or vouching; true if it holds none afterwards. */
    boolean releaseIfQuiet() {
        if (running > 0 || !queue.isEmpty() || floorInFlight != null || floorNext != null) return false;
        boolean live = logs[0].releaseHandles();
        boolean aside = logs[1].releaseHandles();
        if (live || aside) loaded = false;
        return live && aside;
    }

    /** Closes the logs' files once the calls queued before are done, if nothing is in flight then. */
    void releaseNow() {
        enqueue(Kind.READ, () -> {
            if (!loaded || floorInFlight != null || floorNext != null) return Promise.succeeded(loop, false);
            boolean live = logs[0].releaseHandles();
            boolean aside = logs[1].releaseHandles();
            // Either log released means it must recover before use: the next call reloads both.
            if (live || aside) loaded = false;
            return Promise.succeeded(loop, live && aside);
        });
    }

    // =============================================================================================
    // load

    private Promise<Void> ensureLoaded() {
        return loaded ? Promise.succeeded(loop, null) : loadNow().map(s -> null);
    }

    private Promise<ReplicaState> loadNow() {
        loaded = false;
        boolean exists;
        Optional<ReplicaFormat.State> file;
        boolean logFiles;
        try {
            exists = disk.exists(statePath);
            file = exists ? store.readState(statePath) : Optional.empty();
            logFiles = !exists && (!disk.list(logDir(0)).isEmpty() || !disk.list(logDir(1)).isEmpty());
        } catch (DiskException e) {
            return Promise.failed(loop, new IllegalStateException("loading the replica of " + id.hex()
                    + " failed: " + e.getMessage() + "; nothing was changed, try again", e));
        }
        stateFile = exists;
        generation = file.map(ReplicaFormat.State::generation).orElse(0L);
        if (!exists) {
            if (store.rejoined()) return Promise.succeeded(loop, promiseLost(damaged(Damage.LOST_DISK, Epoch.ZERO, "")));
            if (logFiles) {
                return Promise.succeeded(loop, promiseLost(damaged(Damage.STATE_MISSING, Epoch.ZERO, "its log directory is not empty")));
            }
            setHealthy(Epoch.ZERO, Epoch.ZERO, 0);
            return Promise.succeeded(loop, ReplicaState.empty()); // creates nothing
        }
        if (file.isEmpty()) {
            return Promise.succeeded(loop, promiseLost(damaged(Damage.STATE_CORRUPT, Epoch.ZERO, "file '" + statePath + "'")));
        }
        ReplicaFormat.State s = file.get();
        if (!s.namespace().equals(namespace) || !s.id().equals(id)) {
            return Promise.failed(loop, new IllegalStateException("the replica state file '" + statePath + "' belongs to object "
                    + s.id().hex() + " of namespace '" + s.namespace() + "', not to " + id.hex() + " of '" + namespace
                    + "' (namespaces differing only in case on a case-insensitive file system?)"));
        }
        if (s.damage() != Damage.NONE) return Promise.succeeded(loop, damaged(s.damage(), s.promised(), ""));
        Promise<ReplicaState> result = Promise.on(loop);
        log().recover().whenComplete((recovery, failure) -> {
            if (failure instanceof LogCorruptedException e) {
                result.complete(damaged(Damage.LOG_CORRUPT, s.promised(), e.getMessage()));
            } else if (failure != null) {
                result.fail(new IllegalStateException("loading the replica of " + id.hex() + " failed: "
                        + failure.getMessage() + "; nothing was changed, try again", failure));
            } else if (recovery.lastSeq() < s.seqFloor()) {
                result.complete(damaged(Damage.LOST_SYNCED_DATA, s.promised(), "the log ends at batch "
                        + recovery.lastSeq() + " but held batch " + s.seqFloor() + " durably"));
            } else {
                setHealthy(s.promised(), s.logEpoch(), recovery.lastSeq());
                recordedFloor = s.seqFloor();
                ReplicaState healthy = new ReplicaState(promised, logEpoch, recovery.snapshot(), recovery.entries(), false, "");
                // Batches past the floor were written but never acknowledged here; recovery made
                // them durable. Vouch for them before answering: the protocol may acknowledge a
                // batch it finds already held (a resent append) without writing it again.
                Promise<Void> vouched = recovery.lastSeq() > s.seqFloor() ? vouch(recovery.lastSeq()) : Promise.succeeded(loop, null);
                vouched.whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(healthy);
                        return;
                    }
                    loaded = false;
                    result.fail(new IllegalStateException("loading the replica of " + id.hex() + " failed: "
                            + e.getMessage() + "; nothing was changed, try again", e));
                });
            }
        });
        return result;
    }

    private void setHealthy(Epoch promisedEpoch, Epoch epoch, long seq) {
        promised = promisedEpoch;
        logEpoch = epoch;
        damage = Damage.NONE;
        lastSeq = seq;
        durableSeq = seq;
        loaded = true;
    }

    /**
     * No readable state file: what this replica promised is unknown. A readable one with a damage
     * code (written by a promise after the protocol learned the promise from its peers) is not.
     */
    private static ReplicaState promiseLost(ReplicaState s) {
        return new ReplicaState(s.promised(), s.logEpoch(), s.snapshot(), s.entries(), true, s.damage(), true);
    }

    private ReplicaState damaged(Damage found, Epoch promisedEpoch, String detail) {
        promised = promisedEpoch;
        logEpoch = Epoch.ZERO;
        damage = found;
        lastSeq = 0;
        durableSeq = 0;
        loaded = true;
        store.trace("repl-damaged", id, "reason=" + found.word);
        return new ReplicaState(promisedEpoch, Epoch.ZERO, Optional.empty(), List.of(), true,
                detail.isEmpty() ? found.text : found.text + ": " + detail);
    }

    // =============================================================================================
    // install and append

    private Promise<Void> installNow(Epoch epoch, Optional<Snapshot> snapshot, List<LogEntry> entries) {
        if (!epoch.isAfter(Epoch.ZERO)) {
            throw new IllegalStateException("install of " + id.hex() + " under epoch ZERO: no owner holds it");
        }
        Epoch newPromised = epoch.isAfter(promised) ? epoch : promised;
        long last = entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
        long oldGeneration = generation;
        long nextGeneration = generation + 1;
        ObjectLog old = log();
        ObjectLog next = logs[(int) (nextGeneration % 2)];
        // Log files must never exist without a state file (that is how a lost state file shows):
        // a replica that has none gets one, for its current state, before any log file is written.
        Promise<Void> ready = stateFile ? Promise.succeeded(loop, null)
                : store.writeState(stateDir, statePath, stateNow(promised)).map(v -> {
                    stateFile = true;
                    return null;
                });
        Promise<Void> done = ready
                .flatMap(v -> next.destroy()) // garbage of an install a crash cut before its switch
                .flatMap(v -> next.recover())
                .flatMap(empty -> {
                    Invariants.check(empty.lastSeq() == 0 && empty.snapshot().isEmpty(),
                            "replica %s: the log aside holds batches through %d after its destroy", id.hex(), empty.lastSeq());
                    return snapshot.isPresent()
                            ? store.logs(nextGeneration).startFrom(namespace, id, snapshot.get())
                            : Promise.<Void>succeeded(loop, null);
                }).flatMap(v -> {
                    List<Promise<Void>> appends = new ArrayList<>(entries.size());
                    for (LogEntry e : entries) appends.add(next.append(e)); // one group commit for them all
                    return Promise.all(loop, appends);
                }).flatMap(v -> store.writeState(stateDir, statePath, // the switch
                        new ReplicaFormat.State(namespace, id, newPromised, epoch, last, Damage.NONE, nextGeneration))
                ).flatMap(v -> {
                    generation = nextGeneration;
                    setHealthy(newPromised, epoch, last);
                    recordedFloor = last;
                    return old.destroy(); // the old generation is garbage now; a crash here leaves it for the next install
                });
        return done.recover(e -> {
            // Nothing was switched unless the state file says so: read the disk again on the next call.
            if (generation == oldGeneration) loaded = false;
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        });
    }

    private Promise<Void> appendNow(Epoch epoch, LogEntry entry) {
        if (damage != Damage.NONE) {
            throw new IllegalStateException("replica of " + id.hex() + " is damaged (" + damage.text
                    + "): cannot append batch " + entry.seq() + " before an owner installs it");
        }
        if (!epoch.isAfter(Epoch.ZERO) || !epoch.equals(logEpoch)) {
            throw new IllegalStateException("replica of " + id.hex() + ": append of batch " + entry.seq() + " under epoch "
                    + epoch + ", but its log epoch is " + logEpoch + " (an owner installs before it appends)");
        }
        if (entry.seq() != lastSeq + 1) {
            throw new IllegalStateException("replica of " + id.hex() + ": append of batch " + entry.seq()
                    + ", but the next batch is " + (lastSeq + 1));
        }
        Promise<Void> written = log().append(entry);
        if (written.isFailed()) {
            loaded = false; // the log refuses appends until it recovers: the next call re-reads it
            return written;
        }
        lastSeq = entry.seq();
        return written.flatMap(v -> {
            durableSeq = Math.max(durableSeq, entry.seq());
            Invariants.check(durableSeq <= lastSeq, "replica %s: batch %d durable, but batches were written only through %d",
                    id.hex(), durableSeq, lastSeq);
            return vouch(entry.seq());
        }).recover(e -> {
            loaded = false; // the batch may be in the log without its vouch: the next call re-reads
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        });
    }

    private void requireInstalled(String what) {
        if (damage != Damage.NONE) {
            throw new IllegalStateException("replica of " + id.hex() + " is damaged (" + damage.text + "): cannot " + what);
        }
        if (logEpoch.equals(Epoch.ZERO)) {
            throw new IllegalStateException("replica of " + id.hex() + " holds no installed log: cannot " + what);
        }
    }

    /** Records a promise made durable: a promise only goes up. */
    private void raisePromise(Epoch next) {
        Invariants.check(!promised.isAfter(next), "replica %s: its promise would go down from %s to %s", id.hex(), promised, next);
        promised = next;
    }

    /** The state file for the current state with {@code promise}; damage stays recorded until an install. */
    private ReplicaFormat.State stateNow(Epoch promise) {
        return new ReplicaFormat.State(namespace, id, promise, logEpoch, durableSeq, damage, generation);
    }

    // =============================================================================================
    // vouching: the state file's seqFloor catches up with the log before an acknowledgement

    /**
     * Completes once a durable state file has {@code seqFloor >= seq} ({@code seq} must be durable in
     * the log). One floor write at a time; vouches asked for meanwhile share the next one, which
     * covers every batch durable when it starts. Runs only among overlapping appends or inside a
     * load, never beside another state-file write (the call queue keeps those apart).
     */
    private Promise<Void> vouch(long seq) {
        if (recordedFloor >= seq) return Promise.succeeded(loop, null);
        if (floorInFlight != null && floorInFlightCovers >= seq) return floorInFlight;
        if (floorNext == null) {
            floorNext = Promise.on(loop);
            // One hop first, so that appends made durable by the same log round join this write.
            if (floorInFlight == null) {
                if (store.fire(FAULT_FLOOR_LATE)) loop.schedule(FLOOR_LATE_NANOS, this::writeFloor);
                else loop.execute(this::writeFloor);
            }
        }
        return floorNext;
    }

    /**
     * BUGGIFY: a floor write starts late (a busy disk queue), so appends acknowledged meanwhile all
     * wait for it and share it; a crash meanwhile acknowledges none of them.
     */
    static final String FAULT_FLOOR_LATE = "repl-floor-late";
    private static final long FLOOR_LATE_NANOS = 20_000_000L;

    private void writeFloor() {
        Promise<Void> waiters = floorNext;
        floorNext = null;
        ReplicaFormat.State next = stateNow(promised);
        Invariants.check(next.seqFloor() <= lastSeq, "replica %s: a floor of batch %d, but batches were written only through %d",
                id.hex(), next.seqFloor(), lastSeq);
        floorInFlight = waiters;
        floorInFlightCovers = next.seqFloor();
        store.writeState(stateDir, statePath, next).whenComplete((v, e) -> {
            floorInFlight = null;
            if (e == null) recordedFloor = Math.max(recordedFloor, next.seqFloor());
            if (floorNext != null) writeFloor();
            if (e == null) waiters.complete(null);
            else waiters.fail(e); // disk full: the batches stay unacknowledged; a failed fsync already fail-stopped
        });
    }

    // =============================================================================================
    // the call queue

    private <T> Promise<T> submit(Kind kind, Supplier<Promise<T>> body) {
        store.used(storeKey, this);
        if (loaded && running == 0 && queue.isEmpty() && store.fire(FAULT_RELEASE_EAGER)) releaseNow();
        return enqueue(kind, body);
    }

    private <T> Promise<T> enqueue(Kind kind, Supplier<Promise<T>> body) {
        Promise<T> result = Promise.on(loop);
        Op[] self = new Op[1];
        self[0] = new Op(kind, () -> {
            Promise<T> p;
            try {
                if (store.ready().isFailed()) throw new IllegalStateException(store.ready().failure().getMessage(), store.ready().failure());
                if (store.broken()) throw store.brokenError();
                p = body.get();
            } catch (RuntimeException e) {
                p = Promise.failed(loop, e);
            }
            p.whenComplete((v, e) -> {
                running--;
                if (self[0].overlapped) runningAppends--;
                if (e != null && !runAfterFailure) cancelQueuedWrites(e);
                if (e != null) result.fail(e);
                else result.complete(v);
                pump();
            });
        }, result::fail);
        queue.add(self[0]);
        pump();
        return result;
    }

    /**
     * Fails, without running them, the writes queued behind a call that failed: they were queued
     * on its effect (see "Order" above). Their callers reload and retry, as after any failure.
     */
    private void cancelQueuedWrites(Throwable cause) {
        for (Iterator<Op> it = queue.iterator(); it.hasNext(); ) {
            Op op = it.next();
            if (op.kind == Kind.READ) continue;
            it.remove();
            op.cancel.accept(new IllegalStateException("replica of " + id.hex() + ": not run: a call queued before it failed ("
                    + cause.getMessage() + ")", cause));
        }
    }

    private void pump() {
        if (!store.ready().isDone()) {
            if (!waitingForStart) {
                waitingForStart = true;
                store.ready().whenComplete((v, e) -> {
                    waitingForStart = false;
                    pump();
                });
            }
            return;
        }
        while (!queue.isEmpty()) {
            Op next = queue.peekFirst();
            boolean overlap = next.kind == Kind.APPEND && loaded;
            if (running > 0 && !(overlap && runningAppends == running)) return;
            queue.pollFirst();
            next.overlapped = overlap;
            running++;
            if (overlap) runningAppends++;
            next.body.run();
        }
    }
}
