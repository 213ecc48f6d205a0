package dev.duro.deploy.net;

import dev.duro.model.world.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node-to-node frame decoder against what the network can do to a frame: any bytes decode to
 * one of its three answers and never throw; a frame damaged anywhere is never read as a message;
 * a frame of another cluster is always forged; a good frame reads back as sent.
 */
class FrameCodecProperties {
    private static final byte[] SECRET = "this cluster's secret, 32 bytes!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER = "another cluster's secret 32 byte".getBytes(StandardCharsets.US_ASCII);

    private final FrameCodec codec = new FrameCodec(SECRET, 1 << 20);

    @Property(tries = 3000)
    void anyBodyDecodesToAnAnswerWithoutThrowing(@ForAll @Size(max = 600) byte[] body) {
        FrameCodec.Decoded d = codec.decode(Unpooled.wrappedBuffer(body), body.length);
        assertThat(d).isNotNull();
        if (d instanceof FrameCodec.Message) {
            throw new AssertionError("random bytes passed the CRC and the HMAC: " + Arrays.toString(body));
        }
    }

    @Property(tries = 2000)
    void aGoodFrameReadsBackAsSent(@ForAll @Size(max = 2000) byte[] payload, @ForAll @IntRange(max = 8) int from,
                                   @ForAll @IntRange(max = 8) int to) {
        byte[] frame = frame(codec, from, to, payload);
        FrameCodec.Decoded d = decode(frame);
        assertThat(d).isInstanceOf(FrameCodec.Message.class);
        FrameCodec.Message m = (FrameCodec.Message) d;
        assertThat(m.from()).isEqualTo(NodeId.of(from));
        assertThat(m.to()).isEqualTo(NodeId.of(to));
        assertThat(m.payload()).isEqualTo(payload);
    }

    @Property(tries = 3000)
    void aFrameDamagedAnywhereIsNeverAMessage(@ForAll @Size(max = 300) byte[] payload, @ForAll @IntRange(min = 0, max = 1 << 20) int at,
                                              @ForAll @IntRange(min = 0, max = 7) int bit) {
        byte[] frame = frame(codec, 1, 2, payload);
        int i = FrameCodec.LENGTH_BYTES + at % (frame.length - FrameCodec.LENGTH_BYTES);
        frame[i] ^= (byte) (1 << bit);
        FrameCodec.Decoded d = decode(frame);
        assertThat(d).as("bit %d of byte %d flipped", bit, i).isNotInstanceOf(FrameCodec.Message.class);
    }

    @Property(tries = 1000)
    void aFrameOfAnotherClusterIsForged(@ForAll @Size(max = 300) byte[] payload) {
        byte[] frame = frame(new FrameCodec(OTHER, 1 << 20), 0, 1, payload);
        assertThat(decode(frame)).isInstanceOf(FrameCodec.Forged.class);
    }

    @Property(tries = 1000)
    void aCutBodyIsNeverAMessage(@ForAll @Size(max = 300) byte[] payload, @ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        byte[] frame = frame(codec, 0, 1, payload);
        int body = frame.length - FrameCodec.LENGTH_BYTES;
        int keep = cut % body;
        FrameCodec.Decoded d = codec.decode(Unpooled.wrappedBuffer(frame, FrameCodec.LENGTH_BYTES, keep), keep);
        assertThat(d).isNotInstanceOf(FrameCodec.Message.class);
    }

    private FrameCodec.Decoded decode(byte[] frame) {
        ByteBuf in = Unpooled.wrappedBuffer(frame);
        int bodyBytes = in.readInt();
        return codec.decode(in, bodyBytes);
    }

    private static byte[] frame(FrameCodec c, int from, int to, byte[] payload) {
        ByteBuf b = c.encode(UnpooledByteBufAllocator.DEFAULT, NodeId.of(from), NodeId.of(to), payload);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
