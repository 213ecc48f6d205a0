package dev.duro.model.world;

import dev.duro.model.async.Promise;

/**
 * An open file on a node's {@link Disk}. See {@link Disk} for what survives a crash.
 * A handle dies with its node's crash; a restarted node opens files anew.
 */
public interface DiskFile extends AutoCloseable {
    String path();

    /** Current size including unsynced writes. */
    long size();

    /** Reads up to {@code length} bytes at {@code position}; returns the count, -1 at end of file. */
    int read(long position, byte[] into, int offset, int length);

    /** Reads {@code length} bytes at {@code position}; throws {@link DiskException} if fewer exist. */
    default byte[] readFully(long position, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            int n = read(position + done, out, done, length - done);
            if (n < 0) {
                throw new DiskException(DiskException.Kind.SHORT_READ, path(),
                        "wanted " + length + " bytes at " + position + ", file ends after " + done);
            }
            done += n;
        }
        return out;
    }

    /** Writes at {@code position}, extending the file as needed. Volatile until {@link #sync()}. */
    void write(long position, byte[] from, int offset, int length);

    /** Appends at the current end. Volatile until {@link #sync()}. */
    default void append(byte[] bytes) {
        write(size(), bytes, 0, bytes.length);
    }

    /** Cuts the file to {@code size} bytes. Volatile until {@link #sync()}. */
    void truncate(long size);

    /**
     * Makes every write issued on this file before the call durable. Completes on this node's loop
     * (possibly after simulated latency); fails with {@link DiskException} on an I/O error, after
     * which the unsynced tail must be considered lost.
     */
    Promise<Void> sync();

    @Override
    void close();
}
