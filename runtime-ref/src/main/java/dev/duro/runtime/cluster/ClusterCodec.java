package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterMessage.Activate;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.cluster.ClusterMessage.Heartbeat;
import dev.duro.runtime.gateway.wire.WireCodec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of {@link ClusterMessage}s: family byte {@link #FAMILY}, version {@link #VERSION}, a type
 * tag, then the fields, big-endian. {@code Forward}: i64 forward id, u32 client node index, u32
 * length + the relayed gateway frame. {@code ForwardReply}: i64 forward id, u32 length + frame.
 * {@code Activate}: u16 length + UTF-8 namespace, the 32 id bytes. {@code Heartbeat}: nothing
 * more. A frame must be consumed exactly.
 */
final class ClusterCodec {
    /** Byte 0 of every cluster message ('C'). */
    static final byte FAMILY = 0x43;
    static final byte VERSION = 1;

    private static final int HEARTBEAT = 1;
    private static final int FORWARD = 2;
    private static final int FORWARD_REPLY = 3;
    private static final int ACTIVATE = 4;
    private static final int MAX_NAMESPACE_BYTES = 1024;

    private ClusterCodec() {
    }

    static byte[] encode(ClusterMessage message) {
        return switch (message) {
            case Heartbeat h -> new byte[] {FAMILY, VERSION, HEARTBEAT};
            case Forward f -> ByteBuffer.allocate(3 + 8 + 4 + 4 + f.frame().length)
                    .put(FAMILY).put(VERSION).put((byte) FORWARD)
                    .putLong(f.forwardId()).putInt(f.client().index()).putInt(f.frame().length).put(f.frame())
                    .array();
            case ForwardReply r -> ByteBuffer.allocate(3 + 8 + 4 + r.frame().length)
                    .put(FAMILY).put(VERSION).put((byte) FORWARD_REPLY)
                    .putLong(r.forwardId()).putInt(r.frame().length).put(r.frame())
                    .array();
            case Activate a -> {
                byte[] ns = a.namespace().getBytes(StandardCharsets.UTF_8);
                if (ns.length > MAX_NAMESPACE_BYTES) throw new IllegalArgumentException("namespace too long: " + ns.length + " bytes");
                yield ByteBuffer.allocate(3 + 2 + ns.length + ObjectId.BYTES)
                        .put(FAMILY).put(VERSION).put((byte) ACTIVATE)
                        .putShort((short) ns.length).put(ns).put(a.id().bytes())
                        .array();
            }
        };
    }

    /** @throws IllegalArgumentException naming what is wrong, for anything but exactly one valid message */
    static ClusterMessage decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.get() != FAMILY) throw new IllegalArgumentException("not a cluster message (family byte " + bytes[0] + ")");
            int version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("cluster protocol version " + version + " is not supported; this node speaks " + VERSION);
            }
            int type = in.get();
            ClusterMessage m = switch (type) {
                case HEARTBEAT -> new Heartbeat();
                case FORWARD -> {
                    long id = in.getLong();
                    int client = in.getInt();
                    if (client < 0) throw new IllegalArgumentException("negative client node index " + client);
                    yield new Forward(id, NodeId.of(client), frame(in));
                }
                case FORWARD_REPLY -> new ForwardReply(in.getLong(), frame(in));
                case ACTIVATE -> {
                    int length = Short.toUnsignedInt(in.getShort());
                    if (length > MAX_NAMESPACE_BYTES) throw new IllegalArgumentException("namespace length " + length + " is too long");
                    byte[] ns = new byte[length];
                    in.get(ns);
                    byte[] id = new byte[ObjectId.BYTES];
                    in.get(id);
                    yield new Activate(utf8(ns), ObjectId.of(id, null));
                }
                default -> throw new IllegalArgumentException("unknown cluster message type " + type);
            };
            if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " trailing bytes after cluster message type " + type);
            return m;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("cluster message cut short (" + bytes.length + " bytes)");
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("namespace is not valid UTF-8");
        }
    }

    private static byte[] frame(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > WireCodec.MAX_FRAME_BYTES || length > in.remaining()) {
            throw new IllegalArgumentException("relayed frame length " + length + " is out of range (" + in.remaining() + " bytes left)");
        }
        byte[] frame = Arrays.copyOfRange(in.array(), in.position(), in.position() + length);
        in.position(in.position() + length);
        return frame;
    }
}
