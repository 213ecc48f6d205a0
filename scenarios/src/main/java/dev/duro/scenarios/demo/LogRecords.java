package dev.duro.scenarios.demo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * On-disk format of the demo log: a sequence of self-checking records.
 *
 * <pre>
 * [u32 payloadLength][u32 crc32c][u64 index][u64 requestId][payload]
 * </pre>
 * The CRC covers length, index, request id and payload, so a torn or corrupted record, or stale
 * bytes beyond the real end, fail the check; recovery keeps the longest valid prefix whose
 * indices run 0, 1, 2, ...
 */
final class LogRecords {
    static final int HEADER_BYTES = 24;
    static final int MAX_PAYLOAD_BYTES = 1 << 16;

    private LogRecords() {}

    record Entry(long index, long requestId, byte[] payload) {}

    static byte[] encode(long index, long requestId, byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        buf.putInt(payload.length).putInt(0).putLong(index).putLong(requestId).put(payload);
        buf.putInt(4, crc(buf.array(), payload.length));
        return buf.array();
    }

    /** The valid prefix of {@code bytes} and where it ends. */
    record Recovered(List<Entry> entries, long validBytes) {}

    static Recovered decodePrefix(byte[] bytes) {
        List<Entry> entries = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int offset = 0;
        while (bytes.length - offset >= HEADER_BYTES) {
            int length = buf.getInt(offset);
            if (length < 0 || length > MAX_PAYLOAD_BYTES || bytes.length - offset - HEADER_BYTES < length) break;
            int storedCrc = buf.getInt(offset + 4);
            long index = buf.getLong(offset + 8);
            long requestId = buf.getLong(offset + 16);
            byte[] record = new byte[HEADER_BYTES + length];
            System.arraycopy(bytes, offset, record, 0, record.length);
            if (crc(record, length) != storedCrc || index != entries.size()) break;
            byte[] payload = new byte[length];
            System.arraycopy(record, HEADER_BYTES, payload, 0, length);
            entries.add(new Entry(index, requestId, payload));
            offset += record.length;
        }
        return new Recovered(entries, offset);
    }

    /** CRC32C of a record with its CRC field taken as zero. */
    private static int crc(byte[] record, int payloadLength) {
        CRC32C crc = new CRC32C();
        crc.update(record, 0, 4);
        crc.update(record, 8, HEADER_BYTES - 8 + payloadLength);
        return (int) crc.getValue();
    }
}
