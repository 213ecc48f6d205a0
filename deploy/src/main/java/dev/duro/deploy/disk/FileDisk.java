package dev.duro.deploy.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Loop;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's {@link Disk} on java.nio under one root directory (the data directory's {@code disk/}).
 *
 * <p><b>Durability.</b> Writes are positional writes into the OS page cache; {@link DiskFile#sync()}
 * is {@code FileChannel.force(true)} (fsync) and {@link #syncDirectory} fsyncs the directory, both
 * on one of the node's {@link SyncThread sync lanes}; renames are {@code rename(2)} ({@code ATOMIC_MOVE}). So after a
 * crash of the process, everything written survives (the page cache belongs to the kernel); after a
 * power loss, exactly what the contract promises survives provided the device honours fsync: the
 * bytes a completed sync covered, and the entries of a directory whose sync completed after the
 * change. Platform limits: directory fsync works on Linux and macOS; on macOS fsync does not flush
 * the drive's own cache (F_FULLFSYNC is not reachable from Java); Windows cannot open a directory
 * as a channel, so {@link #syncDirectory} fails there.
 *
 * <p>Path rules and errors follow the simulated disk ({@link PathRules}, {@link IoErrors}).
 * Symbolic links are not followed out of the root: nothing here creates them, and a path that
 * names one is treated as what it points to only by the OS calls themselves.
 */
public final class FileDisk implements Disk {
    /**
     * Sync threads per disk. A path always syncs on the same lane, so syncs of one file still
     * group-commit; fsyncs of different files run side by side, which lets the file system batch
     * them into one journal commit (on this project's ext4 build machine, appending writers with
     * an fsync each: about 1,000 fsyncs/s from one thread, 10,000/s from eight).
     */
    public static final int DEFAULT_SYNC_LANES = 8;

    private final Path root;
    private final Loop loop;
    private final SyncThread[] lanes;
    private final Set<FileDiskFile> open = ConcurrentHashMap.newKeySet();
    /** How a disk treats unsynced writes: only tests ever ask for anything but {@link #NORMAL}. */
    public enum Mode {
        /** Writes go to the page cache at once; a sync forces them ({@link #open}). */
        NORMAL,
        /** Test only: unsynced writes stay in the process until a sync, so a kill loses them ({@link #openLazy}). */
        LAZY,
        /**
         * Test only, a planted bug: as {@link #LAZY}, but a file's sync succeeds at once and writes
         * only what the previous sync covered, so a kill loses the last batch the runtime was told
         * is durable. {@code duro cluster test
         * --planted-bug lying-disk} uses it to show that its checkers catch lost writes.
         */
        LAZY_LYING
    }

    private final Mode mode;
    /** Test only ({@link #openLazy}): unsynced writes per file key; null on every normal disk. */
    private final Map<Object, LazyWrites> lazy;
    private volatile boolean closed;

    private FileDisk(Path root, Loop loop, SyncThread[] lanes, Mode mode) {
        this.root = root;
        this.loop = loop;
        this.lanes = lanes;
        this.mode = mode;
        this.lazy = mode == Mode.NORMAL ? null : new ConcurrentHashMap<>();
    }

    /**
     * Test only ({@code duro node --lazy-disk}, for {@code duro cluster test}): a disk whose
     * unsynced writes stay in the process until their file is synced ({@link LazyWrites}), so a
     * {@code kill -9} loses them as a power cut would. Nothing else differs from {@link #open}.
     */
    public static FileDisk openLazy(Path root, Loop loop, String threadName, Mode mode) {
        if (mode == Mode.NORMAL) throw new IllegalArgumentException("openLazy wants LAZY or LAZY_LYING; use open for a normal disk");
        return open(root, loop, threadName, DEFAULT_SYNC_LANES, requests -> { }, mode);
    }

    /** True for the planted bug {@link Mode#LAZY_LYING}: file syncs succeed one batch early. */
    boolean syncsLie() {
        return mode == Mode.LAZY_LYING;
    }

    /**
     * A disk rooted at {@code root} (created if missing), with {@link #DEFAULT_SYNC_LANES} sync
     * threads named {@code threadName-<lane>}.
     */
    public static FileDisk open(Path root, Loop loop, String threadName) {
        return open(root, loop, threadName, DEFAULT_SYNC_LANES, requests -> { });
    }

    static FileDisk open(Path root, Loop loop, String threadName, int syncLanes, SyncThread.BeforeBatch beforeBatch) {
        return open(root, loop, threadName, syncLanes, beforeBatch, Mode.NORMAL);
    }

    private static FileDisk open(Path root, Loop loop, String threadName, int syncLanes, SyncThread.BeforeBatch beforeBatch,
                                 Mode mode) {
        Objects.requireNonNull(root, "root");
        if (syncLanes < 1) throw new IllegalArgumentException("at least one sync lane, got " + syncLanes);
        Objects.requireNonNull(loop, "loop");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the disk root " + root + ": " + e.getMessage(), e);
        }
        SyncThread[] lanes = new SyncThread[syncLanes];
        for (int i = 0; i < syncLanes; i++) lanes[i] = new SyncThread(syncLanes == 1 ? threadName : threadName + "-" + i, beforeBatch);
        return new FileDisk(root, loop, lanes, mode);
    }

    public Path root() {
        return root;
    }

    @Override
    public DiskFile open(String path, boolean create) {
        Path file = PathRules.file(root, path);
        checkOpen(path);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) throw new DiskException(DiskException.Kind.BAD_PATH, path, "is a directory");
        Path parent = file.getParent();
        if (!Files.isDirectory(parent)) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, path,
                    "parent directory '" + PathRules.parent(path) + "' does not exist");
        }
        try {
            FileChannel channel = create
                    ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileDiskFile handle = new FileDiskFile(this, path, channel, loop, lazy == null ? null : lazyWrites(file));
            open.add(handle);
            if (closed) { // stopped while opening: leave nothing behind
                handle.closeForCrash();
                checkOpen(path);
            }
            return handle;
        } catch (NoSuchFileException e) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, path, "no such file");
        } catch (IOException e) {
            throw IoErrors.map(path, e);
        }
    }

    @Override
    public boolean exists(String path) {
        Path p = PathRules.directory(root, path);
        checkOpen(path);
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<String> list(String dir) {
        Path d = PathRules.directory(root, dir);
        checkOpen(dir);
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) return List.of();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
            for (Path e : entries) names.add(e.getFileName().toString());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw IoErrors.map(dir, e);
        }
        names.sort(null); // String order, as the simulated disk's sorted map
        return List.copyOf(names);
    }

    @Override
    public void createDirectories(String dir) {
        Path d = PathRules.directory(root, dir);
        checkOpen(dir);
        Path at = root;
        for (Path segment : root.relativize(d)) {
            at = at.resolve(segment);
            if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                throw new DiskException(DiskException.Kind.BAD_PATH, dir, "'" + relative(at) + "' is a file");
            }
        }
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw IoErrors.map(dir, e);
        }
    }

    @Override
    public void delete(String path) {
        Path file = PathRules.file(root, path);
        checkOpen(path);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskException(DiskException.Kind.BAD_PATH, path, "is a directory: only files are deleted");
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            DiskException d = IoErrors.map(path, e);
            if (d.kind() != DiskException.Kind.NOT_FOUND && d.kind() != DiskException.Kind.BAD_PATH) throw d;
            // a missing parent (or a file where a directory was expected): nothing to delete
        }
    }

    @Override
    public void rename(String from, String to) {
        Path source = PathRules.file(root, from);
        Path target = PathRules.file(root, to);
        checkOpen(from);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, from, "no such file to rename");
        }
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskException(DiskException.Kind.BAD_PATH, from, "renaming directories is not supported");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, to,
                    "parent directory '" + PathRules.parent(to) + "' does not exist");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskException(DiskException.Kind.BAD_PATH, to, "is a directory: cannot replace it with a file");
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces the target atomically
        } catch (IOException e) {
            throw IoErrors.map(from, e);
        }
    }

    @Override
    public Promise<Void> syncDirectory(String dir) {
        Path d = PathRules.directory(root, dir);
        checkOpen(dir);
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
            throw new DiskException(DiskException.Kind.NOT_FOUND, dir, "no such directory to sync");
        }
        Promise<Void> promise = Promise.on(loop);
        lane(dir).syncDirectory(d, dir, promise);
        return promise;
    }

    /** Syncs asked for (files and directories) so far. */
    public long syncs() {
        long n = 0;
        for (SyncThread lane : lanes) n += lane.syncs();
        return n;
    }

    /** fsyncs issued so far; fewer than {@link #syncs()} when group commit batched some. */
    public long forces() {
        long n = 0;
        for (SyncThread lane : lanes) n += lane.forces();
        return n;
    }

    /**
     * The node stopped: stops the sync threads (queued syncs never complete) and closes every open
     * handle; every later call throws CLOSED. Written bytes stay in the page cache, so an in-process
     * stop is gentler than a power loss. Idempotent, any thread.
     */
    public void close() {
        closed = true;
        for (SyncThread lane : lanes) lane.stop();
        for (FileDiskFile f : open) f.closeForCrash();
        open.clear();
    }

    private String relative(Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    /** The lane that syncs {@code path} (a file's or a directory's, relative to the root): always the same one. */
    SyncThread lane(String path) {
        return lanes[Math.floorMod(path.hashCode(), lanes.length)];
    }

    void forget(FileDiskFile handle) {
        open.remove(handle);
    }

    /** The pending writes of the file at {@code file}, shared by its handles (by file key: renames keep it). */
    private LazyWrites lazyWrites(Path file) throws IOException {
        Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        synchronized (lazy) {
            LazyWrites w = lazy.computeIfAbsent(key == null ? file.toAbsolutePath() : key, k -> new LazyWrites());
            w.handles++;
            return w;
        }
    }

    /** A lazy handle closed: its file's pending writes are forgotten with the last handle (a file key may be reused after). */
    void release(LazyWrites w) {
        synchronized (lazy) {
            if (--w.handles == 0) lazy.values().remove(w);
        }
    }

    void checkOpen(String path) {
        if (closed) throw new DiskException(DiskException.Kind.CLOSED, String.valueOf(path), "the node's disk was closed (the node stopped)");
    }
}
