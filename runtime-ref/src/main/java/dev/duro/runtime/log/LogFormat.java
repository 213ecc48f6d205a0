package dev.duro.runtime.log;

import dev.duro.model.object.ObjectId;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Byte layouts of the files of a {@link DiskLogStore} (see docs/log.md). All integers are
 * big-endian; every structure ends with a CRC32C over all its bytes before the CRC.
 *
 * <pre>
 * record   = magic "DLOG" u32 | version u16 | flags u16 | seq u64 | durableThrough u64
 *            | wallMillis u64 | payloadLength u32 | payload | crc32c u32
 * snapshot = magic "DSNP" u32 | version u16 | flags u16 | seq u64 | wallMillis u64
 *            | imageLength u32 | image | crc32c u32
 * meta     = magic "DMET" u32 | version u16 | flags u16 | namespaceLength u16 | namespace (UTF-8)
 *            | id (32 bytes) | nameLength i32 (-1: no name) | name (UTF-8) | crc32c u32
 * </pre>
 *
 * {@code durableThrough} is the highest sequence number known durable (its fsync completed) when
 * the record was written: recovery uses it to tell a torn, never-acknowledged tail from damage to
 * acknowledged data.
 */
final class LogFormat {
    static final int RECORD_MAGIC = 0x444C4F47; // "DLOG"
    static final int SNAPSHOT_MAGIC = 0x44534E50; // "DSNP"
    static final int META_MAGIC = 0x444D4554; // "DMET"
    static final short VERSION = 1;
    static final int RECORD_HEADER_BYTES = 4 + 2 + 2 + 8 + 8 + 8 + 4;
    static final int CRC_BYTES = 4;
    static final int RECORD_OVERHEAD_BYTES = RECORD_HEADER_BYTES + CRC_BYTES;
    static final int SNAPSHOT_HEADER_BYTES = 4 + 2 + 2 + 8 + 8 + 4;

    private LogFormat() {
    }

    // --- records -------------------------------------------------------------------------------

    /** A decoded record and the offset right after it. */
    record Record(long seq, long durableThrough, long wallMillis, byte[] payload, long offset, long end) {
        LogEntry entry() {
            return new LogEntry(seq, wallMillis, payload);
        }
    }

    static byte[] encodeRecord(LogEntry entry, long durableThrough) {
        byte[] payload = entry.payload();
        ByteBuffer buf = ByteBuffer.allocate(RECORD_OVERHEAD_BYTES + payload.length);
        buf.putInt(RECORD_MAGIC).putShort(VERSION).putShort((short) 0)
                .putLong(entry.seq()).putLong(durableThrough).putLong(entry.wallMillis())
                .putInt(payload.length).put(payload);
        buf.putInt(crc(buf.array(), 0, buf.position()));
        return buf.array();
    }

    /**
     * The record starting exactly at {@code offset}, or empty if the bytes there are not a whole,
     * checksum-valid record (torn, garbage, or past the end).
     */
    static Optional<Record> decodeRecord(byte[] bytes, int offset) {
        return decodeRecord(bytes, offset, true);
    }

    /**
     * As {@link #decodeRecord(byte[], int)}; {@code verifyCrc} false skips the checksum comparison
     * (only for the planted bug {@code NO_CHECKSUM}, which serves damaged records as valid).
     */
    static Optional<Record> decodeRecord(byte[] bytes, int offset, boolean verifyCrc) {
        if (offset < 0 || bytes.length - offset < RECORD_OVERHEAD_BYTES) return Optional.empty();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(offset) != RECORD_MAGIC || buf.getShort(offset + 4) != VERSION) return Optional.empty();
        int payloadLength = buf.getInt(offset + 32);
        if (payloadLength < 0 || payloadLength > bytes.length - offset - RECORD_OVERHEAD_BYTES) return Optional.empty();
        int crcAt = offset + RECORD_HEADER_BYTES + payloadLength;
        if (verifyCrc && buf.getInt(crcAt) != crc(bytes, offset, crcAt - offset)) return Optional.empty();
        long seq = buf.getLong(offset + 8);
        long durableThrough = buf.getLong(offset + 16);
        // A record never claims itself durable; a checksum-valid one that does was not written by us.
        if (seq < 1 || durableThrough < 0 || durableThrough >= seq) return Optional.empty();
        long wallMillis = buf.getLong(offset + 24);
        byte[] payload = Arrays.copyOfRange(bytes, offset + RECORD_HEADER_BYTES, crcAt);
        return Optional.of(new Record(seq, durableThrough, wallMillis, payload, offset, crcAt + CRC_BYTES));
    }

    /** The first checksum-valid record starting at or after {@code from}, found by trying every offset. */
    static Optional<Record> nextValidRecord(byte[] bytes, int from, boolean verifyCrc) {
        for (int at = Math.max(0, from); at + RECORD_OVERHEAD_BYTES <= bytes.length; at++) {
            if (bytes[at] != 'D' || bytes[at + 1] != 'L') continue; // cheap pre-filter on the magic
            Optional<Record> r = decodeRecord(bytes, at, verifyCrc);
            if (r.isPresent()) return r;
        }
        return Optional.empty();
    }

    // --- snapshots -----------------------------------------------------------------------------

    static byte[] encodeSnapshot(Snapshot s) {
        byte[] image = s.image();
        ByteBuffer buf = ByteBuffer.allocate(SNAPSHOT_HEADER_BYTES + image.length + CRC_BYTES);
        buf.putInt(SNAPSHOT_MAGIC).putShort(VERSION).putShort((short) 0)
                .putLong(s.seq()).putLong(s.wallMillis()).putInt(image.length).put(image);
        buf.putInt(crc(buf.array(), 0, buf.position()));
        return buf.array();
    }

    /** The snapshot in {@code bytes}, or empty if they are not exactly one checksum-valid snapshot. */
    static Optional<Snapshot> decodeSnapshot(byte[] bytes) {
        return decodeSnapshot(bytes, true);
    }

    /** As {@link #decodeSnapshot(byte[])}; {@code verifyCrc} false skips the checksum (planted bug {@code NO_CHECKSUM}). */
    static Optional<Snapshot> decodeSnapshot(byte[] bytes, boolean verifyCrc) {
        if (bytes.length < SNAPSHOT_HEADER_BYTES + CRC_BYTES) return Optional.empty();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(0) != SNAPSHOT_MAGIC || buf.getShort(4) != VERSION) return Optional.empty();
        int imageLength = buf.getInt(24);
        if (imageLength < 0 || imageLength != bytes.length - SNAPSHOT_HEADER_BYTES - CRC_BYTES) return Optional.empty();
        int crcAt = SNAPSHOT_HEADER_BYTES + imageLength;
        if (verifyCrc && buf.getInt(crcAt) != crc(bytes, 0, crcAt)) return Optional.empty();
        long seq = buf.getLong(8);
        if (seq < 0) return Optional.empty();
        return Optional.of(new Snapshot(seq, buf.getLong(16), Arrays.copyOfRange(bytes, SNAPSHOT_HEADER_BYTES, crcAt)));
    }

    // --- metadata ------------------------------------------------------------------------------

    /** What an object directory's {@code meta} file says. */
    record Meta(String namespace, ObjectId id) {
    }

    static byte[] encodeMeta(String namespace, ObjectId id) {
        byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
        byte[] name = id.name().map(n -> n.getBytes(StandardCharsets.UTF_8)).orElse(null);
        int nameBytes = name == null ? 0 : name.length;
        ByteBuffer buf = ByteBuffer.allocate(4 + 2 + 2 + 2 + ns.length + ObjectId.BYTES + 4 + nameBytes + CRC_BYTES);
        buf.putInt(META_MAGIC).putShort(VERSION).putShort((short) 0).putShort((short) ns.length).put(ns)
                .put(id.bytes()).putInt(name == null ? -1 : name.length);
        if (name != null) buf.put(name);
        buf.putInt(crc(buf.array(), 0, buf.position()));
        return buf.array();
    }

    static Optional<Meta> decodeMeta(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (buf.getInt() != META_MAGIC || buf.getShort() != VERSION) return Optional.empty();
            buf.getShort();
            byte[] ns = field(buf, Short.toUnsignedInt(buf.getShort()));
            if (ns == null) return Optional.empty();
            byte[] id = field(buf, ObjectId.BYTES);
            if (id == null) return Optional.empty();
            int nameLength = buf.getInt();
            byte[] name = nameLength == -1 ? null : field(buf, nameLength);
            if (name == null && nameLength != -1) return Optional.empty();
            int crcAt = buf.position();
            if (crcAt + CRC_BYTES != bytes.length || buf.getInt() != crc(bytes, 0, crcAt)) return Optional.empty();
            String nameText = name == null ? null : new String(name, StandardCharsets.UTF_8);
            return Optional.of(new Meta(new String(ns, StandardCharsets.UTF_8), ObjectId.of(id, nameText)));
        } catch (RuntimeException malformed) { // BufferUnderflow: not a meta file
            return Optional.empty();
        }
    }

    /**
     * The next {@code length} bytes of {@code buf}, or null when the length read from the file cannot
     * be right: negative, or more than the bytes left before the CRC. Checked before allocating, so a
     * bit flip in a length field reads as corruption (the same path as a checksum mismatch) instead of
     * allocating whatever the flipped length says (an OutOfMemoryError, or a run that depends on the
     * heap).
     */
    static byte[] field(ByteBuffer buf, int length) {
        if (length < 0 || length > buf.remaining() - CRC_BYTES) return null;
        byte[] out = new byte[length];
        buf.get(out);
        return out;
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
