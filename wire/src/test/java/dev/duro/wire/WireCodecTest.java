package dev.duro.wire;

import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireCodecTest {

    @Test
    void theFrameLayoutIsTheDocumentedOne() {
        byte[] frame = WireCodec.encode(new WireMessage.SocketPing(0x0102030405060708L, 9));
        assertThat(frame).containsExactly(
                0x47, 1, 10,
                1, 2, 3, 4, 5, 6, 7, 8,
                0, 0, 0, 0, 0, 0, 0, 9);
        byte[] error = WireCodec.encode(new WireMessage.FetchError(1, dev.duro.model.object.ErrorCode.INVALID_ID, "é"));
        assertThat(Arrays.copyOfRange(error, 11, 15)).containsExactly(0, 0, 0, 10); // "INVALID_ID"
        assertThat(Arrays.copyOfRange(error, error.length - 6, error.length)).containsExactly(0, 0, 0, 2, 0xC3, 0xA9);
    }

    @Test
    void aBodyOverFourMebibytesIsRefusedOnBothSides() {
        Request big = Request.post("/", new byte[WireCodec.MAX_BODY_BYTES + 1]);
        assertThatThrownBy(() -> WireCodec.encode(new WireMessage.FetchByName(1, "NS", "x", big)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("request body").hasMessageContaining("4 MiB");
        Request ok = Request.post("/", new byte[WireCodec.MAX_BODY_BYTES]);
        byte[] frame = WireCodec.encode(new WireMessage.FetchByName(1, "NS", "x", ok));
        assertThat(((WireMessage.FetchByName) WireCodec.decode(frame)).request().body()).hasSize(WireCodec.MAX_BODY_BYTES);
        // a frame that claims one byte more is rejected before anything is allocated
        int bodyLengthAt = frame.length - WireCodec.MAX_BODY_BYTES - 4;
        ByteBuffer.wrap(frame).putInt(bodyLengthAt, WireCodec.MAX_BODY_BYTES + 1);
        assertThatThrownBy(() -> WireCodec.decode(frame)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("request body claims " + (WireCodec.MAX_BODY_BYTES + 1));
    }

    @Test
    void headersOverSixtyFourKibibytesAreRefused() {
        Request r = Request.get("/").withHeader("a", "x".repeat(40_000)).withHeader("b", "y".repeat(30_000));
        assertThatThrownBy(() -> WireCodec.encode(new WireMessage.FetchByName(1, "NS", "x", r)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("64 KiB");
    }

    @Test
    void aLoneSurrogateCannotBeEncoded() {
        assertThatThrownBy(() -> WireCodec.encode(new WireMessage.ObjectSocketMessage(1, 1, new WebSocketMessage.Text("a\uD800b"))))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("WebSocket text message");
    }

    @Test
    void badInputGetsMessagesThatSayWhatWasWrong() {
        assertThatThrownBy(() -> WireCodec.decode(new byte[0])).hasMessageContaining("family byte");
        assertThatThrownBy(() -> WireCodec.decode(new byte[]{0x43, 1, 1})).hasMessageContaining("not the gateway protocol");
        assertThatThrownBy(() -> WireCodec.decode(new byte[]{0x47, 2, 1})).hasMessageContaining("version 2 is not supported");
        assertThatThrownBy(() -> WireCodec.decode(new byte[]{0x47, 1, 99})).hasMessageContaining("unknown message type 99");
        byte[] frame = WireCodec.encode(new WireMessage.FetchResponse(5, Response.ok("hi")));
        byte[] longer = Arrays.copyOf(frame, frame.length + 1);
        assertThatThrownBy(() -> WireCodec.decode(longer)).hasMessageContaining("1 trailing bytes");
        byte[] badStatus = frame.clone();
        badStatus[11] = 0;
        badStatus[12] = 42; // status 42
        assertThatThrownBy(() -> WireCodec.decode(badStatus)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("status must be 100..599");
    }

    @Test
    void nonCanonicalHeadersAreRejected() {
        byte[] frame = WireCodec.encode(new WireMessage.FetchResponse(5, new Response(200,
                new java.util.TreeMap<>(java.util.Map.of("ab", "1", "ac", "2")), null)));
        byte[] swapped = frame.clone();
        // the two names are "ab" then "ac": make the second "aa", out of order
        int second = indexOf(frame, new byte[]{'a', 'c'});
        swapped[second + 1] = 'a';
        assertThatThrownBy(() -> WireCodec.decode(swapped)).hasMessageContaining("out of order");
        byte[] upper = frame.clone();
        upper[indexOf(frame, new byte[]{'a', 'b'})] = 'A';
        assertThatThrownBy(() -> WireCodec.decode(upper)).hasMessageContaining("not lower case");
    }

    @Test
    void peekFindsTheRequestIdOnlyInRequests() {
        byte[] request = WireCodec.encode(new WireMessage.FetchById(77, "NS", "zz", Request.get("/")));
        assertThat(WireCodec.peekRequestId(Arrays.copyOf(request, 12))).isEqualTo(OptionalLong.of(77));
        byte[] response = WireCodec.encode(new WireMessage.FetchResponse(77, Response.ok("")));
        assertThat(WireCodec.peekRequestId(response)).isEmpty();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
