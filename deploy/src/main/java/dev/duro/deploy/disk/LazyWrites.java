package dev.duro.deploy.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test only ({@link FileDisk#openLazy}): the writes and truncations of one file since its last
 * sync, kept in the process instead of the page cache, so that a {@code kill -9} loses them as a
 * power cut loses what was never fsynced. Reads and the size see them; the fsync thread writes
 * them to the file in order right before it forces the file, so they reach the kernel only when
 * an fsync actually runs. Shared by every handle of the file (by its file key), so two handles
 * see each other's writes as they would through the page cache. Used by the node's loop and its
 * fsync thread, hence synchronized.
 */
final class LazyWrites {
    /** A write ({@code bytes} at {@code position}) or, when {@code bytes} is null, a truncation to {@code position}. */
    private record Op(long position, byte[] bytes) {}

    private final List<Op> ops = new ArrayList<>();
    /** The size with the pending operations applied; meaningful only while there are some. */
    private long size;
    /** The lying disk only: how many of {@code ops} were pending at the previous sync. */
    private int lyingMark;
    /** Open handles sharing this; the disk forgets it at zero. */
    int handles;

    synchronized long size(FileChannel channel) throws IOException {
        return ops.isEmpty() ? channel.size() : size;
    }

    synchronized void write(FileChannel channel, long position, byte[] from, int offset, int length) throws IOException {
        if (ops.isEmpty()) size = channel.size();
        ops.add(new Op(position, Arrays.copyOfRange(from, offset, offset + length)));
        size = Math.max(size, position + length);
    }

    synchronized void truncate(FileChannel channel, long newSize) throws IOException {
        if (ops.isEmpty()) size = channel.size();
        if (newSize >= size) return; // truncation never extends
        ops.add(new Op(newSize, null));
        size = newSize;
    }

    /** Reads as if the pending operations had been applied; -1 at or past the end. */
    synchronized int read(FileChannel channel, long position, byte[] into, int offset, int length) throws IOException {
        long total = size(channel);
        if (position >= total) return -1;
        int n = (int) Math.min(length, total - position);
        Arrays.fill(into, offset, offset + n, (byte) 0);
        long onFile = Math.min(channel.size(), position + n) - position;
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, (int) Math.max(0, onFile));
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position() - offset) >= 0) {
            // until the window's bytes on file are in
        }
        long end = position + n;
        for (Op op : ops) {
            if (op.bytes() == null) { // truncation: what lies past it reads as zeros until written again
                if (op.position() < end) Arrays.fill(into, offset + (int) Math.max(0, op.position() - position), offset + n, (byte) 0);
                continue;
            }
            long from = Math.max(position, op.position());
            long to = Math.min(end, op.position() + op.bytes().length);
            if (from < to) System.arraycopy(op.bytes(), (int) (from - op.position()), into, offset + (int) (from - position), (int) (to - from));
        }
        return n;
    }

    /** Writes the pending operations to the file in order (into the page cache), for the force that follows. */
    synchronized void flush(FileChannel channel) throws IOException {
        flush(channel, ops.size());
        lyingMark = 0;
    }

    /**
     * The planted lying disk's sync: writes only what was pending at the previous sync and
     * answers at once, so what this sync was asked to cover stays in the process (a kill loses it)
     * until the next sync: a disk that acknowledges one batch too early.
     */
    synchronized void flushPreviousBatch(FileChannel channel) throws IOException {
        flush(channel, Math.min(lyingMark, ops.size()));
        lyingMark = ops.size();
    }

    private void flush(FileChannel channel, int count) throws IOException {
        List<Op> batch = ops.subList(0, count);
        for (Op op : batch) {
            if (op.bytes() == null) {
                channel.truncate(op.position());
                continue;
            }
            ByteBuffer buffer = ByteBuffer.wrap(op.bytes());
            while (buffer.hasRemaining()) channel.write(buffer, op.position() + buffer.position());
        }
        batch.clear();
    }
}
