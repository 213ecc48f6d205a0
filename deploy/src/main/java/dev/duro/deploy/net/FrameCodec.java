package dev.duro.deploy.net;

import dev.duro.model.world.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.zip.CRC32C;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node-to-node frame. One message of the {@link dev.duro.model.world.Transport}, unchanged:
 * <pre>
 *   int32  length      bytes after this field
 *   byte   version     1
 *   int32  from        sender's node index
 *   int32  to          receiver's node index
 *   bytes  payload     the message as the runtime encoded it
 *   int32  crc32c      over version..payload
 *   byte[32] hmac      HMAC-SHA256 keyed by the cluster secret, over version..payload
 * </pre>
 * The CRC tells damage from forgery: a frame whose CRC fails was damaged (dropped, the connection
 * stays); a frame whose CRC holds but whose HMAC fails was made without the key (the peer is
 * refused). Both run before any byte reaches the runtime. Not thread-safe (one per event loop).
 */
public final class FrameCodec {
    public static final int VERSION = 1;
    static final int LENGTH_BYTES = 4;
    static final int HEADER_BYTES = 1 + 4 + 4;
    static final int CRC_BYTES = 4;
    static final int MAC_BYTES = 32;
    /** Bytes of a frame besides its payload, the length field excluded. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + CRC_BYTES + MAC_BYTES;
    /** Shortest secret accepted: 128 bits. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final String HMAC = "HmacSHA256";

    private final Mac mac;
    private final CRC32C crc = new CRC32C();
    private final int maxPayloadBytes;

    public FrameCodec(byte[] clusterSecret, int maxPayloadBytes) {
        Objects.requireNonNull(clusterSecret, "clusterSecret");
        if (clusterSecret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret must be at least " + MIN_SECRET_BYTES
                    + " bytes, got " + clusterSecret.length);
        }
        if (maxPayloadBytes <= 0 || maxPayloadBytes > Integer.MAX_VALUE - OVERHEAD_BYTES) {
            throw new IllegalArgumentException("maxPayloadBytes must be in (0, " + (Integer.MAX_VALUE - OVERHEAD_BYTES)
                    + "], got " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        try {
            mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(clusterSecret, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + HMAC + ", which every Java SE provides", e);
        }
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Bytes on the wire for a payload of {@code payloadBytes}, length field included. */
    public static int frameBytes(int payloadBytes) {
        return LENGTH_BYTES + OVERHEAD_BYTES + payloadBytes;
    }

    /** The whole frame, length field first. */
    public ByteBuf encode(ByteBufAllocator alloc, NodeId from, NodeId to, byte[] payload) {
        if (payload.length > maxPayloadBytes) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the frame limit of "
                    + maxPayloadBytes);
        }
        byte[] header = header(from, to);
        ByteBuf out = alloc.buffer(frameBytes(payload.length));
        out.writeInt(OVERHEAD_BYTES + payload.length);
        out.writeBytes(header);
        out.writeBytes(payload);
        crc.reset();
        crc.update(header);
        crc.update(payload);
        out.writeInt((int) crc.getValue());
        mac.update(header);
        out.writeBytes(mac.doFinal(payload));
        return out;
    }

    /** What {@link #decode} made of a frame body. */
    public sealed interface Decoded {
    }

    public record Message(NodeId from, NodeId to, byte[] payload) implements Decoded {
    }

    /** The CRC does not match: damaged in transit or by a buggy peer. */
    public record Damaged(String why) implements Decoded {
    }

    /** The CRC holds but the HMAC does not: the sender lacks the cluster secret. */
    public record Forged(String why) implements Decoded {
    }

    /** Reads one frame body of {@code bodyBytes} (the length field already consumed). */
    public Decoded decode(ByteBuf in, int bodyBytes) {
        byte[] body = new byte[bodyBytes];
        in.readBytes(body);
        int signed = bodyBytes - CRC_BYTES - MAC_BYTES;
        if (signed < HEADER_BYTES) return new Damaged("frame body of " + bodyBytes + " bytes is shorter than its header");
        crc.reset();
        crc.update(body, 0, signed);
        int expectedCrc = (body[signed] & 0xFF) << 24 | (body[signed + 1] & 0xFF) << 16
                | (body[signed + 2] & 0xFF) << 8 | (body[signed + 3] & 0xFF);
        if ((int) crc.getValue() != expectedCrc) return new Damaged("CRC32C mismatch");
        mac.update(body, 0, signed);
        byte[] expectedMac = mac.doFinal();
        byte[] actualMac = java.util.Arrays.copyOfRange(body, signed + CRC_BYTES, bodyBytes);
        if (!MessageDigest.isEqual(expectedMac, actualMac)) {
            return new Forged("HMAC-SHA256 does not verify: the peer does not hold this cluster's secret");
        }
        if (body[0] != VERSION) return new Damaged("frame version " + body[0] + ", this node speaks " + VERSION);
        int from = readInt(body, 1);
        int to = readInt(body, 5);
        if (from < 0 || to < 0) return new Damaged("negative node index in header");
        byte[] payload = java.util.Arrays.copyOfRange(body, HEADER_BYTES, signed);
        return new Message(NodeId.of(from), NodeId.of(to), payload);
    }

    private static byte[] header(NodeId from, NodeId to) {
        byte[] h = new byte[HEADER_BYTES];
        h[0] = VERSION;
        writeInt(h, 1, from.index());
        writeInt(h, 5, to.index());
        return h;
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
