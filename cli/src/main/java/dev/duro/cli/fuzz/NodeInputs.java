package dev.duro.cli.fuzz;

import dev.duro.deploy.net.FrameCodec;
import dev.duro.deploy.net.TransportConfig;
import dev.duro.model.world.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Generated input for the node-to-node port. Foreign input is what anyone on the network can send:
 * garbage, a length field past the limit, truncated frames, frames whose checksum fails, and
 * frames signed by another cluster (what a frame replayed from another cluster looks like).
 * Signed garbage is well-signed with this cluster's key but carries a message no node wrote: it
 * checks that the runtime's decoders refuse what got past the transport.
 */
final class NodeInputs {
    private final FrameCodec ours;
    private final FrameCodec foreign;
    private final int nodes;

    NodeInputs(byte[] clusterSecret, int nodes) {
        this.ours = new FrameCodec(clusterSecret, TransportConfig.DEFAULT_MAX_PAYLOAD_BYTES);
        byte[] other = clusterSecret.clone();
        other[0] ^= 0x5A;
        this.foreign = new FrameCodec(other, TransportConfig.DEFAULT_MAX_PAYLOAD_BYTES);
        this.nodes = nodes;
    }

    /** Input from outside the cluster for node {@code to}. */
    byte[] foreign(SplittableRandom r, int to) {
        byte[] payload = HttpInputs.randomBytes(r, r.nextInt(0, 512));
        return switch (r.nextInt(6)) {
            case 0 -> HttpInputs.randomBytes(r, r.nextInt(1, 1024));
            case 1 -> ByteBuffer.allocate(4).putInt(r.nextBoolean() ? -1 - r.nextInt(1000) : Integer.MAX_VALUE - r.nextInt(1000)).array();
            case 2 -> {
                byte[] f = frame(foreign, from(r, to), to, payload);
                yield java.util.Arrays.copyOf(f, r.nextInt(1, f.length));   // truncated
            }
            case 3 -> {
                byte[] f = frame(ours, from(r, to), to, payload);
                f[r.nextInt(4, f.length)] ^= (byte) (1 << r.nextInt(8));      // damaged in transit: CRC or MAC fails
                yield f;
            }
            default -> frame(foreign, from(r, to), to, payload);           // another cluster's frame
        };
    }

    /** A frame signed with this cluster's key carrying garbage, a bit-flipped or a cut-short message. */
    byte[] signedGarbage(SplittableRandom r, int to) {
        byte[] payload = switch (r.nextInt(3)) {
            case 0 -> HttpInputs.randomBytes(r, r.nextInt(0, 256));
            case 1 -> HttpInputs.randomBytes(r, r.nextInt(256, 8192));
            default -> new byte[] {(byte) r.nextInt(256)};
        };
        return frame(ours, from(r, to), to, payload);
    }

    private int from(SplittableRandom r, int to) {
        if (nodes == 1) return 0;
        int from = r.nextInt(nodes - 1);
        return from >= to ? from + 1 : from;
    }

    private static byte[] frame(FrameCodec codec, int from, int to, byte[] payload) {
        ByteBuf buf = codec.encode(UnpooledByteBufAllocator.DEFAULT, NodeId.of(from), NodeId.of(to), payload);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
