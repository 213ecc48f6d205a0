package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterMessage.Activate;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.cluster.ClusterMessage.Heartbeat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The cluster family's codec: round trips, and nothing but IllegalArgumentException for bad bytes. */
class ClusterCodecProperties {

    @Property(tries = 1000)
    void everyMessageSurvivesARoundTrip(@ForAll("messages") ClusterMessage message) {
        byte[] bytes = ClusterCodec.encode(message);
        assertThat(bytes[0]).isEqualTo(ClusterCodec.FAMILY);
        assertThat(ClusterCodec.encode(ClusterCodec.decode(bytes))).isEqualTo(bytes);
    }

    @Property(tries = 300)
    void everyProperPrefixIsRejected(@ForAll("messages") ClusterMessage message) {
        byte[] bytes = ClusterCodec.encode(message);
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] prefix = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> ClusterCodec.decode(prefix)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 2000)
    void randomBytesDecodeOrAreRejectedCleanly(@ForAll @Size(max = 60) byte[] tail, @ForAll byte type) {
        byte[] bytes = new byte[3 + tail.length];
        bytes[0] = ClusterCodec.FAMILY;
        bytes[1] = ClusterCodec.VERSION;
        bytes[2] = (byte) (type & 7);
        System.arraycopy(tail, 0, bytes, 3, tail.length);
        try {
            ClusterMessage m = ClusterCodec.decode(bytes);
            assertThat(ClusterCodec.encode(m)).isEqualTo(bytes);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable other) {
            fail("decode threw " + other + " for " + HexFormat.of().formatHex(bytes), other);
        }
    }

    private static Arbitrary<ClusterMessage.SocketEvent> socketEvents(Arbitrary<String> words, Arbitrary<byte[]> frames) {
        return Arbitraries.oneOf(
                words.map(w -> new ClusterMessage.SocketSend(new dev.duro.model.websocket.WebSocketMessage.Text(w))),
                frames.map(b -> new ClusterMessage.SocketSend(new dev.duro.model.websocket.WebSocketMessage.Binary(b))),
                Combinators.combine(Arbitraries.integers().between(0, 65_535), words, Arbitraries.of(true, false))
                        .as(ClusterMessage.SocketClose::new),
                Arbitraries.just(new ClusterMessage.SocketPing()),
                words.map(ClusterMessage.SocketAbort::new));
    }

    @Provide
    Arbitrary<ClusterMessage> messages() {
        Arbitrary<byte[]> frames = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<ObjectId> ids = Arbitraries.bytes().array(byte[].class).ofSize(ObjectId.BYTES).map(b -> ObjectId.of(b, null));
        Arbitrary<String> words = Arbitraries.strings().alpha().numeric().ofMaxLength(12);
        Arbitrary<java.util.TreeMap<String, String>> headers = Arbitraries.maps(words.map(w -> "h" + w.toLowerCase(java.util.Locale.ROOT)),
                Arbitraries.strings().ofMaxLength(10).filter(v -> v.chars().noneMatch(c -> Character.isSurrogate((char) c)))).ofMaxSize(4)
                .map(java.util.TreeMap::new);
        Arbitrary<dev.duro.model.object.Request> requests = Combinators.combine(Arbitraries.of("GET", "POST", "PUT"),
                words.map(w -> "/" + w), headers, frames).as(dev.duro.model.object.Request::new);
        Arbitrary<ClusterMessage.Outcome> outcomes = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(100, 599), headers, frames)
                        .as((status, h, body) -> new ClusterMessage.Answered(new dev.duro.model.object.Response(status, h, body))),
                Combinators.combine(Arbitraries.of(dev.duro.model.object.ErrorCode.class), words).as(ClusterMessage.Failed::new),
                Arbitraries.longs().map(ClusterMessage.StaleIncarnation::new),
                Arbitraries.integers().between(0, 1000).map(i -> new ClusterMessage.NotOwner(NodeId.of(i))));
        return Arbitraries.oneOf(
                Arbitraries.longs().map(Heartbeat::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.strings().ofMaxLength(20), ids, requests)
                        .as(Forward::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(true, false), words, ids, Arbitraries.longs(),
                        Arbitraries.longs(), socketEvents(words, frames)).as(ClusterMessage.SocketFrame::new),
                Combinators.combine(Arbitraries.longs(), outcomes).as(ForwardReply::new),
                Combinators.combine(Arbitraries.strings().ofMaxLength(20), ids).as(Activate::new));
    }
}
