package dev.duro.sim.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.sim.disk.Inode.FileInode;

/**
 * A handle on a file of a {@link SimDiskDevice}. Like a POSIX descriptor it follows the file, not
 * the name: it still reads and writes the file after a rename or delete. It dies ({@code CLOSED})
 * when closed, and when its incarnation crashes or is replaced.
 */
final class SimDiskFile implements DiskFile {
    private final SimDiskDevice device;
    private final long incarnation;
    private final FileInode file;
    private final String path;
    private boolean closed;

    SimDiskFile(SimDiskDevice device, long incarnation, FileInode file, String path) {
        this.device = device;
        this.incarnation = incarnation;
        this.file = file;
        this.path = path;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long size() {
        checkLive();
        return device.size(file);
    }

    @Override
    public int read(long position, byte[] into, int offset, int length) {
        checkLive();
        return device.read(file, path, position, into, offset, length);
    }

    @Override
    public void write(long position, byte[] from, int offset, int length) {
        checkLive();
        device.write(file, path, position, from, offset, length);
    }

    @Override
    public void truncate(long size) {
        checkLive();
        device.truncate(file, size);
    }

    @Override
    public Promise<Void> sync() {
        checkLive();
        return device.sync(incarnation, file, path);
    }

    /** Idempotent; a no-op on a handle whose incarnation is gone (the crash already released it). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (device.isLive(incarnation)) device.closeHandle(file);
    }

    private void checkLive() {
        if (closed) throw new DiskException(DiskException.Kind.CLOSED, path, "handle was closed");
        if (!device.isLive(incarnation)) {
            throw new DiskException(DiskException.Kind.CLOSED, path,
                    "handle of incarnation " + incarnation + ", which crashed or was replaced");
        }
    }

    @Override
    public String toString() {
        return "SimDiskFile[" + path + (closed ? ", closed" : "") + "]";
    }
}
