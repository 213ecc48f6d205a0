package dev.duro.sim.disk;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.duro.model.async.Promise;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TraceSink;
import dev.duro.sim.disk.Inode.DirInode;
import dev.duro.sim.disk.Inode.FileInode;
import dev.duro.sim.disk.Inode.PendingOp;
import dev.duro.sim.disk.Inode.Truncate;
import dev.duro.sim.disk.Inode.Write;
import dev.duro.sim.trace.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A simulated disk on an in-memory jimfs filesystem, with a crash model and injectable faults.
 *
 * <p><b>State.</b> Files and directories are inodes. Each file has a <i>durable</i> content (a
 * jimfs file, written only by completed syncs and by the crash model) and a <i>volatile</i>
 * content (a second jimfs file, made on the first change after a crash; what reads see), plus the
 * ordered log of its unsynced writes and truncations. Each directory has volatile entries (what
 * {@code list} and {@code open} see) and durable entries (set by its last completed directory
 * sync). What survives a crash is what is reachable from the root through durable entries, with
 * durable contents.
 *
 * <p><b>Durability.</b> {@code DiskFile.sync()} snapshots the file's op log at the call; when it
 * completes (after a drawn latency, on the mounting loop) exactly those ops are applied to the
 * durable content, in order. Later writes are not made durable by it. {@code syncDirectory(dir)}
 * snapshots the directory's entries likewise. A sync in flight at a crash has no effect.
 *
 * <p><b>Crash model</b> ({@link #crash()}). Every unsynced write is lost, except that with
 * {@link DiskFaultConfig#tornWriteProbability()} it may be torn: a prefix or an arbitrary subset of
 * the sectors it touched (sectors aligned to file offsets) persists, and with
 * {@link DiskFaultConfig#corruptSectorProbability()} each persisted sector may hold garbage.
 * Unsynced truncations are lost. Files and directories not durably linked from the root vanish,
 * whatever their data's state. Open handles and pending sync completions of the crashed
 * incarnation die.
 *
 * <p><b>Faults a nemesis injects</b>, all counted in {@link #stats()} and recorded to the trace:
 * read errors ({@link #failReads}, or a rate), bit flips in durable data ({@link #injectBitFlips}),
 * a full disk ({@link #setFull}, or {@link DiskFaultConfig#capacityBytes()}), slow syncs
 * ({@link #slowFsync}, or a rate), failing syncs ({@link #failNextSyncs}, or a rate; a failed sync
 * drops the unsynced writes it covered, as Linux may after an fsync error), torn and corrupt
 * writes at a crash (rates).
 *
 * <p><b>Not modelled:</b> reordering or loss of synced data other than by bit flips; misdirected
 * or lost writes to synced regions; partial directory syncs; metadata (times, permissions);
 * renaming directories; write errors other than {@code NO_SPACE}; torn truncations. Synced data
 * never goes backwards.
 *
 * <p><b>Determinism.</b> Every fault decision draws from a purpose-specific stream derived from
 * the constructor's {@link Entropy} (sync latency, sync failure, read errors, crash, bit flips),
 * and a disabled fault draws nothing. Iteration is by inode id or sorted name. The jimfs
 * filesystem is private to the device; its random name and its file times (fixed at the epoch)
 * never reach behaviour or the trace. Not thread-safe: the simulator drives it from one thread.
 */
public final class SimDiskDevice implements DiskDevice, AutoCloseable {
    private static final long ROOT_ID = 0;

    private final FileSystem fs;
    private final Path inodeDir;
    private final Path volatileDir;
    private final Entropy latencyEntropy;
    private final Entropy syncFailureEntropy;
    private final Entropy readEntropy;
    private final Entropy crashEntropy;
    private final Entropy bitFlipEntropy;

    private DiskFaultConfig config;
    private final DirInode root = new DirInode(ROOT_ID);
    /** Every allocated file by id: the only collection the crash model and bit flips iterate. */
    private final TreeMap<Long, FileInode> files = new TreeMap<>();
    private long nextInodeId = ROOT_ID + 1;
    private long nextOpSeq = 1;
    /** Bumped by every mount and crash; handles and completions of an older value are dead. */
    private long incarnation;
    private boolean mounted;
    private Loop loop;
    private TraceSink trace = TraceSink.NONE;
    /** Sum of the files' volatile sizes: what the capacity limit is checked against. */
    private long usedBytes;

    // Nemesis state.
    private boolean full;
    private double slowFsyncFactor = 1.0;
    private int failNextSyncs;
    private final List<ReadFaultRule> readRules = new ArrayList<>();

    // Stats.
    private long bytesWritten;
    private long writes;
    private long bytesSynced;
    private long syncs;
    private long directorySyncs;
    private long lostWrites;
    private long crashes;
    private final EnumMap<DiskFaultKind, Long> faults = new EnumMap<>(DiskFaultKind.class);

    /**
     * A blank device (an empty root directory).
     *
     * @param config fault rates and sync latency; replaceable later with {@link #reconfigure}
     * @param entropy the device's stream; fault decisions use streams derived from it by purpose
     */
    public SimDiskDevice(DiskFaultConfig config, Entropy entropy) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(entropy, "entropy");
        this.latencyEntropy = entropy.derive("disk/sync-latency");
        this.syncFailureEntropy = entropy.derive("disk/sync-failure");
        this.readEntropy = entropy.derive("disk/read-error");
        this.crashEntropy = entropy.derive("disk/crash");
        this.bitFlipEntropy = entropy.derive("disk/bit-flip");
        // File times would come from the host clock; fix them so nothing time-dependent exists.
        Configuration jimfsConfig = Configuration.unix().toBuilder()
                .setFileTimeSource(() -> FileTime.fromMillis(0))
                .build();
        this.fs = Jimfs.newFileSystem(jimfsConfig);
        this.inodeDir = fs.getPath("/durable");
        this.volatileDir = fs.getPath("/volatile");
        ioRun(() -> {
            Files.createDirectory(inodeDir);
            Files.createDirectory(volatileDir);
        });
        for (DiskFaultKind kind : DiskFaultKind.values()) faults.put(kind, 0L);
    }

    // ---------------------------------------------------------------------------------------------
    // DiskDevice

    @Override
    public Disk mount(Loop loop, TraceSink trace) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.trace = Objects.requireNonNull(trace, "trace");
        incarnation++;
        mounted = true;
        // Handles and directory-sync snapshots of an earlier incarnation are dead (after a crash
        // these counts are zero already; after a clean restart the earlier process just exited).
        for (FileInode file : new ArrayList<>(files.values())) {
            file.openHandles = 0;
            file.snapshotRefs = 0;
            maybeFree(file);
        }
        trace.record("disk-mount", "incarnation=" + incarnation + " files=" + files.size()
                + " usedBytes=" + usedBytes);
        return new SimDisk(this, incarnation);
    }

    @Override
    public void crash() {
        incarnation++;
        mounted = false;
        loop = null;
        crashes++;
        TreeSet<Long> reachableFiles = new TreeSet<>();
        List<DirInode> reachableDirs = new ArrayList<>();
        collectDurablyReachable(root, reachableDirs, reachableFiles);

        long lost = 0;
        long torn = 0;
        for (FileInode file : files.values()) {
            if (!reachableFiles.contains(file.id)) {
                lost += countWrites(file.pending);
                continue;
            }
            for (PendingOp op : file.pending) {
                if (!(op instanceof Write write)) continue; // unsynced truncations are lost
                if (tearAtCrash(file, write)) torn++;
                else lost++;
            }
        }
        lostWrites += lost;

        // Rebuild the volatile state from the durable one.
        for (FileInode file : new ArrayList<>(files.values())) {
            file.pending.clear();
            file.openHandles = 0;
            file.snapshotRefs = 0;
            file.volatileLinks = 0;
            file.durableLinks = 0;
            dropVolatileCopy(file);
            if (!reachableFiles.contains(file.id)) free(file);
        }
        for (DirInode dir : reachableDirs) {
            dir.entries.clear();
            dir.entries.putAll(dir.durableEntries);
            dir.version = dir.durableVersion;
            for (Inode child : dir.durableEntries.values()) {
                if (child instanceof FileInode file) {
                    file.volatileLinks++;
                    file.durableLinks++;
                }
            }
        }
        usedBytes = 0;
        for (FileInode file : files.values()) usedBytes += file.volatileSize;
        trace.record("disk-crash", "incarnation=" + incarnation + " lostWrites=" + lost + " tornWrites=" + torn
                + " filesSurviving=" + files.size());
        checkConsistent();
    }

    /** Releases the jimfs filesystem. The device is unusable afterwards. */
    @Override
    public void close() {
        ioRun(fs::close);
    }

    // ---------------------------------------------------------------------------------------------
    // Nemesis

    /** The fault rates in force. */
    public DiskFaultConfig config() {
        return config;
    }

    /** Replaces the fault rates from now on (a swarm nemesis may change them mid-run). */
    public void reconfigure(DiskFaultConfig newConfig) {
        this.config = Objects.requireNonNull(newConfig, "newConfig");
        trace.record("disk-nemesis", "reconfigure " + newConfig);
    }

    /** While true, every write that would grow a file throws {@code NO_SPACE}; overwrites still work. */
    public void setFull(boolean isFull) {
        this.full = isFull;
        trace.record("disk-nemesis", "full=" + isFull);
    }

    /** Whether {@link #setFull} holds the disk full now (the capacity limit aside). */
    public boolean isFull() {
        return full;
    }

    /** Multiplies every sync latency by {@code factor} until called again with 1. */
    public void slowFsync(double factor) {
        Invariants.check(factor >= 1.0, "slow-fsync factor must be >= 1, was %s", factor);
        this.slowFsyncFactor = factor;
        trace.record("disk-nemesis", "slowFsyncFactor=" + factor);
    }

    /** The next {@code count} file or directory syncs issued fail with {@code IO_ERROR}. */
    public void failNextSyncs(int count) {
        Invariants.check(count >= 0, "count must be >= 0, was %d", count);
        this.failNextSyncs = count;
        trace.record("disk-nemesis", "failNextSyncs=" + count);
    }

    /** Adds a bad region: matching reads throw {@code IO_ERROR} until {@link #clearReadFaults()}. */
    public void failReads(ReadFaultRule rule) {
        readRules.add(Objects.requireNonNull(rule, "rule"));
        trace.record("disk-nemesis", "failReads " + rule);
    }

    public void clearReadFaults() {
        readRules.clear();
        trace.record("disk-nemesis", "clearReadFaults");
    }

    /**
     * Flips {@code bits} random bits in one sector-sized region of durable data, in a file chosen
     * at random among those with durable data. The node sees the flips on its next read unless it
     * has overwritten those bytes since its last sync. Returns the flips; empty if no file has
     * durable data.
     */
    public List<BitFlip> injectBitFlips(int bits) {
        Invariants.check(bits > 0, "bits must be positive, was %d", bits);
        List<FileInode> candidates = new ArrayList<>();
        for (FileInode file : files.values()) if (file.durableSize > 0) candidates.add(file);
        if (candidates.isEmpty()) {
            trace.record("disk-bit-flip", "no durable data to flip");
            return List.of();
        }
        FileInode file = candidates.get(bitFlipEntropy.nextInt(candidates.size()));
        long start = bitFlipEntropy.nextLong(file.durableSize);
        long regionBytes = Math.min(config.sectorBytes(), file.durableSize - start);
        return flipBits(file, start, regionBytes, bits);
    }

    /**
     * Flips {@code bits} random bits of the durable data of the file now named {@code path}, within
     * {@code [fromOffset, toOffset)} clipped to its durable size. Returns the flips; empty if that
     * range holds no durable data.
     */
    public List<BitFlip> injectBitFlips(String path, long fromOffset, long toOffset, int bits) {
        Invariants.check(bits > 0, "bits must be positive, was %d", bits);
        Invariants.check(0 <= fromOffset && fromOffset < toOffset, "bad range %d..%d", fromOffset, toOffset);
        Inode node = lookup(DiskPaths.file(path));
        if (!(node instanceof FileInode file)) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, path, "no such file to flip bits in");
        }
        long end = Math.min(toOffset, file.durableSize);
        if (fromOffset >= end) {
            trace.record("disk-bit-flip", "path=" + path + " no durable data in " + fromOffset + ".." + toOffset);
            return List.of();
        }
        return flipBits(file, fromOffset, end - fromOffset, bits);
    }

    /**
     * The disk is lost and replaced by a blank one (a dead drive swapped, a volume re-created): every
     * file and directory, durable or not, is gone. Only while the node is down (after
     * {@link #crash()}, before the next {@link #mount}), since a running node cannot lose its disk
     * under open handles in this model. Counted as {@link DiskFaultKind#LOST_DISK}; the caller
     * traces it (the crashed incarnation's trace sink is silent).
     */
    public void wipe() {
        Invariants.check(!mounted, "wipe() only while the node is down (crashed, not yet restarted)");
        for (FileInode file : new ArrayList<>(files.values())) free(file);
        wipeDirectory(root);
        usedBytes = 0;
        countFault(DiskFaultKind.LOST_DISK);
        checkConsistent();
    }

    private static void wipeDirectory(DirInode dir) {
        dir.entries.clear();
        dir.durableEntries.clear();
        dir.version++;
        dir.durableVersion = dir.version;
    }

    // ---------------------------------------------------------------------------------------------
    // Reports and tests

    public DiskStats stats() {
        return new DiskStats(bytesWritten, writes, bytesSynced, syncs, directorySyncs, lostWrites, crashes, faults);
    }

    /** Sum of file sizes as the node sees them; what {@link DiskFaultConfig#capacityBytes()} limits. */
    public long usedBytes() {
        return usedBytes;
    }

    /** Handles open now over every file (a handle leak shows here). */
    public int openHandles() {
        int n = 0;
        for (FileInode f : files.values()) n += f.openHandles;
        return n;
    }

    /**
     * What would survive a crash that tears nothing: every durably linked path with its durable
     * content, sorted. Directories appear as {@code "path/"} with empty content.
     */
    public SortedMap<String, byte[]> durableImage() {
        TreeMap<String, byte[]> image = new TreeMap<>();
        collectImage(root, "", image);
        return image;
    }

    // ---------------------------------------------------------------------------------------------
    // Namespace operations (called by SimDisk after its liveness check)

    SimDiskFile open(long handleIncarnation, String path, boolean create) {
        List<String> segments = DiskPaths.file(path);
        DirInode parent = parentOf(path, segments);
        String name = segments.get(segments.size() - 1);
        Inode node = parent.entries.get(name);
        if (node instanceof DirInode) throw new DiskException(DiskException.Kind.BAD_PATH, path, "is a directory");
        FileInode file = (FileInode) node;
        if (file == null) {
            if (!create) throw new DiskException(DiskException.Kind.NOT_FOUND, path, "no such file");
            file = allocateFile(path);
            parent.entries.put(name, file);
            parent.version++;
            file.volatileLinks++;
            trace.record("disk-create", path);
        }
        file.openHandles++;
        return new SimDiskFile(this, handleIncarnation, file, path);
    }

    boolean exists(String path) {
        return lookup(DiskPaths.directory(path)) != null;
    }

    List<String> list(String dir) {
        Inode node = lookup(DiskPaths.directory(dir));
        if (!(node instanceof DirInode d)) return List.of();
        return List.copyOf(d.entries.keySet());
    }

    void createDirectories(String dir) {
        List<String> segments = DiskPaths.directory(dir);
        DirInode current = root;
        String currentPath = "";
        for (String segment : segments) {
            currentPath = DiskPaths.join(currentPath, segment);
            Inode child = current.entries.get(segment);
            if (child instanceof FileInode) {
                throw new DiskException(DiskException.Kind.BAD_PATH, dir, "'" + currentPath + "' is a file");
            }
            if (child == null) {
                child = new DirInode(nextInodeId++);
                current.entries.put(segment, child);
                current.version++;
                trace.record("disk-mkdir", currentPath);
            }
            current = (DirInode) child;
        }
    }

    void delete(String path) {
        List<String> segments = DiskPaths.file(path);
        Inode parentNode = lookup(segments.subList(0, segments.size() - 1));
        if (!(parentNode instanceof DirInode parent)) return;
        String name = segments.get(segments.size() - 1);
        Inode node = parent.entries.get(name);
        if (node == null) return;
        if (node instanceof DirInode) {
            throw new DiskException(DiskException.Kind.BAD_PATH, path, "is a directory: only files are deleted");
        }
        FileInode file = (FileInode) node;
        parent.entries.remove(name);
        parent.version++;
        file.volatileLinks--;
        trace.record("disk-delete", path);
        maybeFree(file);
    }

    void rename(String from, String to) {
        List<String> fromSegments = DiskPaths.file(from);
        List<String> toSegments = DiskPaths.file(to);
        DirInode fromParent = parentOf(from, fromSegments);
        String fromName = fromSegments.get(fromSegments.size() - 1);
        Inode node = fromParent.entries.get(fromName);
        if (node == null) throw new DiskException(DiskException.Kind.NOT_FOUND, from, "no such file to rename");
        if (node instanceof DirInode) {
            throw new DiskException(DiskException.Kind.BAD_PATH, from, "renaming directories is not supported");
        }
        DirInode toParent = parentOf(to, toSegments);
        String toName = toSegments.get(toSegments.size() - 1);
        Inode replaced = toParent.entries.get(toName);
        if (replaced instanceof DirInode) {
            throw new DiskException(DiskException.Kind.BAD_PATH, to, "is a directory: cannot replace it with a file");
        }
        if (replaced == node) return; // same file: POSIX rename does nothing
        FileInode file = (FileInode) node;
        fromParent.entries.remove(fromName);
        fromParent.version++;
        toParent.entries.put(toName, file);
        toParent.version++;
        file.lastPath = to;
        trace.record("disk-rename", from + " -> " + to);
        if (replaced instanceof FileInode old) {
            old.volatileLinks--;
            maybeFree(old);
        }
    }

    Promise<Void> syncDirectory(long handleIncarnation, String dir) {
        Inode node = lookup(DiskPaths.directory(dir));
        if (!(node instanceof DirInode d)) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, dir, "no such directory to sync");
        }
        TreeMap<String, Inode> snapshot = new TreeMap<>(d.entries);
        for (Inode child : snapshot.values()) if (child instanceof FileInode f) f.snapshotRefs++;
        long version = d.version;
        boolean fail = drawSyncFailure();
        long latencyNanos = drawSyncLatencyNanos();
        directorySyncs++;
        Promise<Void> promise = Promise.on(loop);
        loop.schedule(latencyNanos,
                () -> completeDirectorySync(handleIncarnation, dir, d, snapshot, version, fail, promise));
        return promise;
    }

    private void completeDirectorySync(long handleIncarnation, String dirPath, DirInode dir,
            TreeMap<String, Inode> snapshot, long version, boolean fail, Promise<Void> promise) {
        if (handleIncarnation != incarnation) return; // crashed or remounted: never completes
        List<FileInode> touched = new ArrayList<>();
        for (Inode child : snapshot.values()) {
            if (child instanceof FileInode f) {
                f.snapshotRefs--;
                touched.add(f);
            }
        }
        if (fail) {
            countFault(DiskFaultKind.SYNC_FAILURE);
            trace.record("disk-sync-failure", "dir=" + dirPath);
            for (FileInode f : touched) maybeFree(f);
            promise.fail(new DiskException(DiskException.Kind.IO_ERROR, dirPath,
                    "directory sync failed (injected): its entry changes are not durable"));
            return;
        }
        // An older snapshot completing after a newer one must not roll the directory back.
        if (version > dir.durableVersion) {
            for (Inode old : dir.durableEntries.values()) {
                if (old instanceof FileInode f) {
                    f.durableLinks--;
                    touched.add(f);
                }
            }
            for (Inode now : snapshot.values()) if (now instanceof FileInode f) f.durableLinks++;
            dir.durableEntries.clear();
            dir.durableEntries.putAll(snapshot);
            dir.durableVersion = version;
        }
        trace.record("disk-dir-sync", "dir=" + dirPath + " entries=" + snapshot.size());
        for (FileInode f : touched) maybeFree(f);
        promise.complete(null);
    }

    // ---------------------------------------------------------------------------------------------
    // File operations (called by SimDiskFile after its liveness check)

    boolean isLive(long handleIncarnation) {
        return mounted && handleIncarnation == incarnation;
    }

    long size(FileInode file) {
        return file.volatileSize;
    }

    int read(FileInode file, String path, long position, byte[] into, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (position < 0) throw new IllegalArgumentException("negative position " + position);
        maybeFailRead(path, position, length);
        if (length == 0) return 0;
        if (position >= file.volatileSize) return -1;
        int n = (int) Math.min(length, file.volatileSize - position);
        FileChannel channel = file.volatileChannel != null ? file.volatileChannel : file.durable;
        readFully(channel, ByteBuffer.wrap(into, offset, n), position);
        return n;
    }

    void write(FileInode file, String path, long position, byte[] from, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, from.length);
        if (position < 0) throw new IllegalArgumentException("negative position " + position);
        if (length == 0) return;
        long end = Math.addExact(position, length);
        long growthBytes = Math.max(0, end - file.volatileSize);
        if (growthBytes > 0) checkSpace(path, growthBytes, length, position);
        materialize(file);
        writeFully(file.volatileChannel, ByteBuffer.wrap(from, offset, length), position);
        byte[] data = Arrays.copyOfRange(from, offset, offset + length);
        file.pending.add(new Write(nextOpSeq++, position, data));
        if (trace != TraceSink.NONE) { // the only per-write cost that nobody may be listening to
            // The content hash puts the bytes themselves under the run's digest.
            trace.record("disk-write", "path=" + path + " position=" + position + " length=" + length
                    + " hash=" + Long.toHexString(Trace.hashBytes(data)));
        }
        file.volatileSize = Math.max(file.volatileSize, end);
        usedBytes += growthBytes;
        bytesWritten += length;
        writes++;
    }

    void truncate(FileInode file, long size) {
        if (size < 0) throw new IllegalArgumentException("negative size " + size);
        if (size >= file.volatileSize) return;
        materialize(file);
        ioRun(() -> file.volatileChannel.truncate(size));
        file.pending.add(new Truncate(nextOpSeq++, size));
        trace.record("disk-truncate", "path=" + file.lastPath + " size=" + size);
        usedBytes -= file.volatileSize - size;
        file.volatileSize = size;
    }

    Promise<Void> sync(long handleIncarnation, FileInode file, String path) {
        long watermarkSeq = nextOpSeq; // the ops issued before this call
        boolean fail = drawSyncFailure();
        long latencyNanos = drawSyncLatencyNanos();
        syncs++;
        file.openHandles++; // keeps the inode alive until completion, even if the handle is closed
        long failuresAtIssue = file.syncFailures;
        Promise<Void> promise = Promise.on(loop);
        loop.schedule(latencyNanos,
                () -> completeSync(handleIncarnation, file, path, watermarkSeq, fail, failuresAtIssue, promise));
        return promise;
    }

    private void completeSync(long handleIncarnation, FileInode file, String path, long watermarkSeq,
            boolean injectedFailure, long failuresAtIssue, Promise<Void> promise) {
        if (handleIncarnation != incarnation) return; // crashed or remounted: never completes
        int covered = 0;
        while (covered < file.pending.size() && file.pending.get(covered).seq() < watermarkSeq) covered++;
        List<PendingOp> ops = file.pending.subList(0, covered);
        // A failure of another sync while this one was in flight may have dropped writes this one
        // covered; like Linux's per-file error sequence, this one reports the error too.
        boolean inheritedFailure = file.syncFailures > failuresAtIssue;
        if (injectedFailure || inheritedFailure) {
            long dropped = countWrites(ops);
            lostWrites += dropped;
            ops.clear();
            file.syncFailures++;
            if (injectedFailure) countFault(DiskFaultKind.SYNC_FAILURE);
            trace.record("disk-sync-failure", "path=" + path + " droppedWrites=" + dropped
                    + (injectedFailure ? "" : " (error of a concurrent sync)"));
            file.openHandles--;
            maybeFree(file);
            promise.fail(new DiskException(DiskException.Kind.IO_ERROR, path, injectedFailure
                    ? "fsync failed (injected): the " + dropped + " unsynced writes it covered are lost"
                    : "fsync failed: a concurrent failed fsync dropped unsynced writes of this file"));
            return;
        }
        long syncedBytes = 0;
        for (PendingOp op : ops) {
            switch (op) {
                case Write w -> {
                    writeFully(file.durable, ByteBuffer.wrap(w.bytes()), w.position());
                    file.durableSize = Math.max(file.durableSize, w.position() + w.bytes().length);
                    syncedBytes += w.bytes().length;
                }
                case Truncate t -> {
                    if (t.size() < file.durableSize) {
                        ioRun(() -> file.durable.truncate(t.size()));
                        file.durableSize = t.size();
                    }
                }
            }
        }
        ops.clear();
        bytesSynced += syncedBytes;
        Invariants.check(file.durableSize == io(file.durable::size), "durable size of %s out of step", path);
        trace.record("disk-sync", "path=" + path + " bytes=" + syncedBytes);
        file.openHandles--;
        maybeFree(file);
        promise.complete(null);
    }

    void closeHandle(FileInode file) {
        file.openHandles--;
        Invariants.check(file.openHandles >= 0, "negative handle count on %s", file.lastPath);
        maybeFree(file);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals

    private FileInode allocateFile(String path) {
        long id = nextInodeId++;
        Path durablePath = inodeDir.resolve(Long.toString(id));
        FileChannel channel = io(() -> FileChannel.open(durablePath,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
        FileInode file = new FileInode(id, durablePath, channel, path);
        files.put(id, file);
        return file;
    }

    /** Gives the file its own volatile copy, so that writes stop sharing the durable bytes. */
    private void materialize(FileInode file) {
        if (file.volatileChannel != null) return;
        Invariants.check(file.volatileSize == file.durableSize && file.pending.isEmpty(),
                "file %s has no volatile copy but differs from its durable content", file.lastPath);
        Path path = volatileDir.resolve(Long.toString(file.id));
        file.volatilePath = path;
        file.volatileChannel = io(() -> {
            Files.copy(file.durablePath, path);
            return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        });
    }

    private void dropVolatileCopy(FileInode file) {
        if (file.volatileChannel != null) {
            ioRun(() -> {
                file.volatileChannel.close();
                Files.delete(file.volatilePath);
            });
            file.volatileChannel = null;
            file.volatilePath = null;
        }
        file.volatileSize = file.durableSize;
    }

    private void maybeFree(FileInode file) {
        if (!file.referenced()) free(file);
    }

    private void free(FileInode file) {
        usedBytes -= file.volatileSize;
        dropVolatileCopy(file);
        ioRun(() -> {
            file.durable.close();
            Files.delete(file.durablePath);
        });
        file.pending.clear();
        files.remove(file.id);
    }

    private DirInode parentOf(String path, List<String> segments) {
        Inode parent = lookup(segments.subList(0, segments.size() - 1));
        if (!(parent instanceof DirInode dir)) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, path,
                    "parent directory '" + DiskPaths.parent(path) + "' does not exist");
        }
        return dir;
    }

    /** The inode at {@code segments} in the volatile namespace, or null. */
    private Inode lookup(List<String> segments) {
        Inode current = root;
        for (String segment : segments) {
            if (!(current instanceof DirInode dir)) return null;
            current = dir.entries.get(segment);
            if (current == null) return null;
        }
        return current;
    }

    private void checkSpace(String path, long growthBytes, int length, long position) {
        if (full) {
            countFault(DiskFaultKind.NO_SPACE);
            trace.record("disk-no-space", "path=" + path + " full (nemesis)");
            throw new DiskException(DiskException.Kind.NO_SPACE, path,
                    "disk is full: write of " + length + " bytes at " + position + " refused, nothing written");
        }
        if (usedBytes + growthBytes > config.capacityBytes()) {
            countFault(DiskFaultKind.NO_SPACE);
            trace.record("disk-no-space", "path=" + path + " used=" + usedBytes + " capacity=" + config.capacityBytes());
            throw new DiskException(DiskException.Kind.NO_SPACE, path,
                    "write of " + length + " bytes at " + position + " needs " + growthBytes + " more bytes; "
                            + usedBytes + " of " + config.capacityBytes() + " used; nothing written");
        }
    }

    private void maybeFailRead(String path, long position, int length) {
        boolean fail = false;
        for (ReadFaultRule rule : readRules) {
            if (rule.matches(path, position, length)) {
                fail = true;
                break;
            }
        }
        double p = config.readErrorProbability();
        if (!fail && p > 0) fail = readEntropy.chance(p);
        if (!fail) return;
        countFault(DiskFaultKind.READ_ERROR);
        trace.record("disk-read-error", "path=" + path + " position=" + position + " length=" + length);
        throw new DiskException(DiskException.Kind.IO_ERROR, path,
                "read error (injected) reading " + length + " bytes at " + position);
    }

    private boolean drawSyncFailure() {
        if (failNextSyncs > 0) {
            failNextSyncs--;
            return true;
        }
        double p = config.syncFailureProbability();
        return p > 0 && syncFailureEntropy.chance(p);
    }

    private long drawSyncLatencyNanos() {
        long min = config.syncLatencyMinNanos();
        long max = config.syncLatencyMaxNanos();
        double latency = max > min ? min + latencyEntropy.nextLong(max - min + 1) : min;
        // A random slow sync inside a nemesis slow window is as slow as the slower of the two, not
        // their product (which reached ~20 000x, a 40 s fsync that outlived every heal).
        double factor = 1.0;
        if (config.slowSyncProbability() > 0 && latencyEntropy.chance(config.slowSyncProbability())) {
            factor = config.slowSyncFactor();
        }
        factor = Math.max(factor, slowFsyncFactor);
        if (factor > 1.0) {
            latency *= factor;
            countFault(DiskFaultKind.SLOW_SYNC);
        }
        return latency >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) latency;
    }

    /**
     * Applies the crash model to one unsynced write of a surviving file. Returns true if some of
     * its sectors persisted.
     */
    private boolean tearAtCrash(FileInode file, Write write) {
        double tornP = config.tornWriteProbability();
        if (tornP == 0 || !crashEntropy.chance(tornP)) return false;
        int sectorBytes = config.sectorBytes();
        long end = write.position() + write.bytes().length;
        long firstSector = write.position() / sectorBytes;
        long lastSector = (end - 1) / sectorBytes;
        int sectorCount = Math.toIntExact(lastSector - firstSector + 1);
        boolean[] persist = new boolean[sectorCount];
        if (crashEntropy.nextInt(2) == 0) {
            int prefix = crashEntropy.nextInt(sectorCount + 1); // the device wrote sectors in order, then died
            for (int i = 0; i < prefix; i++) persist[i] = true;
        } else {
            for (int i = 0; i < sectorCount; i++) persist[i] = crashEntropy.nextInt(2) == 0; // any order
        }
        List<Long> persisted = new ArrayList<>();
        double corruptP = config.corruptSectorProbability();
        for (int i = 0; i < sectorCount; i++) {
            if (!persist[i]) continue;
            long sector = firstSector + i;
            long from = Math.max(write.position(), sector * sectorBytes);
            long to = Math.min(end, (sector + 1) * sectorBytes);
            int relative = (int) (from - write.position());
            byte[] bytes = Arrays.copyOfRange(write.bytes(), relative, relative + (int) (to - from));
            if (corruptP > 0 && crashEntropy.chance(corruptP)) {
                crashEntropy.nextBytes(bytes);
                countFault(DiskFaultKind.CORRUPT_SECTOR);
                trace.record("disk-corrupt-sector", "path=" + file.lastPath + " offset=" + from + " length=" + bytes.length);
            }
            writeFully(file.durable, ByteBuffer.wrap(bytes), from);
            file.durableSize = Math.max(file.durableSize, to);
            persisted.add(sector);
        }
        if (persisted.isEmpty()) return false;
        countFault(DiskFaultKind.TORN_WRITE);
        trace.record("disk-torn-write", "path=" + file.lastPath + " position=" + write.position()
                + " length=" + write.bytes().length + " sectors=" + persisted + " of " + firstSector + ".." + lastSector);
        return true;
    }

    private List<BitFlip> flipBits(FileInode file, long start, long regionBytes, int bits) {
        List<BitFlip> flips = new ArrayList<>(bits);
        for (int i = 0; i < bits; i++) {
            long offset = start + bitFlipEntropy.nextLong(regionBytes);
            int bit = bitFlipEntropy.nextInt(8);
            Invariants.check(offset < file.durableSize, "bit flip outside durable data of %s", file.lastPath);
            flipBit(file.durable, offset, bit);
            // The node sees the flip unless its view of that byte is newer than the durable one.
            if (file.volatileChannel != null && offset < file.volatileSize && !overwrittenSinceSync(file, offset)) {
                flipBit(file.volatileChannel, offset, bit);
            }
            BitFlip flip = new BitFlip(file.lastPath, offset, bit);
            flips.add(flip);
            countFault(DiskFaultKind.BIT_FLIP);
            trace.record("disk-bit-flip", "path=" + flip.path() + " offset=" + offset + " bit=" + bit);
        }
        return flips;
    }

    private static boolean overwrittenSinceSync(FileInode file, long offset) {
        for (PendingOp op : file.pending) {
            switch (op) {
                case Write w -> {
                    if (w.position() <= offset && offset < w.position() + w.bytes().length) return true;
                }
                case Truncate t -> {
                    if (t.size() <= offset) return true;
                }
            }
        }
        return false;
    }

    private static void flipBit(FileChannel channel, long offset, int bit) {
        ByteBuffer one = ByteBuffer.allocate(1);
        readFully(channel, one, offset);
        one.put(0, (byte) (one.get(0) ^ (1 << bit)));
        one.rewind();
        writeFully(channel, one, offset);
    }

    private void collectDurablyReachable(DirInode dir, List<DirInode> dirs, TreeSet<Long> fileIds) {
        dirs.add(dir);
        for (Inode child : dir.durableEntries.values()) {
            switch (child) {
                case DirInode d -> collectDurablyReachable(d, dirs, fileIds);
                case FileInode f -> fileIds.add(f.id);
            }
        }
    }

    private void collectImage(DirInode dir, String prefix, TreeMap<String, byte[]> image) {
        for (Map.Entry<String, Inode> entry : dir.durableEntries.entrySet()) {
            String path = DiskPaths.join(prefix, entry.getKey());
            switch (entry.getValue()) {
                case DirInode d -> {
                    image.put(path + "/", new byte[0]);
                    collectImage(d, path, image);
                }
                case FileInode f -> {
                    byte[] bytes = new byte[Math.toIntExact(f.durableSize)];
                    readFully(f.durable, ByteBuffer.wrap(bytes), 0);
                    image.put(path, bytes);
                }
            }
        }
    }

    /** After a crash the volatile state equals the durable one; check the bookkeeping agrees. */
    private void checkConsistent() {
        long sum = 0;
        for (FileInode file : files.values()) {
            Invariants.check(file.pending.isEmpty() && file.volatileChannel == null,
                    "file %s kept volatile state across a crash", file.lastPath);
            Invariants.check(file.durableLinks > 0 && file.volatileLinks == file.durableLinks,
                    "file %s survived a crash without a durable link", file.lastPath);
            Invariants.check(file.durableSize == io(file.durable::size), "durable size of %s out of step",
                    file.lastPath);
            sum += file.volatileSize;
        }
        Invariants.check(sum == usedBytes, "usedBytes %d != sum of sizes %d", usedBytes, sum);
    }

    private void countFault(DiskFaultKind kind) {
        faults.merge(kind, 1L, Long::sum);
    }

    private static long countWrites(List<PendingOp> ops) {
        long n = 0;
        for (PendingOp op : ops) if (op instanceof Write) n++;
        return n;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) {
        long at = position;
        while (into.hasRemaining()) {
            long current = at;
            int n = io(() -> channel.read(into, current));
            Invariants.check(n > 0, "short read from jimfs at %d", current);
            at += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer from, long position) {
        long at = position;
        while (from.hasRemaining()) {
            long current = at;
            at += io(() -> channel.write(from, current));
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** jimfs fails only on a bug here (the device owns every file it touches). */
    private static void ioRun(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("jimfs failed under the simulated disk", e);
        }
    }

    private static <T> T io(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException("jimfs failed under the simulated disk", e);
        }
    }
}
