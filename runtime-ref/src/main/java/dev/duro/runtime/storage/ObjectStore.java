package dev.duro.runtime.storage;

import dev.duro.model.util.Invariants;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.ListOptions;
import dev.duro.model.storage.SqlCursor;
import dev.duro.model.storage.SqlStorage;
import dev.duro.model.storage.Storage;
import dev.duro.model.storage.StorageKeys;
import dev.duro.model.storage.StoredValues;
import dev.duro.model.world.Clock;
import dev.duro.model.world.FaultPoints;
import dev.duro.model.world.Loop;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One object's storage: an in-memory SQLite database that every call reads and writes
 * synchronously, plus the list of mutations made since the last seal. {@link #seal()} turns that
 * list into the next log batch; the log makes it durable. After a crash, {@link #open} rebuilds the
 * database from the latest snapshot and the batches after it. See docs/storage.md.
 *
 * <p>Single-threaded: every method runs on the object's loop. After {@link #failed()} (a log
 * append or snapshot failed) or {@link #close()}, the Storage methods throw a {@link DuroException}
 * with {@link ErrorCode#RESET}; the host must reset the activation and open a new store.
 */
public final class ObjectStore implements Storage {
    private final ObjectLog log;
    private final StoreOptions options;
    private final StoreHooks hooks;
    private final Loop loop;
    private final Clock clock;
    private final SqlApi sqlApi = new SqlApi();
    /** Verdicts of {@link SqlGuard} by query text, least recently used first. */
    private final LinkedHashMap<String, SqlGuard.Kind> guardCache = new LinkedHashMap<>(16, 0.75f, true);

    private SqliteDb db;
    private List<Mutation> pending = new ArrayList<>();
    /** Open savepoints: transactionSync nesting plus the one of the write in progress. */
    private int depth;
    private long sealedSeq;
    private long durableSeq;
    private final TreeSet<Long> durableOutOfOrder = new TreeSet<>();
    private final TreeMap<Long, List<Promise<Void>>> waiters = new TreeMap<>();
    private int batchesSinceSnapshot;
    private long lastSealWallMillis;
    /** (seq, wall) of the batches the log retains, ascending; the PITR index. */
    private final List<Recovery.Mark> marks = new ArrayList<>();
    private Optional<Long> alarm = Optional.empty();
    /** An upper bound of the database size, so small KV writes can skip the savepoint the size check needs. */
    private long sizeUpperBound;
    private boolean failed;
    private DuroException failure;
    private boolean closed;

    private final FaultPoints faultPoints;

    private ObjectStore(ObjectLog log, StoreOptions options, StoreHooks hooks, Loop loop, Clock clock, FaultPoints faultPoints) {
        this.log = log;
        this.options = options;
        this.hooks = hooks;
        this.loop = loop;
        this.clock = clock;
        this.faultPoints = faultPoints;
    }

    // =====================================================================================
    // Lifecycle
    // =====================================================================================

    /**
     * Recovers the object's state from the log (latest snapshot via SQLite deserialize, then replay
     * of batches), applying a pending restore-to-bookmark if one was requested. Completes on the
     * loop; fails if the log fails or a batch does not replay.
     */
    public static Promise<ObjectStore> open(ObjectLog log, StoreOptions options, StoreHooks hooks, Loop loop, Clock clock) {
        return open(log, options, hooks, loop, clock, FaultPoints.NONE);
    }

    /** As {@link #open(ObjectLog, StoreOptions, StoreHooks, Loop, Clock)}, asking {@code faultPoints} (the node's) where it may misbehave. */
    public static Promise<ObjectStore> open(ObjectLog log, StoreOptions options, StoreHooks hooks, Loop loop, Clock clock,
                                            FaultPoints faultPoints) {
        Promise<ObjectStore> result = Promise.on(loop);
        log.recover().whenComplete((recovery, error) -> {
            if (error != null) {
                result.fail(error);
                return;
            }
            ObjectStore store = new ObjectStore(log, options, hooks, loop, clock, faultPoints);
            Long restoreSeq;
            try {
                store.rebuild(recovery);
                restoreSeq = store.db.meta(SqliteDb.META_RESTORE);
            } catch (SQLException | RuntimeException e) {
                store.close();
                result.fail(e instanceof DuroException d ? d : internal("recovering the object's state failed", e));
                return;
            }
            if (restoreSeq == null) {
                result.complete(store);
                return;
            }
            store.performRestore(restoreSeq).whenComplete((ignored, restoreError) -> {
                if (restoreError != null) {
                    store.close();
                    result.fail(restoreError);
                } else {
                    result.complete(store);
                }
            });
        });
        return result;
    }

    private void rebuild(Recovery recovery) throws SQLException {
        db = SqliteDb.open(recovery.snapshot().map(Snapshot::image).orElse(null));
        replay(db, recovery.entries());
        sealedSeq = durableSeq = recovery.lastSeq();
        batchesSinceSnapshot = recovery.entries().size();
        marks.addAll(recovery.retained());
        for (Recovery.Mark m : marks) lastSealWallMillis = Math.max(lastSealWallMillis, m.wallMillis());
        for (LogEntry e : recovery.entries()) lastSealWallMillis = Math.max(lastSealWallMillis, e.wallMillis());
        alarm = Optional.ofNullable(db.meta(SqliteDb.META_ALARM));
        sizeUpperBound = db.sizeBytes();
    }

    /** Applies log batches in order; each batch in one SQLite transaction, a Restore batch by deserializing. */
    static void replay(SqliteDb target, List<LogEntry> entries) throws SQLException {
        for (LogEntry entry : entries) {
            List<Mutation> batch = BatchCodec.decode(entry.payload());
            if (batch.size() == 1 && batch.getFirst() instanceof Mutation.Restore r) {
                target.replaceWith(r.image());
                continue;
            }
            target.execInternal("BEGIN");
            try {
                for (Mutation m : batch) apply(target, m);
                target.execInternal("COMMIT");
            } catch (SQLException | RuntimeException e) {
                target.execInternal("ROLLBACK");
                throw internal("batch " + entry.seq() + " does not replay", e);
            }
        }
    }

    /** Re-executes one logged mutation; the same SQLite calls the live write made. */
    static void apply(SqliteDb target, Mutation m) throws SQLException {
        switch (m) {
            case Mutation.KvPut p -> target.kvPut(p.key(), p.value());
            case Mutation.KvDelete d -> target.kvDelete(d.key());
            case Mutation.Sql s -> {
                target.runUser(s.query(), s.binds());
                target.flushVirtualTables();
            }
            case Mutation.SetAlarm a -> target.setMeta(SqliteDb.META_ALARM, a.scheduledMillis());
            case Mutation.DeleteAlarm ignored -> target.deleteMeta(SqliteDb.META_ALARM);
            case Mutation.DeleteAll ignored -> target.deleteAll();
            case Mutation.RequestRestore r -> target.setMeta(SqliteDb.META_RESTORE, r.seq());
            case Mutation.CancelRestore ignored -> target.deleteMeta(SqliteDb.META_RESTORE);
            case Mutation.Restore ignored -> throw new IllegalStateException("a Restore mutation must be alone in its batch");
        }
    }

    /**
     * Makes the state after batch {@code targetSeq} the new head: rebuild it aside, then append it
     * as one Restore batch (the whole image) and wait until that is durable. Until then the log
     * still says "restore pending", so a crash in between just restores again. If the log can no
     * longer rebuild the target, the request is withdrawn durably instead and the current state kept.
     */
    private Promise<Void> performRestore(long targetSeq) {
        Promise<Recovery> source = targetSeq == 0
                ? Promise.succeeded(loop, new Recovery(Optional.empty(), List.of(), List.of()))
                : log.recoverAt(targetSeq);
        Promise<Void> done = Promise.on(loop);
        source.whenComplete((recovery, error) -> {
            try {
                if (error != null || recovery.lastSeq() != targetSeq) {
                    db.deleteMeta(SqliteDb.META_RESTORE);
                    pending.add(new Mutation.CancelRestore());
                } else {
                    byte[] image;
                    try (SqliteDb aside = SqliteDb.open(recovery.snapshot().map(Snapshot::image).orElse(null))) {
                        replay(aside, recovery.entries());
                        aside.deleteMeta(SqliteDb.META_RESTORE);
                        image = aside.serialize();
                    }
                    db.replaceWith(image);
                    pending.add(new Mutation.Restore(image));
                    alarm = Optional.ofNullable(db.meta(SqliteDb.META_ALARM));
                    sizeUpperBound = db.sizeBytes();
                }
            } catch (SQLException | RuntimeException e) {
                done.fail(e instanceof DuroException d ? d : internal("restoring to batch " + targetSeq + " failed", e));
                return;
            }
            seal().whenComplete((seq, sealError) -> {
                if (sealError != null) done.fail(sealError);
                else done.complete(null);
            });
        });
        return done;
    }

    /** True when writes were made since the last seal. */
    public boolean hasPendingWrites() {
        return !pending.isEmpty();
    }

    /** The last batch handed to the log (0 if none). */
    public long sealedSeq() {
        return sealedSeq;
    }

    /** The last batch the log confirmed durable, with every batch before it. */
    public long durableSeq() {
        return durableSeq;
    }

    /** An append or snapshot failed: the state may be ahead of the log; the host must reset the activation. */
    public boolean failed() {
        return failed;
    }

    /**
     * Seals pending writes (if any) as batch {@code sealedSeq()+1} and appends it. The promise
     * completes with the sealed seq once it (and everything before) is durable, or fails if the
     * log failed. With nothing pending: completes when {@code sealedSeq()} is durable.
     *
     * @throws IllegalStateException inside {@code transactionSync} (a host bug: batches hold whole transactions)
     */
    public Promise<Long> seal() {
        if (closed) return Promise.failed(loop, closedError());
        if (failed) return Promise.failed(loop, failure);
        if (depth > 0) throw new IllegalStateException("seal() inside transactionSync: a batch must not split a transaction");
        if (pending.isEmpty()) {
            long seq = sealedSeq;
            return whenDurable(seq).map(v -> seq);
        }
        long seq = ++sealedSeq;
        long wall = Math.max(clock.wallMillis(), lastSealWallMillis);
        lastSealWallMillis = wall;
        byte[] payload = BatchCodec.encode(pending);
        pending = new ArrayList<>();
        marks.add(new Recovery.Mark(seq, wall));
        pruneMarks(wall);
        Snapshot snapshot = null;
        batchesSinceSnapshot++;
        // Snapshots are an optimisation the log may get at any batch: taking one early exercises
        // snapshot, replica push and recovery from a snapshot in runs too short to reach the cadence.
        if (options.snapshotEveryBatches() > 0 && (batchesSinceSnapshot >= options.snapshotEveryBatches()
                || faultPoints.fire(FAULT_SNAPSHOT_EARLY))) {
            // Serialize now: the database is exactly the state after this batch.
            try {
                snapshot = new Snapshot(seq, wall, db.serialize());
                batchesSinceSnapshot = 0;
            } catch (SQLException e) {
                fail(internal("serializing a snapshot failed", e));
            }
        }
        Promise<Void> durable = whenDurable(seq);
        Snapshot snapshotAfterDurable = snapshot;
        log.append(new LogEntry(seq, wall, payload)).whenComplete((ignored, error) -> {
            if (error != null) {
                fail(error);
                return;
            }
            markDurable(seq);
            // A snapshot only after its batch is durable, and never once the activation ended (the
            // next one may already be recovering from this log).
            if (snapshotAfterDurable != null && !closed && !failed) {
                log.snapshot(snapshotAfterDurable).whenComplete((v, snapshotError) -> {
                    if (snapshotError != null) fail(snapshotError);
                });
            }
        });
        return durable.map(v -> seq);
    }

    /** BUGGIFY: a snapshot is taken after this batch although fewer than {@code snapshotEveryBatches} went by. */
    static final String FAULT_SNAPSHOT_EARLY = "store-snapshot-early";

    /** Completes when batch {@code seq} and all before it are durable; fails if the log failed or the store closed. */
    public Promise<Void> whenDurable(long seq) {
        if (seq <= durableSeq) return Promise.succeeded(loop, null);
        if (failed) return Promise.failed(loop, failure);
        if (closed) return Promise.failed(loop, closedError());
        Promise<Void> p = Promise.on(loop);
        waiters.computeIfAbsent(seq, k -> new ArrayList<>()).add(p);
        return p;
    }

    private void markDurable(long seq) {
        durableOutOfOrder.add(seq);
        while (!durableOutOfOrder.isEmpty() && durableOutOfOrder.first() == durableSeq + 1) {
            durableSeq = durableOutOfOrder.pollFirst();
        }
        if (!(durableSeq <= sealedSeq)) Invariants.check(false, "durable batch %d past the last sealed %d", durableSeq, sealedSeq);
        while (!waiters.isEmpty() && waiters.firstKey() <= durableSeq) {
            for (Promise<Void> p : waiters.pollFirstEntry().getValue()) p.complete(null);
        }
    }

    private void fail(Throwable cause) {
        if (failed) return;
        failed = true;
        failure = cause instanceof DuroException d && d.code() == ErrorCode.RESET ? d
                : new DuroException(ErrorCode.RESET, "the object's storage log failed (" + cause.getMessage()
                + "); writes since the last durable batch may be lost, and the activation must be reset", cause);
        failWaiters(failure);
    }

    private void failWaiters(DuroException error) {
        while (!waiters.isEmpty()) {
            for (Promise<Void> p : waiters.pollFirstEntry().getValue()) p.fail(error);
        }
    }

    /** Releases SQLite; further calls throw (RESET), pending durability waits fail. Idempotent. */
    public void close() {
        if (closed) return;
        closed = true;
        if (db != null) db.close();
        failWaiters(closedError());
        log.close();
    }

    private static DuroException closedError() {
        return new DuroException(ErrorCode.RESET, "the object's storage is closed: this activation ended; the request may be retried");
    }

    private void checkUsable() {
        if (closed) throw closedError();
        // A fresh exception per call, so its stack shows who touched the failed store (the cause is the failure).
        if (failed) throw new DuroException(ErrorCode.RESET, failure.getMessage(), failure);
    }

    // =====================================================================================
    // Writes: every write goes through here
    // =====================================================================================

    @FunctionalInterface
    private interface DbAction<R> {
        R run() throws SQLException;
    }

    /**
     * Runs {@code action} (which does the SQLite work and appends its mutations to {@code pending})
     * atomically: inside a savepoint when it is several statements or might cross the size limit,
     * so a failure or an oversize result leaves the database and the pending batch as they were.
     */
    private <R> R write(DbAction<R> action, boolean multiStatement, long growthBytes) {
        int mark = pending.size();
        try {
            boolean guarded = multiStatement || mayExceedLimit(growthBytes);
            if (!guarded) {
                R r = action.run();
                sizeUpperBound += growthEstimate(growthBytes);
                return r;
            }
            int sp = ++depth;
            db.savepoint(sp);
            R r;
            long size;
            try {
                r = action.run();
                size = db.sizeBytes();
                if (size > options.sizeLimitBytes()) {
                    throw new DuroException(ErrorCode.SIZE_LIMIT, "this write would grow the object's database to " + size
                            + " bytes, over its limit of " + options.sizeLimitBytes() + "; nothing was written; delete data first");
                }
                db.release(sp);
            } catch (SQLException | RuntimeException | Error e) {
                undo(sp, mark);
                throw e;
            } finally {
                depth--;
            }
            // The size measured before the release, which changes no page count: measuring again
            // here could fail with the write already in the database, and dropping it from the
            // batch (below) would then leave the log without a write the database has.
            sizeUpperBound = size;
            return r;
        } catch (SQLException e) {
            truncatePending(mark);
            throw toDuro(e);
        }
    }

    private void undo(int sp, int mark) {
        try {
            db.rollback(sp);
            sizeUpperBound = db.sizeBytes();
        } catch (SQLException rollbackError) {
            fail(internal("rolling back a failed write failed", rollbackError));
        }
        truncatePending(mark);
    }

    private void truncatePending(int mark) {
        // A rollback undoes only writes of the batch not yet sealed (no seal inside a transaction
        // or a write): a batch is never both sealed and rolled back.
        if (!(mark <= pending.size())) Invariants.check(false, "rollback to write %d of a batch that holds %d: it was sealed meanwhile", mark, pending.size());
        if (pending.size() > mark) pending.subList(mark, pending.size()).clear();
    }

    private long growthEstimate(long bytes) {
        // Overflow pages plus B-tree splits on every level: far above what one row can add.
        return 2 * bytes + 64 * db.pageSize();
    }

    private boolean mayExceedLimit(long growthBytes) throws SQLException {
        if (sizeUpperBound + growthEstimate(growthBytes) <= options.sizeLimitBytes()) return false;
        sizeUpperBound = db.sizeBytes();
        return sizeUpperBound + growthEstimate(growthBytes) > options.sizeLimitBytes();
    }

    private static DuroException toDuro(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int marker = message.indexOf(DeterminismFunctions.MARKER);
        if (marker >= 0) {
            String why = message.substring(marker + DeterminismFunctions.MARKER.length());
            if (why.endsWith(")")) why = why.substring(0, why.length() - 1);
            return new DuroException(ErrorCode.NON_DETERMINISTIC_SQL, why, e);
        }
        return new DuroException(ErrorCode.SQL_ERROR, message, e);
    }

    private static DuroException internal(String what, Throwable cause) {
        return new DuroException(ErrorCode.INTERNAL, what + ": " + cause.getMessage(), cause);
    }

    // =====================================================================================
    // KV
    // =====================================================================================

    private static byte[] keyBytes(String key) {
        if (key == null) throw new DuroException(ErrorCode.UNSUPPORTED_VALUE, "a key must not be null");
        byte[] b = boundBytes(key);
        if (b.length > MAX_KEY_BYTES) {
            throw new DuroException(ErrorCode.KEY_TOO_LARGE, "key is " + b.length + " bytes in UTF-8; the limit is "
                    + MAX_KEY_BYTES + "; nothing was written; use a shorter key (hash long identifiers)");
        }
        return b;
    }

    /** UTF-8 of a key or a list bound; an unpaired surrogate (no UTF-8 form) is refused, not turned into '?'. */
    private static byte[] boundBytes(String key) {
        int lone = SqlGuard.unpairedSurrogate(key);
        if (lone >= 0) {
            throw new DuroException(ErrorCode.UNSUPPORTED_VALUE, "key contains an unpaired surrogate at index " + lone
                    + ", so it has no UTF-8 form; use valid Unicode");
        }
        return StorageKeys.utf8(key);
    }

    private static byte[] valueBytes(String key, Object value) {
        byte[] b = StoredValues.encode(value);
        if (b.length > MAX_VALUE_BYTES) {
            throw new DuroException(ErrorCode.VALUE_TOO_LARGE, "value for key '" + abbreviate(key) + "' is " + b.length
                    + " bytes encoded; the limit is " + MAX_VALUE_BYTES + "; nothing was written; split it over several keys");
        }
        return b;
    }

    private static String abbreviate(String key) {
        return key.length() <= 64 ? key : key.substring(0, 64) + "...";
    }

    private static void checkCount(int n) {
        if (n > MAX_KEYS_PER_CALL) {
            throw new DuroException(ErrorCode.TOO_MANY_KEYS, n + " keys in one call; the limit is " + MAX_KEYS_PER_CALL
                    + "; nothing was done; split the call");
        }
    }

    @Override
    public Object get(String key) {
        checkUsable();
        byte[] v = read(() -> db.kvGet(keyBytes(key)));
        return v == null ? null : StoredValues.decode(v);
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        checkUsable();
        byte[] v = read(() -> db.kvGet(keyBytes(key)));
        return v == null ? null : StoredValues.decode(v, type);
    }

    @Override
    public SortedMap<String, Object> get(List<String> keys) {
        checkUsable();
        checkCount(keys.size());
        List<byte[]> kb = keys.stream().map(ObjectStore::keyBytes).toList();
        SortedMap<String, Object> out = new TreeMap<>(StorageKeys.ORDER);
        for (int i = 0; i < kb.size(); i++) {
            byte[] k = kb.get(i);
            byte[] v = read(() -> db.kvGet(k));
            if (v != null) out.put(keys.get(i), StoredValues.decode(v));
        }
        return out;
    }

    private <R> R read(DbAction<R> action) {
        try {
            return action.run();
        } catch (SQLException e) {
            throw toDuro(e);
        }
    }

    @Override
    public void put(String key, Object value) {
        checkUsable();
        byte[] k = keyBytes(key);
        byte[] v = valueBytes(key, value);
        write(() -> {
            db.kvPut(k, v);
            pending.add(new Mutation.KvPut(k, v));
            return null;
        }, false, k.length + v.length);
        hooks.onWrite("put");
    }

    @Override
    public void put(Map<String, ?> entries) {
        checkUsable();
        checkCount(entries.size());
        // Validate everything before writing anything; apply in key order so the batch is a
        // function of the map's contents, not of its iteration order.
        TreeMap<byte[], byte[]> encoded = new TreeMap<>(Arrays::compareUnsigned);
        long bytes = 0;
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            byte[] k = keyBytes(e.getKey());
            byte[] v = valueBytes(e.getKey(), e.getValue());
            encoded.put(k, v);
            bytes += k.length + v.length;
        }
        if (encoded.isEmpty()) return;
        write(() -> {
            for (Map.Entry<byte[], byte[]> e : encoded.entrySet()) {
                db.kvPut(e.getKey(), e.getValue());
                pending.add(new Mutation.KvPut(e.getKey(), e.getValue()));
            }
            return null;
        }, encoded.size() > 1, bytes);
        hooks.onWrite("put");
    }

    @Override
    public boolean delete(String key) {
        checkUsable();
        byte[] k = keyBytes(key);
        boolean existed = write(() -> {
            boolean d = db.kvDelete(k);
            if (d) pending.add(new Mutation.KvDelete(k));
            return d;
        }, false, 0);
        if (existed) hooks.onWrite("delete");
        return existed;
    }

    @Override
    public int delete(List<String> keys) {
        checkUsable();
        checkCount(keys.size());
        List<byte[]> kb = keys.stream().map(ObjectStore::keyBytes).toList();
        int count = write(() -> {
            int n = 0;
            for (byte[] k : kb) {
                if (db.kvDelete(k)) {
                    pending.add(new Mutation.KvDelete(k));
                    n++;
                }
            }
            return n;
        }, kb.size() > 1, 0);
        if (count > 0) hooks.onWrite("delete");
        return count;
    }

    @Override
    public SortedMap<String, Object> list(ListOptions o) {
        checkUsable();
        byte[] lower = null;
        boolean lowerExclusive = false;
        if (o.start() != null) lower = boundBytes(o.start());
        if (o.startAfter() != null) {
            lower = boundBytes(o.startAfter());
            lowerExclusive = true;
        }
        byte[] upper = o.end() == null ? null : boundBytes(o.end());
        if (o.prefix() != null) {
            byte[] p = boundBytes(o.prefix());
            int c = lower == null ? 1 : Arrays.compareUnsigned(p, lower);
            if (c > 0) {
                lower = p;
                lowerExclusive = false;
            }
            byte[] pEnd = prefixEnd(p);
            if (pEnd != null && (upper == null || Arrays.compareUnsigned(pEnd, upper) < 0)) upper = pEnd;
        }
        byte[] lo = lower;
        byte[] hi = upper;
        boolean loEx = lowerExclusive;
        List<byte[][]> rows = read(() -> db.kvList(lo, loEx, hi, o.reverse(), o.limit()));
        SortedMap<String, Object> out = new TreeMap<>(o.reverse() ? StorageKeys.ORDER.reversed() : StorageKeys.ORDER);
        for (byte[][] row : rows) out.put(new String(row[0], java.nio.charset.StandardCharsets.UTF_8), StoredValues.decode(row[1]));
        return out;
    }

    /** The smallest byte string greater than every string starting with {@code prefix}; null if none. */
    static byte[] prefixEnd(byte[] prefix) {
        int i = prefix.length - 1;
        while (i >= 0 && prefix[i] == (byte) 0xff) i--;
        if (i < 0) return null;
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
    }

    // =====================================================================================
    // Alarm
    // =====================================================================================

    @Override
    public Optional<Long> getAlarm() {
        checkUsable();
        return alarm;
    }

    @Override
    public void setAlarm(long scheduledMillis) {
        checkUsable();
        if (!options.alarmsAllowed()) {
            throw new DuroException(ErrorCode.NO_ALARM_HANDLER, "setAlarm: this object's class has no alarm handler; add one "
                    + "(override alarm()) before scheduling alarms");
        }
        write(() -> {
            db.setMeta(SqliteDb.META_ALARM, scheduledMillis);
            pending.add(new Mutation.SetAlarm(scheduledMillis));
            return null;
        }, false, 64);
        hooks.onWrite("set-alarm");
        alarmChanged(Optional.of(scheduledMillis));
    }

    /** Deletes the alarm; a no-op (nothing written) when none is set. The host also uses it after a successful alarm handler. */
    @Override
    public void deleteAlarm() {
        checkUsable();
        if (alarm.isEmpty()) return;
        write(() -> {
            db.deleteMeta(SqliteDb.META_ALARM);
            pending.add(new Mutation.DeleteAlarm());
            return null;
        }, false, 0);
        hooks.onWrite("delete-alarm");
        alarmChanged(Optional.empty());
    }

    private void alarmChanged(Optional<Long> now) {
        if (now.equals(alarm)) return;
        alarm = now;
        hooks.onAlarmChanged(now);
    }

    // =====================================================================================
    // Transactions, deleteAll, sync
    // =====================================================================================

    @Override
    public <T> T transactionSync(Supplier<T> fn) {
        checkUsable();
        int mark = pending.size();
        int sp = ++depth;
        try {
            try {
                db.savepoint(sp);
            } catch (SQLException e) {
                throw toDuro(e);
            }
            T result;
            try {
                result = fn.get();
                if (closed || failed) checkUsable();
                db.release(sp);
            } catch (SQLException e) {
                rollbackTransaction(sp, mark);
                throw toDuro(e);
            } catch (RuntimeException | Error e) {
                if (!closed) rollbackTransaction(sp, mark);
                throw e;
            }
            return result;
        } finally {
            depth--;
        }
    }

    private void rollbackTransaction(int sp, int mark) {
        undo(sp, mark);
        try {
            alarmChanged(Optional.ofNullable(db.meta(SqliteDb.META_ALARM)));
        } catch (SQLException e) {
            fail(internal("reading the alarm after a rollback failed", e));
        }
    }

    @Override
    public void deleteAll() {
        checkUsable();
        write(() -> {
            db.deleteAll();
            pending.add(new Mutation.DeleteAll());
            return null;
        }, true, 0);
        hooks.onWrite("delete-all");
        alarmChanged(Optional.empty());
    }

    /**
     * Completes when every write made before the call is durable. Inside {@code transactionSync}
     * the seal waits for a later loop task, when the transaction has ended.
     */
    @Override
    public Promise<Void> sync() {
        checkUsable();
        if (depth == 0) return seal().map(seq -> null);
        Promise<Void> p = Promise.on(loop);
        loop.execute(() -> {
            Promise<Long> sealed;
            try {
                sealed = seal();
            } catch (RuntimeException e) {
                p.fail(e);
                return;
            }
            sealed.whenComplete((seq, error) -> {
                if (error != null) p.fail(error);
                else p.complete(null);
            });
        });
        return p;
    }

    // =====================================================================================
    // SQL
    // =====================================================================================

    @Override
    public SqlStorage sql() {
        checkUsable();
        return sqlApi;
    }

    private final class SqlApi implements SqlStorage {
        @Override
        public SqlCursor exec(String query, Object... binds) {
            checkUsable();
            if (query == null) throw new DuroException(ErrorCode.SQL_ERROR, "the query is null");
            SqlGuard.Kind kind = guardCache.get(query);
            if (kind == null) {
                kind = SqlGuard.check(query);
                guardCache.put(query, kind);
                if (guardCache.size() > 256) guardCache.remove(guardCache.keySet().iterator().next());
            }
            List<Object> normalized = normalizeBinds(binds == null ? new Object[] {null} : binds);
            if (kind == SqlGuard.Kind.READ) {
                SqliteDb.Result r = read(() -> db.runUser(query, normalized));
                if (r.changes() > 0) {
                    // A "read" that wrote after all (a virtual table function the guard does not
                    // know): its effect is already in the database, so log it for replay.
                    pending.add(new Mutation.Sql(query, normalized));
                    hooks.onWrite("sql");
                }
                return new MaterializedCursor(r.columns(), r.rows(), r.changes());
            }
            SqlGuard.Kind k = kind;
            boolean[] logged = new boolean[1];
            SqliteDb.Result r = write(() -> {
                String counters = k == SqlGuard.Kind.DML ? db.autoincrementState() : null;
                SqliteDb.Result res = db.runUser(query, normalized);
                db.flushVirtualTables();
                // A DML statement that changed no row changed nothing, unless an ignored INSERT
                // raised an AUTOINCREMENT counter.
                logged[0] = k == SqlGuard.Kind.DDL || res.changes() > 0
                        || (counters != null && !counters.equals(db.autoincrementState()));
                if (logged[0]) pending.add(new Mutation.Sql(query, normalized));
                return res;
            }, true, 0);
            if (logged[0]) hooks.onWrite("sql");
            return new MaterializedCursor(r.columns(), r.rows(), r.changes());
        }

        @Override
        public long databaseSize() {
            checkUsable();
            return read(db::sizeBytes);
        }
    }

    private static List<Object> normalizeBinds(Object[] binds) {
        List<Object> out = new ArrayList<>(binds.length);
        for (int i = 0; i < binds.length; i++) {
            Object b = binds[i];
            out.add(switch (b) {
                case null -> null;
                case Long l -> l;
                case Integer v -> (long) v;
                case Short v -> (long) v;
                case Byte v -> (long) v;
                case Boolean v -> v ? 1L : 0L;
                case Double d -> d;
                case Float f -> (double) f;
                case String s -> s;
                case byte[] bytes -> bytes.clone();
                default -> throw new DuroException(ErrorCode.UNSUPPORTED_VALUE, "bind parameter " + (i + 1) + " is a "
                        + b.getClass().getName() + "; bind null, Long, Integer, Double, String, byte[] or Boolean");
            });
        }
        return Collections.unmodifiableList(out);
    }

    // =====================================================================================
    // Point-in-time recovery
    // =====================================================================================

    private void pruneMarks(long nowWall) {
        // Keep every mark inside the window and the last one before it (the state at the window's start).
        long windowStart = nowWall - options.retentionMillis();
        int firstInside = 0;
        while (firstInside < marks.size() && marks.get(firstInside).wallMillis() < windowStart) firstInside++;
        if (firstInside > 1) marks.subList(0, firstInside - 1).clear();
    }

    /**
     * A bookmark for the current state. Pending writes are sealed first (outside a transaction),
     * so the bookmark names a batch boundary that includes them.
     */
    @Override
    public String currentBookmark() {
        checkUsable();
        if (depth == 0 && !pending.isEmpty()) seal();
        return Bookmarks.format(Math.max(clock.wallMillis(), lastSealWallMillis), sealedSeq);
    }

    @Override
    public String bookmarkForTime(long millis) {
        checkUsable();
        long now = Math.max(clock.wallMillis(), lastSealWallMillis);
        checkWindow(millis, now);
        long seq;
        int i = marks.size() - 1;
        while (i >= 0 && marks.get(i).wallMillis() > millis) i--;
        if (i >= 0) seq = marks.get(i).seq();
        else if (marks.isEmpty()) seq = sealedSeq;
        else seq = marks.getFirst().seq() - 1;
        return Bookmarks.format(millis, seq);
    }

    private void checkWindow(long millis, long now) {
        if (millis > now) {
            throw new DuroException(ErrorCode.INVALID_BOOKMARK, "time " + millis + " is in the future (now " + now + ")");
        }
        if (millis < now - options.retentionMillis()) {
            throw new DuroException(ErrorCode.INVALID_BOOKMARK, "time " + millis + " is outside the retention window of "
                    + options.retentionMillis() + " ms (now " + now + ")");
        }
    }

    @Override
    public String restoreOnNextActivation(String bookmark) {
        checkUsable();
        Bookmarks.Parsed target = Bookmarks.parse(bookmark);
        long now = Math.max(clock.wallMillis(), lastSealWallMillis);
        checkWindow(target.wallMillis(), now);
        String undo = currentBookmark();
        if (target.seq() > sealedSeq) {
            throw new DuroException(ErrorCode.INVALID_BOOKMARK, "bookmark " + bookmark + " names batch " + target.seq()
                    + ", which does not exist yet (last is " + sealedSeq + ")");
        }
        write(() -> {
            db.setMeta(SqliteDb.META_RESTORE, target.seq());
            pending.add(new Mutation.RequestRestore(target.seq()));
            return null;
        }, false, 64);
        hooks.onWrite("restore");
        return undo;
    }

    // =====================================================================================
    // For tests in this package
    // =====================================================================================

    /** The database image (pending writes included). */
    byte[] imageForTest() {
        return read(db::serialize);
    }

    List<Mutation> pendingForTest() {
        return List.copyOf(pending);
    }
}
