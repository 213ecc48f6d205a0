package dev.duro.runtime.cluster;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterMessage.Activate;
import dev.duro.runtime.cluster.ClusterMessage.Answered;
import dev.duro.runtime.cluster.ClusterMessage.Failed;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.cluster.ClusterMessage.NotOwner;
import dev.duro.runtime.cluster.ClusterMessage.SocketClose;
import dev.duro.runtime.cluster.ClusterMessage.SocketFrame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster codec at its exact limits (docs/cluster.md, "Forwarding"): the largest namespace,
 * string, body and header count are carried, one more is refused at both ends, and length fields
 * wider than one byte round-trip. The random properties ({@link ClusterCodecProperties}) rarely sit
 * on a boundary; these do, byte for byte.
 */
class ClusterCodecBoundaryTest {
    private static final ObjectId ID = ObjectId.of(new byte[ObjectId.BYTES], null);
    private static final int MAX_NAMESPACE_BYTES = 1024;
    private static final int MAX_STRING_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 256;

    private static ClusterMessage roundTrip(ClusterMessage m) {
        byte[] bytes = ClusterCodec.encode(m);
        ClusterMessage back = ClusterCodec.decode(bytes);
        assertThat(ClusterCodec.encode(back)).isEqualTo(bytes);
        return back;
    }

    @Test
    void aNamespaceOfExactlyTheLimitIsCarriedAndOneByteMoreIsNot() {
        String longest = "n".repeat(MAX_NAMESPACE_BYTES);
        assertThat(((Activate) roundTrip(new Activate(longest, ID))).namespace()).isEqualTo(longest);
        assertThatThrownBy(() -> ClusterCodec.encode(new Activate(longest + "n", ID))).isInstanceOf(IllegalArgumentException.class);
        // a decoder facing a length field one over the limit refuses it before reading the bytes
        byte[] over = ClusterCodec.encode(new Activate(longest, ID));
        ByteBuffer.wrap(over).putShort(3, (short) (MAX_NAMESPACE_BYTES + 1));
        assertThatThrownBy(() -> ClusterCodec.decode(over)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace length 1025");
    }

    @Test
    void ownerIndexZeroAndIndicesWiderThanOneByteRoundTrip() {
        for (int index : new int[] {0, 0x01, 0x0102, 0x010203, 0x01020304, Integer.MAX_VALUE}) {
            ClusterMessage back = roundTrip(new ForwardReply(7, new NotOwner(NodeId.of(index))));
            assertThat(((NotOwner) ((ForwardReply) back).outcome()).owner()).isEqualTo(NodeId.of(index));
        }
        byte[] negative = ClusterCodec.encode(new ForwardReply(7, new NotOwner(NodeId.of(0))));
        ByteBuffer.wrap(negative).putInt(negative.length - 4, -1);
        assertThatThrownBy(() -> ClusterCodec.decode(negative)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative owner");
    }

    @Test
    void stringsOfZeroOfTheLimitAndEndingTheMessageAreCarriedAndOneByteMoreIsNot() {
        String longest = "s".repeat(MAX_STRING_BYTES);
        for (String message : new String[] {"", "x", "é".repeat(200), longest}) {
            // Failed's message is the last field: its bytes end exactly at the end of the frame
            ForwardReply back = (ForwardReply) roundTrip(new ForwardReply(1, new Failed(ErrorCode.INTERNAL, message)));
            assertThat(((Failed) back.outcome()).message()).isEqualTo(message);
        }
        assertThatThrownBy(() -> ClusterCodec.encode(new ForwardReply(1, new Failed(ErrorCode.INTERNAL, longest + "s"))))
                .isInstanceOf(IllegalArgumentException.class);
        // a frame whose last string's length field names one byte more than the frame holds is cut short
        byte[] cut = ClusterCodec.encode(new ForwardReply(1, new Failed(ErrorCode.INTERNAL, "abc")));
        ByteBuffer.wrap(cut).putInt(cut.length - 7, 4);
        assertThatThrownBy(() -> ClusterCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
        // and a length over the limit is refused though the bytes are there
        byte[] over = frame(out -> {
            out.write(3);
            i64(out, 1);
            out.write(2); // FAILED
            str(out, "INTERNAL");
            u32(out, MAX_STRING_BYTES + 1);
            out.writeBytes(new byte[MAX_STRING_BYTES + 1]);
        });
        assertThatThrownBy(() -> ClusterCodec.decode(over)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("error message length " + (MAX_STRING_BYTES + 1));
    }

    @Test
    void aBodyOfExactlyTheLimitIsCarriedAndOneByteMoreIsNot() {
        byte[] body = new byte[ClusterCodec.MAX_BODY_BYTES];
        body[body.length - 1] = 9;
        ForwardReply back = (ForwardReply) roundTrip(new ForwardReply(2, new Answered(new Response(200, null, body))));
        assertThat(((Answered) back.outcome()).response().body()).isEqualTo(body);
        byte[] larger = new byte[ClusterCodec.MAX_BODY_BYTES + 1];
        assertThatThrownBy(() -> ClusterCodec.encode(new ForwardReply(2, new Answered(new Response(200, null, larger)))))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] over = frame(out -> {
            out.write(3);
            i64(out, 2);
            out.write(1); // ANSWERED
            out.write(0);
            out.write(200);
            out.write(0);
            out.write(0); // no headers
            u32(out, ClusterCodec.MAX_BODY_BYTES + 1);
            out.writeBytes(larger);
        });
        assertThatThrownBy(() -> ClusterCodec.decode(over)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("body length " + (ClusterCodec.MAX_BODY_BYTES + 1));
    }

    @Test
    void exactlyTheLimitOfHeadersIsCarriedAndOneMoreIsNot() {
        TreeMap<String, String> headers = new TreeMap<>();
        for (int i = 0; i < MAX_HEADERS; i++) headers.put(String.format("h%03d", i), "v");
        Forward f = new Forward(3, 4, 5, "ns", ID, new Request("GET", "/", headers, new byte[0]));
        assertThat(((Forward) roundTrip(f)).request().headers()).isEqualTo(headers);
        ForwardReply r = (ForwardReply) roundTrip(new ForwardReply(3, new Answered(new Response(200, headers, new byte[0]))));
        assertThat(((Answered) r.outcome()).response().headers()).isEqualTo(headers);
        headers.put("h999", "v");
        assertThatThrownBy(() -> ClusterCodec.encode(new ForwardReply(3, new Answered(new Response(200, headers, new byte[0])))))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] over = frame(out -> {
            out.write(3);
            i64(out, 3);
            out.write(1);
            out.write(0);
            out.write(200);
            out.write(1);
            out.write(1); // 257 headers
            for (int i = 0; i <= MAX_HEADERS; i++) {
                str(out, String.format("h%03d", i));
                str(out, "v");
            }
            u32(out, 0);
        });
        assertThatThrownBy(() -> ClusterCodec.decode(over)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("257 headers");
    }

    @Test
    void aHeaderNamedTwiceIsRefusedForItHasNoSingleEncoding() {
        byte[] twice = frame(out -> {
            out.write(3);
            i64(out, 4);
            out.write(1);
            out.write(0);
            out.write(200);
            out.write(0);
            out.write(2);
            str(out, "a");
            str(out, "1");
            str(out, "a");
            str(out, "2");
            u32(out, 0);
        });
        assertThatThrownBy(() -> ClusterCodec.decode(twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of order");
    }

    @Test
    void aCloseCodeOfSixteenOnesIsCarried() {
        SocketFrame f = new SocketFrame(1, 2, true, "ns", ID, 3, 4, new SocketClose(0xFFFF, "r", true));
        assertThat(((SocketClose) ((SocketFrame) roundTrip(f)).event()).code()).isEqualTo(0xFFFF);
        SocketFrame over = new SocketFrame(1, 2, true, "ns", ID, 3, 4, new SocketClose(0x10000, "r", true));
        assertThatThrownBy(() -> ClusterCodec.encode(over)).isInstanceOf(IllegalArgumentException.class);
    }

    private interface Body {
        void write(ByteArrayOutputStream out);
    }

    /** Family, version, then {@code body} (type byte first), written by hand as docs/cluster.md lays it out. */
    private static byte[] frame(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ClusterCodec.FAMILY);
        out.write(ClusterCodec.VERSION);
        body.write(out);
        return out.toByteArray();
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }

    private static void i64(ByteArrayOutputStream out, long v) {
        out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(out, b.length);
        out.writeBytes(b);
    }
}
