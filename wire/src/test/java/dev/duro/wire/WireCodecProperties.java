package dev.duro.wire;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.wire.WireMessage.ClientSocketClose;
import dev.duro.wire.WireMessage.ClientSocketMessage;
import dev.duro.wire.WireMessage.FetchById;
import dev.duro.wire.WireMessage.FetchByName;
import dev.duro.wire.WireMessage.FetchError;
import dev.duro.wire.WireMessage.FetchResponse;
import dev.duro.wire.WireMessage.ObjectSocketClose;
import dev.duro.wire.WireMessage.ObjectSocketMessage;
import dev.duro.wire.WireMessage.SocketAbort;
import dev.duro.wire.WireMessage.SocketOpened;
import dev.duro.wire.WireMessage.SocketPing;
import dev.duro.wire.WireMessage.SocketPong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class WireCodecProperties {

    @Property(tries = 2000)
    void everyMessageSurvivesARoundTrip(@ForAll("messages") WireMessage message) {
        byte[] frame = WireCodec.encode(message);
        WireMessage decoded = WireCodec.decode(frame);
        assertThat(describe(decoded)).isEqualTo(describe(message));
        assertThat(WireCodec.encode(decoded)).isEqualTo(frame);
        assertThat(frame[0]).isEqualTo(WireCodec.FAMILY_GATEWAY);
        assertThat(frame[1]).isEqualTo(WireCodec.VERSION);
    }

    @Property(tries = 500)
    void everyProperPrefixOfAFrameIsRejectedCleanly(@ForAll("messages") WireMessage message) {
        byte[] frame = WireCodec.encode(message);
        for (int cut = 0; cut < frame.length; cut++) {
            byte[] prefix = Arrays.copyOf(frame, cut);
            assertThatThrownBy(() -> WireCodec.decode(prefix)).isInstanceOf(WireFormatException.class);
        }
    }

    @Property(tries = 3000)
    void mutatedFramesDecodeOrFailWithTheDocumentedException(@ForAll("messages") WireMessage message,
                                                            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> positions,
                                                            @ForAll byte replacement, @ForAll @IntRange(min = 0, max = 2) int how) {
        byte[] frame = WireCodec.encode(message);
        byte[] mutated = switch (how) {
            case 0 -> { // overwrite bytes
                byte[] m = frame.clone();
                for (int p : positions) m[p % m.length] ^= replacement == 0 ? 1 : replacement;
                yield m;
            }
            case 1 -> { // insert a byte
                int at = positions.get(0) % (frame.length + 1);
                byte[] m = new byte[frame.length + 1];
                System.arraycopy(frame, 0, m, 0, at);
                m[at] = replacement;
                System.arraycopy(frame, at, m, at + 1, frame.length - at);
                yield m;
            }
            default -> { // delete a byte
                int at = positions.get(0) % frame.length;
                byte[] m = new byte[frame.length - 1];
                System.arraycopy(frame, 0, m, 0, at);
                System.arraycopy(frame, at + 1, m, at, frame.length - at - 1);
                yield m;
            }
        };
        decodeOrDocumentedFailure(mutated);
    }

    @Property(tries = 3000)
    void randomBytesAfterAValidPrefixNeverCrashTheDecoder(@ForAll @IntRange(min = 0, max = 14) int type,
                                                          @ForAll @Size(max = 80) byte[] rest) {
        byte[] frame = new byte[3 + rest.length];
        frame[0] = WireCodec.FAMILY_GATEWAY;
        frame[1] = WireCodec.VERSION;
        frame[2] = (byte) type;
        System.arraycopy(rest, 0, frame, 3, rest.length);
        decodeOrDocumentedFailure(frame);
    }

    @Property(tries = 1000)
    void randomBytesNeverCrashTheDecoder(@ForAll @Size(max = 64) byte[] frame) {
        decodeOrDocumentedFailure(frame);
    }

    @Property(tries = 300)
    void theRequestIdOfARequestIsRecoverableFromItsFirstElevenBytes(@ForAll("calls") WireMessage.ObjectCall call) {
        byte[] frame = WireCodec.encode(call);
        byte[] damaged = Arrays.copyOf(frame, 11);
        assertThat(WireCodec.peekRequestId(damaged)).isEqualTo(OptionalLong.of(call.requestId()));
        assertThat(WireCodec.peekRequestId(Arrays.copyOf(frame, 10))).isEmpty();
    }

    private static void decodeOrDocumentedFailure(byte[] frame) {
        try {
            WireMessage m = WireCodec.decode(frame);
            // whatever decodes must be a canonical frame
            assertThat(WireCodec.encode(m)).isEqualTo(frame);
        } catch (WireFormatException expected) {
            assertThat(expected.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable other) {
            fail("decode threw " + other + " for " + HexFormat.of().formatHex(frame), other);
        }
    }

    // ------------------------------------------------------------------ generators

    /** Text without lone surrogates (which have no UTF-8 form; see the encoder's own test). */
    static Arbitrary<String> text(int maxLength) {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(maxLength),
                Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF').ofMaxLength(maxLength),
                Arbitraries.of("", "héllo", "日本語", "emoji \uD83D\uDE00 pair"));
    }

    static Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    }

    static Arbitrary<TreeMap<String, String>> headers() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1).ofMaxLength(12);
        return Arbitraries.maps(names, text(20)).ofMaxSize(5).map(TreeMap::new);
    }

    static Arbitrary<Request> requests() {
        Arbitrary<String> methods = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH");
        Arbitrary<String> paths = text(30).map(s -> "/" + s);
        return Combinators.combine(methods, paths, headers(), bytes()).as(Request::new);
    }

    static Arbitrary<Response> responses() {
        return Combinators.combine(Arbitraries.integers().between(100, 599), headers(), bytes()).as(Response::new);
    }

    static Arbitrary<WebSocketMessage> wsMessages() {
        return Arbitraries.oneOf(text(40).map(WebSocketMessage.Text::new), bytes().map(WebSocketMessage.Binary::new));
    }

    @Provide
    Arbitrary<WireMessage.ObjectCall> calls() {
        Arbitrary<Long> ids = Arbitraries.longs();
        return Arbitraries.oneOf(
                Combinators.combine(ids, text(20), text(20), requests()).as(FetchByName::new),
                Combinators.combine(ids, text(20), text(70), requests()).as(FetchById::new),
                Combinators.combine(ids, text(20), text(20), text(8), requests()).as(WireMessage.FetchByLocatedName::new));
    }

    @Provide
    Arbitrary<WireMessage> messages() {
        Arbitrary<Long> ids = Arbitraries.longs();
        Arbitrary<Long> seqs = Arbitraries.longs().between(1, Long.MAX_VALUE);
        Arbitrary<Long> upTo = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Integer> codes = Arbitraries.integers().between(0, 0xFFFF);
        return Arbitraries.oneOf(
                calls().map(c -> (WireMessage) c),
                Combinators.combine(ids, responses()).as(FetchResponse::new),
                Combinators.combine(ids, Arbitraries.of(ErrorCode.class), text(60)).as(FetchError::new),
                Combinators.combine(ids, Arbitraries.of(ErrorCode.class), text(60), Arbitraries.integers().between(0, Integer.MAX_VALUE))
                        .as((id, code, message, owner) -> new FetchError(id, code, message, java.util.Optional.of(dev.duro.model.world.NodeId.of(owner)))),
                Combinators.combine(ids, responses()).as(SocketOpened::new),
                Combinators.combine(ids, seqs, wsMessages()).as(ClientSocketMessage::new),
                Combinators.combine(ids, seqs, codes, text(30)).as(ClientSocketClose::new),
                Combinators.combine(ids, seqs, wsMessages()).as(ObjectSocketMessage::new),
                Combinators.combine(ids, seqs, codes, text(30)).as(ObjectSocketClose::new),
                Combinators.combine(ids, upTo).as(SocketPing::new),
                Combinators.combine(ids, upTo).as(SocketPong::new),
                Combinators.combine(ids, text(40)).as(SocketAbort::new));
    }

    /** Every field, byte arrays in hex (records with arrays compare by identity). */
    static String describe(WireMessage m) {
        return switch (m) {
            case FetchByName x -> "byName " + x.requestId() + " " + x.namespace() + " " + x.name() + " " + describe(x.request());
            case WireMessage.FetchByLocatedName x -> "byLocatedName " + x.requestId() + " " + x.namespace() + " " + x.name() + " "
                    + x.location() + " " + describe(x.request());
            case FetchById x -> "byId " + x.requestId() + " " + x.namespace() + " " + x.idHex() + " " + describe(x.request());
            case FetchResponse x -> "response " + x.requestId() + " " + describe(x.response());
            case FetchError x -> "error " + x.requestId() + " " + x.code() + " " + x.message() + " " + x.owner();
            case SocketOpened x -> "opened " + x.requestId() + " " + describe(x.response());
            case ClientSocketMessage x -> "c-msg " + x.handle() + " " + x.seq() + " " + describe(x.message());
            case ClientSocketClose x -> "c-close " + x.handle() + " " + x.seq() + " " + x.code() + " " + x.reason();
            case ObjectSocketMessage x -> "o-msg " + x.handle() + " " + x.seq() + " " + describe(x.message());
            case ObjectSocketClose x -> "o-close " + x.handle() + " " + x.seq() + " " + x.code() + " " + x.reason();
            case SocketPing x -> "ping " + x.handle() + " " + x.sentUpToSeq();
            case SocketPong x -> "pong " + x.handle() + " " + x.sentUpToSeq();
            case SocketAbort x -> "abort " + x.handle() + " " + x.reason();
        };
    }

    private static String describe(Request r) {
        return r.method() + " " + r.path() + " " + r.headers() + " " + HexFormat.of().formatHex(r.body());
    }

    private static String describe(Response r) {
        return r.status() + " " + r.headers() + " " + HexFormat.of().formatHex(r.body());
    }

    private static String describe(WebSocketMessage m) {
        return switch (m) {
            case WebSocketMessage.Text t -> "text:" + t.text();
            case WebSocketMessage.Binary b -> "binary:" + HexFormat.of().formatHex(b.bytes());
        };
    }

}
