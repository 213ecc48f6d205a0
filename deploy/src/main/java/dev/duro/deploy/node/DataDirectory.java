package dev.duro.deploy.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's data directory: {@code LOCK} (held with an OS file lock while the node runs),
 * {@code FORMAT} (the layout version) and {@code disk/} (the root of the node's
 * {@link dev.duro.model.world.Disk}).
 *
 * <p><b>One holder.</b> {@link #open} takes an exclusive {@link FileChannel#tryLock()} on
 * {@code LOCK} and writes who holds it there; a second process, or a second node in this JVM,
 * gets an error naming that holder. The OS releases the lock when its process dies, so the file a
 * killed process leaves behind is stale and simply taken over.
 *
 * <p><b>Format.</b> A new (empty) directory gets {@code FORMAT} written through a temporary file,
 * fsync, rename and a directory fsync; a directory with a newer or unknown format is refused. A
 * temporary file a kill left behind is deleted. Everything under {@code disk/} is the runtime's to
 * recover (its logs carry their own checksums).
 */
public final class DataDirectory implements AutoCloseable {
    /** The layout this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    static final String LOCK = "LOCK";
    static final String FORMAT = "FORMAT";
    static final String FORMAT_TEMP = "FORMAT.tmp";
    static final String DISK = "disk";
    private static final String FORMAT_PREFIX = "duro-data-dir ";

    /** Directories (real paths) held by nodes of this JVM, and by whom. */
    private static final ConcurrentHashMap<Path, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path key;
    private final String holder;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean closed;

    private DataDirectory(Path dir, Path key, String holder, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.key = key;
        this.holder = holder;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Locks, checks and (when new) formats {@code dir}, creating it if missing.
     *
     * @param holder who is taking it, as others should read it ("n2, pid 4711")
     * @throws DataDirectoryException with a one-line reason: held by another, newer or unknown format,
     *                                not a Duro data directory, or an I/O error
     */
    public static DataDirectory open(Path dir, String holder) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(holder, "holder");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot create the data directory " + dir + ": " + e.getMessage());
        }
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new DataDirectoryException("cannot resolve the data directory " + dir + ": " + e.getMessage());
        }
        // Within one JVM the OS lock cannot tell holders apart, and closing a second channel on
        // LOCK could drop the first one's lock: a registry answers first.
        String inThisJvm = HELD_IN_THIS_JVM.putIfAbsent(key, holder);
        if (inThisJvm != null) {
            throw new DataDirectoryException("the data directory " + dir + " is in use by " + inThisJvm
                    + " in this process; stop that node first, or give this one its own directory");
        }
        try {
            return lockAndPrepare(dir, key, holder);
        } catch (RuntimeException e) {
            HELD_IN_THIS_JVM.remove(key, holder);
            throw e;
        }
    }

    private static DataDirectory lockAndPrepare(Path dir, Path key, String holder) {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot open " + dir.resolve(LOCK) + ": " + e.getMessage());
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM (another node on the same directory)
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirectoryException("cannot lock " + dir.resolve(LOCK) + ": " + e.getMessage());
        }
        if (lock == null) {
            String current = readHolder(channel);
            closeQuietly(channel);
            throw new DataDirectoryException("the data directory " + dir + " is in use by " + current
                    + "; stop that node first, or give this one its own directory");
        }
        DataDirectory d = new DataDirectory(dir, key, holder, channel, lock);
        try {
            d.writeHolder(holder);
            d.checkFormat();
            Files.createDirectories(dir.resolve(DISK));
        } catch (IOException e) {
            d.releaseLock();
            throw new DataDirectoryException("cannot prepare the data directory " + dir + ": " + e.getMessage());
        } catch (DataDirectoryException e) {
            d.releaseLock();
            throw e;
        }
        return d;
    }

    public Path path() {
        return dir;
    }

    /** The root of the node's disk. */
    public Path diskRoot() {
        return dir.resolve(DISK);
    }

    /** Releases the lock; the LOCK file stays (a stale one is harmless). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        releaseLock();
        HELD_IN_THIS_JVM.remove(key, holder);
    }

    private void releaseLock() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException e) {
            // closing the channel below releases it anyway
        }
        closeQuietly(lockChannel);
    }

    private void writeHolder(String holder) throws IOException {
        byte[] text = (holder + "\n").getBytes(StandardCharsets.UTF_8);
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(text), 0);
        // not forced: the holder is advice for humans; the lock itself is the OS's
    }

    private void checkFormat() throws IOException {
        Files.deleteIfExists(dir.resolve(FORMAT_TEMP)); // a kill between write and rename left it
        Path format = dir.resolve(FORMAT);
        if (!Files.exists(format)) {
            List<String> other = entriesBesides(LOCK, DISK);
            if (!other.isEmpty() || !isEmptyOrAbsent(dir.resolve(DISK))) {
                throw new DataDirectoryException(dir + " is not a Duro data directory (no " + FORMAT + " file) but holds "
                        + (other.isEmpty() ? List.of(DISK) : other) + "; point the node at an empty or a Duro data directory");
            }
            writeFormat();
            return;
        }
        String text = Files.readString(format, StandardCharsets.UTF_8).strip();
        if (!text.startsWith(FORMAT_PREFIX)) {
            throw new DataDirectoryException(format + " does not name a Duro data directory format (it reads '"
                    + abbreviate(text) + "')");
        }
        int version;
        try {
            version = Integer.parseInt(text.substring(FORMAT_PREFIX.length()).strip());
        } catch (NumberFormatException e) {
            throw new DataDirectoryException(format + " has an unreadable format version: '" + abbreviate(text) + "'");
        }
        if (version > FORMAT_VERSION) {
            throw new DataDirectoryException(dir + " has format " + version + ", written by a newer Duro; this build reads format "
                    + FORMAT_VERSION + " only: run the newer version");
        }
        if (version < 1) throw new DataDirectoryException(format + " names format " + version + ", which never existed");
    }

    private void writeFormat() throws IOException {
        Path temp = dir.resolve(FORMAT_TEMP);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap((FORMAT_PREFIX + FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(temp, dir.resolve(FORMAT), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private List<String> entriesBesides(String... allowed) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!List.of(allowed).contains(name)) out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean isEmptyOrAbsent(Path d) throws IOException {
        if (!Files.isDirectory(d)) return !Files.exists(d);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
            return !entries.iterator().hasNext();
        }
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512);
            int n = channel.read(b, 0);
            String text = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another process (it left no name)" : text;
        } catch (IOException e) {
            return "another process (its name is unreadable: " + e.getMessage() + ")";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do: the lock dies with the descriptor
        }
    }
}
