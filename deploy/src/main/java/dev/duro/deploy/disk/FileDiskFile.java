package dev.duro.deploy.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DiskFile} on a {@link FileChannel}. Reads and writes are plain positional syscalls on
 * the loop (they touch the page cache only); {@link #sync()} goes to the path's sync lane ({@link FileDisk#lane}).
 * Like a descriptor it follows the file through renames and deletes.
 *
 * <p>After one failed fsync every later sync of this handle fails too: Linux reports a writeback
 * error once and may then call the pages clean, so a later "successful" fsync would prove nothing.
 *
 * <p>Closing waits for queued syncs: the channel is closed when the last one is done.
 */
final class FileDiskFile implements DiskFile {
    private final FileDisk disk;
    private final String path;
    private final FileChannel channel;
    private final Loop loop;
    /** Test only: this file's unsynced writes kept in the process ({@link FileDisk#openLazy}); null normally. */
    private final LazyWrites lazy;
    // guarded by this: shared between the loop and the sync thread
    private boolean closed;
    private int syncsQueued;
    private DiskException syncFailure;

    FileDiskFile(FileDisk disk, String path, FileChannel channel, Loop loop, LazyWrites lazy) {
        this.disk = disk;
        this.lazy = lazy;
        this.path = path;
        this.channel = channel;
        this.loop = loop;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long size() {
        checkLive();
        try {
            if (lazy != null) return lazy.size(channel);
            return channel.size();
        } catch (IOException e) {
            throw IoErrors.map(path, e);
        }
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (position < 0) throw new IllegalArgumentException("negative position " + position);
        checkLive();
        if (length == 0) return 0;
        try {
            if (lazy != null) return lazy.read(channel, position, into, offset, length);
            long size = channel.size();
            if (position >= size) return -1;
            int n = (int) Math.min(length, size - position);
            ByteBuffer buffer = ByteBuffer.wrap(into, offset, n);
            while (buffer.hasRemaining()) {
                int r = channel.read(buffer, position + buffer.position() - offset);
                if (r < 0) break; // truncated under us (another handle): report what was there
            }
            return buffer.position() - offset;
        } catch (IOException e) {
            throw IoErrors.map(path, e);
        }
    }

    @Override
    public void write(long position, byte[] from, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, from.length);
        if (position < 0) throw new IllegalArgumentException("negative position " + position);
        checkLive();
        if (length == 0) return;
        try {
            if (lazy != null) {
                lazy.write(channel, position, from, offset, length);
                return;
            }
            ByteBuffer buffer = ByteBuffer.wrap(from, offset, length);
            while (buffer.hasRemaining()) channel.write(buffer, position + buffer.position() - offset);
        } catch (IOException e) {
            throw IoErrors.map(path, e);
        }
    }

    @Override
    public void truncate(long size) {
        if (size < 0) throw new IllegalArgumentException("negative size " + size);
        checkLive();
        try {
            if (lazy != null) {
                lazy.truncate(channel, size);
                return;
            }
            channel.truncate(size); // never extends, as the simulated disk
        } catch (IOException e) {
            throw IoErrors.map(path, e);
        }
    }

    @Override
    public Promise<Void> sync() {
        DiskException earlier;
        synchronized (this) {
            checkLive();
            earlier = syncFailure;
            if (earlier == null) syncsQueued++;
        }
        if (earlier == null && lazy != null) {
            Promise<Void> answered = syncLazy();
            if (answered != null) {
                synchronized (this) {
                    syncsQueued--;
                }
                return answered;
            }
        }
        if (earlier != null) {
            return Promise.failed(loop, new DiskException(DiskException.Kind.IO_ERROR, path,
                    "an earlier fsync of this handle failed (" + earlier.getMessage() + "); its unsynced writes may be lost"));
        }
        Promise<Void> promise = Promise.on(loop);
        disk.lane(path).syncFile(this, promise);
        return promise;
    }

    /**
     * Test only (a lazy disk): the answer of the planted lying disk, which writes what the previous
     * sync covered and answers at once; null for an honest lazy disk, whose pending writes the
     * fsync thread writes right before its force ({@link #forceForSync}).
     */
    private Promise<Void> syncLazy() {
        if (!disk.syncsLie()) return null;
        try {
            lazy.flushPreviousBatch(channel); // the planted bug: this sync's writes are not written, yet "durable"
            return Promise.succeeded(loop, null);
        } catch (IOException e) {
            return Promise.failed(loop, IoErrors.map(path, e));
        }
    }

    /** On the sync thread: one force for {@code requests} queued syncs; null on success. */
    DiskException forceForSync(int requests, AtomicLong forces) {
        DiskException failure;
        synchronized (this) {
            failure = syncFailure;
        }
        if (failure == null) {
            forces.incrementAndGet();
            try {
                if (lazy != null) lazy.flush(channel); // test only: the unsynced bytes reach the kernel only now
                channel.force(true); // metadata too: an append changes the size, which fdatasync may skip on some systems
            } catch (IOException e) {
                DiskException mapped = IoErrors.map(path, e);
                failure = new DiskException(mapped.kind() == DiskException.Kind.CLOSED ? DiskException.Kind.CLOSED
                        : DiskException.Kind.IO_ERROR, path, "fsync failed, the unsynced writes it covered are lost: " + mapped.getMessage());
            }
        }
        synchronized (this) {
            if (failure != null && syncFailure == null && failure.kind() == DiskException.Kind.IO_ERROR) syncFailure = failure;
            syncsQueued -= requests;
            if (closed && syncsQueued == 0) closeChannel();
        }
        return failure;
    }

    /** Idempotent. Queued syncs still complete; the descriptor is released after the last one. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        disk.forget(this);
        if (lazy != null) {
            // A close is no crash: what was written stays readable (in the page cache), as on a normal disk.
            try {
                lazy.flush(channel);
            } catch (IOException e) {
                // the next open reads what reached the file; the runtime syncs what it needs before closing
            }
            disk.release(lazy);
        }
        if (syncsQueued == 0) closeChannel();
    }

    /** The node stopped: release the descriptor now; queued syncs fail with CLOSED (nobody hears it). */
    synchronized void closeForCrash() {
        if (lazy != null && !closed) disk.release(lazy);
        closed = true;
        closeChannel();
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // a close error after the data was synced (or abandoned) changes nothing for the runtime
        }
    }

    private synchronized void checkLive() {
        if (closed) throw new DiskException(DiskException.Kind.CLOSED, path, "handle was closed");
        disk.checkOpen(path);
    }

    @Override
    public String toString() {
        return "FileDiskFile[" + path + "]";
    }
}
