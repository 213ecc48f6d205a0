package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Loop;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One object's log in its directory of a {@link DiskLogStore}. See docs/log.md for the format,
 * the durability argument and the recovery rules; the comments here say how the code keeps them.
 *
 * <p><b>Group commit.</b> Every change that must be durable before something is acknowledged (a
 * record write, a new file, a new directory entry) takes the next <i>ticket</i> and marks its file
 * or directory dirty. A <i>round</i> syncs every dirty file and directory at once; when all those
 * syncs complete, every ticket issued before the round started is durable, and the waiters for
 * them run in ticket order. Changes made while a round is in flight wait for the next round.
 */
final class DiskObjectLog implements ObjectLog {
    /** Fault point: start a new segment early, so multi-segment paths run under crashes in simulation. */
    static final String FAULT_ROTATE_EARLY = "log-rotate-early";
    /** Fault point: a sync round starts late (a slow fsync): a crash meanwhile loses its writes, none of them acknowledged. */
    static final String FAULT_SYNC_SLOW = "log-sync-slow";
    private static final long SYNC_SLOW_NANOS = 30_000_000L;

    private enum State {
        /** Nothing known; {@link #recover()} first. */
        NEW,
        RECOVERING,
        READY,
        /** An append failed without fail-stop (disk full): appends refused until {@link #recover()}. */
        POISONED,
        DESTROYING,
        /** A sync failed and the process is exiting; nothing more is done. */
        BROKEN
    }

    /** A segment file: records with consecutive sequence numbers from {@code firstSeq}. */
    private static final class Segment {
        final long firstSeq;
        final String path;
        DiskFile file;
        long size;
        /** {@code firstSeq - 1} while empty. */
        long lastSeq;

        Segment(long firstSeq, String path, DiskFile file, long size) {
            this.firstSeq = firstSeq;
            this.path = path;
            this.file = file;
            this.size = size;
            this.lastSeq = firstSeq - 1;
        }
    }

    private record Waiter(long ticket, Runnable onDurable, Consumer<Throwable> onFailure) {
    }

    private final DiskLogStore store;
    private final World world;
    private final Disk disk;
    private final Loop loop;
    private final LogOptions options;
    private final String namespace;
    private final ObjectId id;
    private final String dir;
    private final String metaPath;
    /** False only under the planted bug {@link PlantedBug#NO_CHECKSUM}: damaged records and snapshots read as valid. */
    private final boolean verifyChecksums;

    private State state = State.NEW;
    /** The meta file exists (in the volatile view). */
    private boolean created;
    private DiskFile metaFile;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    /** Takes the next append; null means the next append starts a new segment. */
    private Segment current;
    private final TreeSet<Long> snapshots = new TreeSet<>();
    /** Sequence number → wall time of every record on disk (the retained batches). */
    private final TreeMap<Long, Long> marks = new TreeMap<>();
    private long lastAppendedSeq;
    private long durableSeq;

    private long issuedTicket;
    private long syncedTicket;
    private boolean roundInFlight;
    private final LinkedHashMap<String, DiskFile> dirtyFiles = new LinkedHashMap<>();
    private final TreeSet<String> dirtyDirs = new TreeSet<>();
    /** Directories whose parent is in {@link #dirtyDirs}: durable in their parent after the round. */
    private final List<String> dirsBecomingDurable = new ArrayList<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Snapshots and destroys run one at a time, in call order. */
    private Promise<Void> maintenance;

    DiskObjectLog(DiskLogStore store, String namespace, ObjectId id, String dir) {
        this.store = store;
        this.world = store.world();
        this.disk = world.disk();
        this.loop = world.loop();
        this.options = store.options();
        this.namespace = namespace;
        this.id = id;
        this.dir = dir;
        this.metaPath = dir + "/" + LogLayout.META;
        this.verifyChecksums = !options.planted(PlantedBug.NO_CHECKSUM);
        this.maintenance = Promise.succeeded(loop, null);
    }

    // =============================================================================================
    // append and group commit

    @Override
    public Promise<Void> append(LogEntry entry) {
        if (state != State.READY) return Promise.failed(loop, notReady("append batch " + entry.seq()));
        Invariants.check(entry.seq() == lastAppendedSeq + 1,
                "object %s: append of batch %d, but the next batch is %d", id.hex(), entry.seq(), lastAppendedSeq + 1);
        Promise<Void> promise = Promise.on(loop);
        try {
            ensureCreated();
            if (current == null || current.size >= options.segmentBytes()
                    || (current.size > 0 && world.faultPoints().fire(FAULT_ROTATE_EARLY))) {
                startSegment(entry.seq());
            }
            writeRecord(entry);
        } catch (DiskException e) {
            if (e.kind() == DiskException.Kind.NO_SPACE) {
                // Nothing of the batch is on disk (writeRecord cut any partial write); no page-cache
                // doubt, so no fail-stop. The caller's numbering is now ahead of the log's: refuse
                // further appends until it recovers.
                state = State.POISONED;
                trace("log-no-space", "seq=" + entry.seq());
                return Promise.failed(loop, new DuroException(ErrorCode.UNAVAILABLE,
                        "disk full: batch " + entry.seq() + " of object " + id.hex() + " was not written; "
                                + "free disk space, then recover the object and retry", e));
            }
            failStop("log-write-failed", e);
            return Promise.failed(loop, e);
        }
        long ticket = issuedTicket;
        if (options.planted(PlantedBug.LOG_ACK_BEFORE_FSYNC)) {
            promise.complete(null); // planted bug: acknowledged before its fsync
        }
        waitDurable(ticket, () -> promise.complete(null), promise::fail);
        return promise;
    }

    private void writeRecord(LogEntry entry) {
        byte[] record = LogFormat.encodeRecord(entry, durableSeq);
        long before = current.size;
        try {
            current.file.write(before, record, 0, record.length);
        } catch (DiskException e) {
            // The Disk contract lets a failed write leave a partial tail; cut it so the file still
            // ends at a record boundary (a truncation needs no space).
            current.file.truncate(before);
            throw e;
        }
        current.size = before + record.length;
        current.lastSeq = entry.seq();
        marks.put(entry.seq(), entry.wallMillis());
        lastAppendedSeq = entry.seq();
        dirtyFiles.put(current.path, current.file);
        issuedTicket++;
    }

    /** Creates the directory chain and the meta file if they do not exist yet. */
    private void ensureCreated() {
        if (created) return;
        disk.createDirectories(dir);
        markEntryDirty(store.root());
        markEntryDirty(LogLayout.parent(dir));
        markEntryDirty(dir);
        DiskFile file = disk.open(metaPath, true);
        try {
            byte[] meta = LogFormat.encodeMeta(namespace, id);
            file.truncate(0);
            file.write(0, meta, 0, meta.length);
        } catch (DiskException e) {
            file.close();
            disk.delete(metaPath);
            throw e;
        }
        metaFile = file;
        dirtyFiles.put(metaPath, file);
        dirtyDirs.add(dir);
        issuedTicket++;
        created = true;
    }

    /** {@code path}'s entry in its parent must be durable before the next acknowledgement. */
    private void markEntryDirty(String path) {
        if (store.isDurableDir(path)) return;
        dirtyDirs.add(LogLayout.parent(path));
        dirsBecomingDurable.add(path);
        issuedTicket++;
    }

    private void startSegment(long firstSeq) {
        Invariants.check(!segments.containsKey(firstSeq), "object %s: segment %d exists already", id.hex(), firstSeq);
        String path = dir + "/" + LogLayout.segmentName(firstSeq);
        Segment segment = new Segment(firstSeq, path, disk.open(path, true), 0);
        segments.put(firstSeq, segment);
        current = segment;
        dirtyDirs.add(dir);
        issuedTicket++;
    }

    /** Runs {@code onDurable} once every change up to {@code ticket} is durable. */
    private void waitDurable(long ticket, Runnable onDurable, Consumer<Throwable> onFailure) {
        if (state == State.BROKEN) {
            onFailure.accept(brokenError());
            return;
        }
        waiters.add(new Waiter(ticket, onDurable, onFailure));
        if (ticket <= syncedTicket && !roundInFlight) {
            releaseWaiters();
            return;
        }
        maybeStartRound();
    }

    private void maybeStartRound() {
        if (roundInFlight || state == State.BROKEN) return;
        if (dirtyFiles.isEmpty() && dirtyDirs.isEmpty()) {
            syncedTicket = issuedTicket; // nothing unsynced: every ticket is durable
            releaseWaiters();
            return;
        }
        long ticket = issuedTicket;
        long seq = lastAppendedSeq;
        List<DiskFile> files = new ArrayList<>(dirtyFiles.values());
        List<String> dirs = new ArrayList<>(dirtyDirs);
        List<String> becomingDurable = new ArrayList<>(dirsBecomingDurable);
        dirtyFiles.clear();
        dirtyDirs.clear();
        dirsBecomingDurable.clear();
        roundInFlight = true;
        if (world.faultPoints().fire(FAULT_SYNC_SLOW)) {
            loop.schedule(SYNC_SLOW_NANOS, () -> {
                if (state != State.BROKEN) syncRound(ticket, seq, files, dirs, becomingDurable);
            });
            return;
        }
        syncRound(ticket, seq, files, dirs, becomingDurable);
    }

    private void syncRound(long ticket, long seq, List<DiskFile> files, List<String> dirs, List<String> becomingDurable) {
        List<Promise<Void>> syncs = new ArrayList<>();
        try {
            for (DiskFile file : files) syncs.add(file.sync());
            for (String d : dirs) syncs.add(disk.syncDirectory(d));
        } catch (DiskException e) {
            failStop("log-sync-failed", e);
            return;
        }
        Promise.all(loop, syncs).whenComplete((done, failure) -> {
            roundInFlight = false;
            if (state == State.BROKEN) return;
            if (failure != null) {
                failStop("log-sync-failed", failure);
                return;
            }
            syncedTicket = Math.max(syncedTicket, ticket);
            durableSeq = Math.max(durableSeq, seq);
            store.markDurableDirs(becomingDurable);
            releaseWaiters();
            maybeStartRound();
        });
    }

    private void releaseWaiters() {
        while (!waiters.isEmpty() && waiters.peekFirst().ticket() <= syncedTicket) {
            waiters.pollFirst().onDurable().run();
        }
    }

    /**
     * A sync failed: the page cache may hold data the disk dropped (fsyncgate), so nothing this
     * process believes about the files can be trusted. Exit; recovery after the restart reads what
     * is really durable.
     */
    private void failStop(String kind, Throwable cause) {
        if (state == State.BROKEN) return;
        state = State.BROKEN;
        trace(kind, "fail-stop=exit");
        world.exit("object log " + id.hex() + ": " + kind + ": " + cause.getMessage());
        IllegalStateException error = new IllegalStateException("object log " + id.hex()
                + ": a disk sync failed; the process exits (fail-stop) and recovers from the disk", cause);
        while (!waiters.isEmpty()) waiters.pollFirst().onFailure().accept(error);
    }

    // =============================================================================================
    // recovery

    @Override
    public Promise<Recovery> recover() {
        if (state == State.BROKEN || state == State.RECOVERING || state == State.DESTROYING) {
            return Promise.failed(loop, notReady("recover"));
        }
        state = State.RECOVERING;
        Promise<Recovery> promise = Promise.on(loop);
        // Let a snapshot in flight finish first (the scan would delete its .tmp as a leftover and
        // its rename would then fail-stop), then syncs of earlier appends: recovery must see a
        // settled file.
        maintenance.whenComplete((ignored, maintenanceFailure) -> waitDurable(issuedTicket, () -> {
            try {
                Recovery recovery = scanAndRepair();
                // Whatever recovery read or repaired is made durable before it is served: after a
                // process restart the page cache may hold bytes no fsync covered yet.
                waitDurable(issuedTicket, () -> {
                    state = State.READY;
                    promise.complete(recovery);
                }, promise::fail);
            } catch (RuntimeException e) {
                state = State.NEW;
                trace("log-recover-failed", "error=" + e.getClass().getSimpleName());
                promise.fail(e instanceof LogCorruptedException ? e : new IllegalStateException(
                        "recovery of object " + id.hex() + " failed: " + e.getMessage(), e));
            }
        }, promise::fail));
        return promise;
    }

    /** What the scan of the segment files found. */
    private record Scan(List<LogFormat.Record> records, Segment cutSegment, long cutOffset, long firstMissingSeq) {
    }

    private Recovery scanAndRepair() {
        closeHandles();
        segments.clear();
        snapshots.clear();
        marks.clear();
        current = null;
        created = false;
        lastAppendedSeq = 0;
        durableSeq = 0;

        if (!disk.exists(metaPath)) {
            // Never created, or an unfinished creation or destroy: nothing was acknowledged.
            List<String> leftovers = disk.list(dir);
            for (String name : leftovers) disk.delete(dir + "/" + name);
            if (!leftovers.isEmpty()) {
                dirtyDirs.add(dir);
                issuedTicket++;
            }
            trace("log-recover", "seq=0 snapshot=none entries=0 cut=0 leftovers=" + leftovers.size());
            return new Recovery(Optional.empty(), List.of(), List.of());
        }
        created = true;
        metaFile = disk.open(metaPath, false);
        Optional<LogFormat.Meta> meta = LogFormat.decodeMeta(metaFile.readFully(0, (int) metaFile.size()));
        if (meta.isPresent() && !(meta.get().namespace().equals(namespace) && meta.get().id().equals(id))) {
            throw new IllegalStateException("directory '" + dir + "' belongs to object " + meta.get().id().hex()
                    + " of namespace '" + meta.get().namespace() + "', not to " + id.hex() + " of '" + namespace
                    + "' (namespaces differing only in case on a case-insensitive file system?)");
        }
        if (meta.isEmpty()) {
            // Torn at creation or damaged; everything in it is known from the path (the name is a
            // convenience), so rewrite it rather than lose the object.
            byte[] rewritten = LogFormat.encodeMeta(namespace, id);
            metaFile.truncate(0);
            metaFile.write(0, rewritten, 0, rewritten.length);
            dirtyFiles.put(metaPath, metaFile);
            issuedTicket++;
            trace("log-meta-rewritten", "path=" + metaPath);
        }

        TreeMap<Long, String> segmentPaths = new TreeMap<>();
        for (String name : disk.list(dir)) {
            String path = dir + "/" + name;
            if (name.endsWith(LogLayout.TMP_SUFFIX)) {
                disk.delete(path); // an unfinished snapshot
                dirtyDirs.add(dir);
                issuedTicket++;
                continue;
            }
            LogLayout.segmentSeq(name).ifPresent(seq -> segmentPaths.put(seq, path));
            LogLayout.snapshotSeq(name).ifPresent(snapshots::add);
        }
        for (Map.Entry<Long, String> e : segmentPaths.entrySet()) {
            DiskFile file = disk.open(e.getValue(), false);
            segments.put(e.getKey(), new Segment(e.getKey(), e.getValue(), file, file.size()));
        }

        Scan scan = scanSegments();
        long latestSnapshot = snapshots.isEmpty() ? -1 : snapshots.last();
        long cutBytes = 0;
        if (scan.cutSegment() != null) {
            if (scan.firstMissingSeq() <= latestSnapshot) {
                throw corrupted(scan.cutSegment().path, scan.cutOffset(), "batch " + scan.firstMissingSeq()
                        + " is damaged or missing, but snapshot " + latestSnapshot + " proves it was durable");
            }
            cutBytes = cutTail(scan.cutSegment(), scan.cutOffset());
        }
        List<LogFormat.Record> records = scan.records();
        long lastRecordSeq = records.isEmpty() ? -1 : records.getLast().seq();
        if (!segments.isEmpty()) {
            long firstSeq = segments.firstKey();
            if (firstSeq > Math.max(latestSnapshot, 0) + 1) {
                throw corrupted(segments.firstEntry().getValue().path, 0, "the log starts at batch " + firstSeq
                        + " but no snapshot covers the batches before it (latest snapshot: "
                        + (latestSnapshot < 0 ? "none" : latestSnapshot) + ")");
            }
        }
        if (lastRecordSeq >= 0 && lastRecordSeq < latestSnapshot) {
            throw corrupted(segments.lastEntry().getValue().path, segments.lastEntry().getValue().size,
                    "the log ends at batch " + lastRecordSeq + " before snapshot " + latestSnapshot);
        }
        long lastSeq = Math.max(Math.max(lastRecordSeq, latestSnapshot), 0);
        Segment last = segments.isEmpty() ? null : segments.lastEntry().getValue();
        if (last != null && last.lastSeq != lastSeq) {
            // Only an empty segment ahead of a snapshot can get here; it holds nothing.
            Invariants.check(last.size == 0, "object %s: segment %s ends at %d, the log at %d",
                    id.hex(), last.path, last.lastSeq, lastSeq);
            removeSegment(last);
            last = null;
        }
        current = last;
        lastAppendedSeq = lastSeq;
        durableSeq = lastSeq;
        for (LogFormat.Record r : records) marks.put(r.seq(), r.wallMillis());

        // Make what was read durable (see recover()); the ancestors too, once per incarnation.
        for (Segment s : segments.values()) dirtyFiles.put(s.path, s.file);
        markEntryDirty(store.root());
        markEntryDirty(LogLayout.parent(dir));
        markEntryDirty(dir);
        dirtyDirs.add(dir);
        issuedTicket++;

        Optional<Snapshot> snapshot = latestSnapshot < 0 ? Optional.empty() : Optional.of(readSnapshot(latestSnapshot));
        List<LogEntry> entries = new ArrayList<>();
        for (LogFormat.Record r : records) if (r.seq() > latestSnapshot) entries.add(r.entry());
        trace("log-recover", "seq=" + lastSeq + " snapshot=" + (latestSnapshot < 0 ? "none" : latestSnapshot)
                + " entries=" + entries.size() + " cut=" + cutBytes);
        return new Recovery(snapshot, entries, retainedMarks());
    }

    /**
     * Reads the segments in order and keeps the longest run of valid records with consecutive
     * sequence numbers. At the first anomaly (a record that fails its checksum, a wrong sequence
     * number, a segment that does not start where the previous one ended) it looks at everything
     * after: a valid record there whose durableThrough reaches the missing batch proves that batch
     * was acknowledged, so the damage is corruption of synced data, reported, never cut.
     */
    private Scan scanSegments() {
        List<LogFormat.Record> records = new ArrayList<>();
        Segment cutSegment = null;
        long cutOffset = 0;
        long expected = -1;
        Segment previous = null;
        for (Segment segment : segments.values()) {
            byte[] bytes = segment.file.readFully(0, (int) segment.size);
            if (cutSegment != null) {
                lookForProof(bytes, 0, expected, segment, cutSegment, cutOffset);
                continue;
            }
            if (expected < 0) expected = segment.firstSeq;
            if (segment.firstSeq != expected) {
                cutSegment = previous;
                cutOffset = previous.size;
                lookForProof(bytes, 0, expected, segment, cutSegment, cutOffset);
                continue;
            }
            int offset = 0;
            while (offset < bytes.length) {
                Optional<LogFormat.Record> r = LogFormat.decodeRecord(bytes, offset, verifyChecksums);
                if (r.isEmpty() || r.get().seq() != expected) {
                    cutSegment = segment;
                    cutOffset = offset;
                    lookForProof(bytes, offset, expected, segment, cutSegment, cutOffset);
                    break;
                }
                records.add(r.get());
                segment.lastSeq = expected;
                expected++;
                offset = (int) r.get().end();
            }
            previous = segment;
        }
        return new Scan(records, cutSegment, cutOffset, expected);
    }

    private void lookForProof(byte[] bytes, int from, long missingSeq, Segment in, Segment cutSegment, long cutOffset) {
        for (Optional<LogFormat.Record> r = LogFormat.nextValidRecord(bytes, from, verifyChecksums); r.isPresent();
                r = LogFormat.nextValidRecord(bytes, (int) r.get().end(), verifyChecksums)) {
            if (r.get().durableThrough() >= missingSeq) {
                throw corrupted(cutSegment.path, cutOffset, "batch " + missingSeq + " is damaged or missing, but batch "
                        + r.get().seq() + " (file '" + in.path + "', offset " + r.get().offset() + "), written later, records "
                        + "that batches up to " + r.get().durableThrough() + " were durable: acknowledged data is lost");
            }
        }
    }

    /** Cuts the unacknowledged tail: truncates at the cut, deletes later segments; returns the bytes dropped. */
    private long cutTail(Segment segment, long offset) {
        long dropped = segment.size - offset;
        if (dropped > 0) {
            segment.file.truncate(offset);
            segment.size = offset;
            dirtyFiles.put(segment.path, segment.file);
            issuedTicket++;
        }
        trace("log-cut", "path=" + segment.path + " offset=" + offset + " bytes=" + dropped);
        for (Segment later : new ArrayList<>(segments.tailMap(segment.firstSeq, false).values())) {
            dropped += later.size;
            trace("log-cut", "path=" + later.path + " offset=0 bytes=" + later.size);
            removeSegment(later);
        }
        return dropped;
    }

    private void removeSegment(Segment segment) {
        segment.file.close();
        disk.delete(segment.path);
        segments.remove(segment.firstSeq);
        dirtyFiles.remove(segment.path);
        dirtyDirs.add(dir);
        issuedTicket++;
    }

    private Snapshot readSnapshot(long seq) {
        String path = dir + "/" + LogLayout.snapshotName(seq);
        byte[] bytes;
        try (DiskFile file = disk.open(path, false)) {
            bytes = file.readFully(0, (int) file.size());
        }
        Optional<Snapshot> snapshot = LogFormat.decodeSnapshot(bytes, verifyChecksums);
        if (snapshot.isEmpty() || snapshot.get().seq() != seq) {
            throw corrupted(path, 0, "snapshot " + seq + " fails its checksum; it was synced before it got its name, "
                    + "so this is damage to durable data");
        }
        return snapshot.get();
    }

    private List<Recovery.Mark> retainedMarks() {
        List<Recovery.Mark> out = new ArrayList<>(marks.size());
        for (Map.Entry<Long, Long> e : marks.entrySet()) out.add(new Recovery.Mark(e.getKey(), e.getValue()));
        return out;
    }

    // =============================================================================================
    // point-in-time recovery

    @Override
    public Promise<Recovery> recoverAt(long seq) {
        if (state != State.READY) return Promise.failed(loop, notReady("recoverAt(" + seq + ")"));
        if (seq < 0 || seq > durableSeq) {
            return Promise.failed(loop, new IllegalArgumentException("cannot recover object " + id.hex() + " as of batch "
                    + seq + ": the last durable batch is " + durableSeq));
        }
        Long base = snapshots.floor(seq);
        long from = base == null ? 0 : base; // no snapshot: start from the empty state
        boolean retained = seq == from || (!marks.isEmpty() && marks.firstKey() <= from + 1);
        if (!retained) {
            return Promise.failed(loop, new IllegalArgumentException("batch " + seq + " of object " + id.hex()
                    + " is no longer retained: the oldest recoverable batch is " + oldestRecoverable()
                    + " (retention " + options.retentionMillis() + " ms)"));
        }
        try {
            Optional<Snapshot> snapshot = base == null ? Optional.empty() : Optional.of(readSnapshot(base));
            List<LogEntry> entries = readRecords(from + 1, seq);
            return Promise.succeeded(loop, new Recovery(snapshot, entries, retainedMarks()));
        } catch (RuntimeException e) {
            return Promise.failed(loop, e instanceof LogCorruptedException ? e : new IllegalStateException(
                    "point-in-time recovery of object " + id.hex() + " failed: " + e.getMessage(), e));
        }
    }

    private long oldestRecoverable() {
        if (!marks.isEmpty() && marks.firstKey() == 1) return 0;
        return snapshots.isEmpty() ? lastAppendedSeq : snapshots.first();
    }

    /** The records {@code from..to} (inclusive), verified again on the way. */
    private List<LogEntry> readRecords(long from, long to) {
        List<LogEntry> out = new ArrayList<>();
        if (from > to) return out;
        Long startKey = segments.floorKey(from);
        for (Segment segment : segments.tailMap(startKey == null ? from : startKey, true).values()) {
            if (segment.firstSeq > to) break;
            byte[] bytes = segment.file.readFully(0, (int) Math.min(segment.size, segment.file.size()));
            int offset = 0;
            long expected = segment.firstSeq;
            while (expected <= Math.min(to, segment.lastSeq)) {
                Optional<LogFormat.Record> r = LogFormat.decodeRecord(bytes, offset, verifyChecksums);
                if (r.isEmpty() || r.get().seq() != expected) {
                    throw corrupted(segment.path, offset, "batch " + expected + " no longer reads back as written");
                }
                if (expected >= from) out.add(r.get().entry());
                offset = (int) r.get().end();
                expected++;
            }
        }
        Invariants.check(out.size() == to - from + 1, "object %s: read %d batches for %d..%d", id.hex(), out.size(), from, to);
        return out;
    }

    // =============================================================================================
    // snapshots and retention

    @Override
    public Promise<Void> snapshot(Snapshot snapshot) {
        if (state != State.READY) return Promise.failed(loop, notReady("snapshot batch " + snapshot.seq()));
        if (snapshot.seq() > lastAppendedSeq) {
            return Promise.failed(loop, new IllegalArgumentException("snapshot of batch " + snapshot.seq()
                    + " of object " + id.hex() + ", but the log's last batch is " + lastAppendedSeq));
        }
        if (!snapshots.isEmpty() && snapshot.seq() < snapshots.last()) {
            return Promise.failed(loop, new IllegalArgumentException("snapshot of batch " + snapshot.seq()
                    + " is older than the latest snapshot (batch " + snapshots.last() + ")"));
        }
        Promise<Void> promise = Promise.on(loop);
        try {
            ensureCreated();
        } catch (DiskException e) {
            return Promise.failed(loop, e);
        }
        long ticket = issuedTicket;
        Promise<Void> previous = maintenance;
        maintenance = promise.recover(e -> null);
        // A snapshot is written only after the batches it covers are durable: its existence then
        // proves them durable (recovery relies on that), and the log never ends before it.
        previous.whenComplete((v, e) -> waitDurable(ticket, () -> writeSnapshot(snapshot, promise), promise::fail));
        return promise;
    }

    /**
     * Makes this empty log begin at {@code base} rather than at batch 1: {@code base} becomes its
     * first snapshot and the next append is batch {@code base.seq() + 1}. For a replica installing
     * an adopted log whose older batches were dropped. The log must be recovered and hold nothing
     * (fresh, or destroyed and recovered again). Durable when the promise completes; wait for it
     * before appending (an append written before the snapshot is durable could outlive it in a
     * crash, and recovery would then report a log that starts after its snapshot).
     */
    Promise<Void> startFrom(Snapshot base) {
        if (state != State.READY) return Promise.failed(loop, notReady("start from snapshot " + base.seq()));
        if (lastAppendedSeq != 0 || !snapshots.isEmpty() || !segments.isEmpty()) {
            return Promise.failed(loop, new IllegalStateException("object log " + id.hex() + ": only an empty log can start "
                    + "from a snapshot, but it holds batches through " + lastAppendedSeq));
        }
        lastAppendedSeq = base.seq(); // so that snapshot() accepts it and the next append is base.seq() + 1
        Promise<Void> written = snapshot(base);
        written.whenComplete((v, e) -> {
            if (e == null) {
                durableSeq = Math.max(durableSeq, base.seq());
            } else if (snapshots.isEmpty() && lastAppendedSeq == base.seq()) {
                lastAppendedSeq = 0; // nothing was written: still the empty log
            }
        });
        return written;
    }

    private void writeSnapshot(Snapshot snapshot, Promise<Void> promise) {
        String finalPath = dir + "/" + LogLayout.snapshotName(snapshot.seq());
        String tmpPath = finalPath + LogLayout.TMP_SUFFIX;
        DiskFile tmp;
        try {
            disk.delete(tmpPath);
            tmp = disk.open(tmpPath, true);
            byte[] bytes = LogFormat.encodeSnapshot(snapshot);
            try {
                tmp.write(0, bytes, 0, bytes.length);
            } catch (DiskException e) {
                tmp.close();
                disk.delete(tmpPath); // only a temporary file was touched: fail without exiting
                throw e;
            }
        } catch (DiskException e) {
            trace("log-snapshot-failed", "seq=" + snapshot.seq() + " error=" + e.kind());
            promise.fail(e.kind() == DiskException.Kind.NO_SPACE
                    ? new DuroException(ErrorCode.UNAVAILABLE, "disk full: snapshot of batch " + snapshot.seq()
                            + " of object " + id.hex() + " was not written; the log is unchanged", e)
                    : e);
            return;
        }
        tmp.sync().flatMap(v -> {
            tmp.close();
            disk.rename(tmpPath, finalPath);
            return disk.syncDirectory(dir);
        }).whenComplete((v, e) -> {
            if (e != null) {
                failStop("log-snapshot-sync-failed", e);
                promise.fail(e);
                return;
            }
            snapshots.add(snapshot.seq());
            // Later batches go to a new segment, so older segments can be dropped whole.
            if (current != null && current.size > 0) current = null;
            Expired expired = dropExpired();
            trace("log-snapshot", "seq=" + snapshot.seq() + " droppedSegments=" + expired.segments()
                    + " droppedSnapshots=" + expired.snapshots());
            deleteInOrder(expired.paths()).whenComplete((v2, e2) -> {
                if (e2 != null) {
                    failStop("log-snapshot-sync-failed", e2);
                    promise.fail(e2);
                    return;
                }
                promise.complete(null);
            });
        });
    }

    /** Files {@link #dropExpired()} chose to delete, oldest first, and how many of each kind. */
    private record Expired(List<String> paths, int segments, int snapshots) {
    }

    /**
     * Forgets segments and snapshots that neither {@link #recover()} nor a point-in-time recovery
     * inside the retention window needs. The window starts at the first batch whose wall time is
     * within {@code retentionMillis} of now; the base is the latest snapshot at or before it;
     * everything entirely before the base goes.
     */
    private Expired dropExpired() {
        long cutoffMillis = world.clock().wallMillis() - options.retentionMillis();
        long windowStart = lastAppendedSeq + 1;
        for (Map.Entry<Long, Long> e : marks.entrySet()) {
            if (e.getValue() >= cutoffMillis) {
                windowStart = e.getKey();
                break;
            }
        }
        Long base = snapshots.floor(windowStart);
        List<String> doomed = new ArrayList<>();
        int segmentsDropped = 0;
        int snapshotsDropped = 0;
        if (base != null) {
            for (Segment segment : new ArrayList<>(segments.values())) {
                boolean unneeded = segment != current && segment.lastSeq <= base && segment.lastSeq <= durableSeq
                        && !dirtyFiles.containsKey(segment.path);
                if (!unneeded) break; // deletion keeps a contiguous suffix of the log
                segment.file.close();
                segments.remove(segment.firstSeq);
                marks.headMap(segment.lastSeq, true).clear();
                doomed.add(segment.path);
                segmentsDropped++;
            }
            for (Long seq : new ArrayList<>(snapshots.headSet(base, false))) {
                snapshots.remove(seq);
                doomed.add(dir + "/" + LogLayout.snapshotName(seq));
                snapshotsDropped++;
            }
        }
        return new Expired(doomed, segmentsDropped, snapshotsDropped);
    }

    /**
     * Deletes oldest first, each durable before the next, so a crash leaves a contiguous suffix of
     * the log whatever the file system's order of directory updates.
     */
    private Promise<Void> deleteInOrder(List<String> paths) {
        Promise<Void> chain = Promise.succeeded(loop, null);
        for (String path : paths) {
            chain = chain.flatMap(v -> {
                disk.delete(path);
                return disk.syncDirectory(dir);
            });
        }
        return chain;
    }

    // =============================================================================================
    // destroy

    @Override
    public Promise<Void> destroy() {
        if (state == State.BROKEN || state == State.RECOVERING || state == State.DESTROYING) {
            return Promise.failed(loop, notReady("destroy"));
        }
        state = State.DESTROYING;
        Promise<Void> promise = Promise.on(loop);
        Promise<Void> previous = maintenance;
        maintenance = promise.recover(e -> null);
        previous.whenComplete((v, e) -> waitDurable(issuedTicket, () -> deleteAll(promise), promise::fail));
        return promise;
    }

    /** Meta first (the object is gone once that is durable), then the rest. The directory stays (the Disk cannot delete directories). */
    private void deleteAll(Promise<Void> promise) {
        closeHandles();
        Promise<Void> chain = Promise.succeeded(loop, null);
        if (disk.exists(metaPath)) {
            chain = chain.flatMap(v -> {
                disk.delete(metaPath);
                return disk.syncDirectory(dir);
            });
        }
        chain.flatMap(v -> {
            List<String> rest = disk.list(dir);
            if (rest.isEmpty()) return Promise.<Void>succeeded(loop, null);
            for (String name : rest) disk.delete(dir + "/" + name);
            return disk.syncDirectory(dir);
        }).whenComplete((v, e) -> {
            if (e != null) {
                failStop("log-destroy-failed", e);
                promise.fail(e);
                return;
            }
            segments.clear();
            snapshots.clear();
            marks.clear();
            current = null;
            created = false;
            lastAppendedSeq = 0;
            durableSeq = 0;
            state = State.NEW;
            trace("log-destroy", "done=true");
            promise.complete(null);
        });
    }

    // =============================================================================================
    // release

    @Override
    public boolean releaseHandles() {
        boolean idle = (state == State.NEW || state == State.READY || state == State.POISONED) && !roundInFlight
                && waiters.isEmpty() && dirtyFiles.isEmpty() && dirtyDirs.isEmpty() && maintenance.isDone()
                && durableSeq == lastAppendedSeq;
        if (!idle) return false;
        closeHandles();
        segments.clear();
        snapshots.clear();
        marks.clear();
        current = null;
        state = State.NEW;
        trace("log-release", "");
        return true;
    }

    // =============================================================================================
    // helpers

    private void closeHandles() {
        for (Segment s : segments.values()) s.file.close();
        if (metaFile != null) {
            metaFile.close();
            metaFile = null;
        }
        dirtyFiles.clear();
    }

    private IllegalStateException notReady(String what) {
        String why = switch (state) {
            case NEW -> "call recover() first";
            case RECOVERING -> "recovery is in progress";
            case READY -> "it is ready (a bug if you see this)";
            case POISONED -> "an earlier append failed (disk full); call recover() before appending again";
            case DESTROYING -> "the log is being destroyed";
            case BROKEN -> "a disk sync failed and the process is exiting (fail-stop)";
        };
        return new IllegalStateException("object log " + id.hex() + ": cannot " + what + ": " + why);
    }

    private IllegalStateException brokenError() {
        return new IllegalStateException("object log " + id.hex() + ": a disk sync failed; the process is exiting (fail-stop)");
    }

    private LogCorruptedException corrupted(String path, long offset, String message) {
        trace("log-corrupt", "path=" + path + " offset=" + offset);
        return new LogCorruptedException(path, offset, "object " + id.hex() + " of namespace '" + namespace
                + "': " + message + ". One node holds a single copy and cannot repair it; restore the object from a replica or backup");
    }

    private void trace(String kind, String detail) {
        world.trace().record(kind, "id=" + id.hex() + " " + detail);
    }
}
