package dev.duro.scenarios.demo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The log demo's wire protocol. Every message crosses the simulated network as these bytes, so
 * the codec runs in every simulated delivery.
 */
sealed interface LogMessage {
    /** Client asks a node to append {@code payload} durably; retries reuse {@code requestId}. */
    record Append(long requestId, byte[] payload) implements LogMessage {}

    /** The record for {@code requestId} sits at {@code index} and is synced. */
    record Appended(long requestId, long index) implements LogMessage {}

    /** The node cannot append now (its disk failed); the client may retry later. */
    record Refused(long requestId, String reason) implements LogMessage {}

    /** Client asks for the node's whole log. */
    record ReadLog(long requestId) implements LogMessage {}

    /** The node's log as recovered and appended since: request id per index, in index order. */
    record LogContents(long requestId, List<Long> requestIdsByIndex) implements LogMessage {}

    byte APPEND = 1;
    byte APPENDED = 2;
    byte REFUSED = 3;
    byte READ_LOG = 4;
    byte LOG_CONTENTS = 5;

    static byte[] encode(LogMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (message) {
                case Append a -> {
                    out.writeByte(APPEND);
                    out.writeLong(a.requestId());
                    out.writeInt(a.payload().length);
                    out.write(a.payload());
                }
                case Appended a -> {
                    out.writeByte(APPENDED);
                    out.writeLong(a.requestId());
                    out.writeLong(a.index());
                }
                case Refused r -> {
                    out.writeByte(REFUSED);
                    out.writeLong(r.requestId());
                    out.writeUTF(r.reason());
                }
                case ReadLog r -> {
                    out.writeByte(READ_LOG);
                    out.writeLong(r.requestId());
                }
                case LogContents c -> {
                    out.writeByte(LOG_CONTENTS);
                    out.writeLong(c.requestId());
                    out.writeInt(c.requestIdsByIndex().size());
                    for (long id : c.requestIdsByIndex()) out.writeLong(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a message; throws {@link IllegalArgumentException} on malformed bytes. */
    static LogMessage decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte tag = in.readByte();
            LogMessage message = switch (tag) {
                case APPEND -> {
                    long id = in.readLong();
                    int length = in.readInt();
                    if (length < 0 || length > bytes.length) throw new IllegalArgumentException("bad payload length " + length);
                    yield new Append(id, in.readNBytes(length));
                }
                case APPENDED -> new Appended(in.readLong(), in.readLong());
                case REFUSED -> new Refused(in.readLong(), in.readUTF());
                case READ_LOG -> new ReadLog(in.readLong());
                case LOG_CONTENTS -> {
                    long id = in.readLong();
                    int n = in.readInt();
                    if (n < 0 || n > bytes.length / 8) throw new IllegalArgumentException("bad entry count " + n);
                    List<Long> ids = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) ids.add(in.readLong());
                    yield new LogContents(id, List.copyOf(ids));
                }
                default -> throw new IllegalArgumentException("unknown message tag " + tag);
            };
            if (in.available() != 0) throw new IllegalArgumentException(in.available() + " trailing bytes");
            return message;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated message of " + bytes.length + " bytes", e);
        }
    }
}
