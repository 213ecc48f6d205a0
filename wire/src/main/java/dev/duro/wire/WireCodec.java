package dev.duro.wire;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.wire.WireMessage.ClientSocketClose;
import dev.duro.wire.WireMessage.ClientSocketMessage;
import dev.duro.wire.WireMessage.FetchById;
import dev.duro.wire.WireMessage.FetchByLocatedName;
import dev.duro.wire.WireMessage.FetchByName;
import dev.duro.wire.WireMessage.FetchError;
import dev.duro.wire.WireMessage.FetchResponse;
import dev.duro.wire.WireMessage.ObjectSocketClose;
import dev.duro.wire.WireMessage.ObjectSocketMessage;
import dev.duro.wire.WireMessage.SocketAbort;
import dev.duro.wire.WireMessage.SocketOpened;
import dev.duro.wire.WireMessage.SocketPing;
import dev.duro.wire.WireMessage.SocketPong;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The binary form of {@link WireMessage}s. Big-endian; every frame starts with the family byte
 * {@link #FAMILY_GATEWAY} (so other protocols can share a node's transport, dispatching on byte 0),
 * then {@link #VERSION}, then a type tag. Strings are strict UTF-8 with a u32 length; a frame must
 * be consumed exactly. Limits: one body or payload of at most {@link #MAX_BODY_BYTES}, and at most
 * {@link #MAX_HEAD_BYTES} of everything else (method, path, headers, names, reasons, messages).
 *
 * <p>{@link #decode} throws only {@link WireFormatException}, whatever the input.
 */
public final class WireCodec {
    /** Byte 0 of every gateway frame ('G'). A cluster protocol sharing the transport uses another value. */
    public static final byte FAMILY_GATEWAY = 0x47;
    /** Byte 1: the protocol version this code speaks. */
    public static final byte VERSION = 1;
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    public static final int MAX_HEAD_BYTES = 64 * 1024;
    /** No valid frame is longer: the body, the head, and the fixed-size fields and length prefixes. */
    public static final int MAX_FRAME_BYTES = MAX_BODY_BYTES + MAX_HEAD_BYTES + 64 * 1024;
    /** Headers per request or response. */
    public static final int MAX_HEADERS = 256;

    static final int FETCH_BY_NAME = 1;
    static final int FETCH_BY_ID = 2;
    static final int FETCH_RESPONSE = 3;
    static final int FETCH_ERROR = 4;
    static final int SOCKET_OPENED = 5;
    static final int CLIENT_SOCKET_MESSAGE = 6;
    static final int CLIENT_SOCKET_CLOSE = 7;
    static final int OBJECT_SOCKET_MESSAGE = 8;
    static final int OBJECT_SOCKET_CLOSE = 9;
    static final int SOCKET_PING = 10;
    static final int SOCKET_PONG = 11;
    static final int SOCKET_ABORT = 12;
    /** A {@link FetchError} that names the object's owner (type 4 names none, so old frames keep their bytes). */
    static final int FETCH_ERROR_WITH_OWNER = 13;
    static final int FETCH_BY_LOCATED_NAME = 14;

    private static final int WS_TEXT = 1;
    private static final int WS_BINARY = 2;

    private WireCodec() {
    }

    /**
     * The frame for {@code message}.
     *
     * @throws WireFormatException when the message breaks a size limit or holds a string that is
     *                             not valid UTF-16 (a lone surrogate); the message says which
     */
    public static byte[] encode(WireMessage message) {
        Writer w = new Writer();
        w.u8(FAMILY_GATEWAY);
        w.u8(VERSION);
        switch (message) {
            case FetchByName m -> {
                w.u8(FETCH_BY_NAME);
                w.i64(m.requestId());
                w.string("namespace", m.namespace());
                w.string("object name", m.name());
                w.request(m.request());
            }
            case FetchByLocatedName m -> {
                w.u8(FETCH_BY_LOCATED_NAME);
                w.i64(m.requestId());
                w.string("namespace", m.namespace());
                w.string("object name", m.name());
                w.string("location", m.location());
                w.request(m.request());
            }
            case FetchById m -> {
                w.u8(FETCH_BY_ID);
                w.i64(m.requestId());
                w.string("namespace", m.namespace());
                w.string("object id", m.idHex());
                w.request(m.request());
            }
            case FetchResponse m -> {
                w.u8(FETCH_RESPONSE);
                w.i64(m.requestId());
                w.response(m.response());
            }
            case FetchError m -> {
                w.u8(m.owner().isPresent() ? FETCH_ERROR_WITH_OWNER : FETCH_ERROR);
                w.i64(m.requestId());
                w.string("error code", m.code().name());
                w.string("error message", m.message());
                if (m.owner().isPresent()) w.u32(m.owner().get().index());
            }
            case SocketOpened m -> {
                w.u8(SOCKET_OPENED);
                w.i64(m.requestId());
                w.response(m.response());
            }
            case ClientSocketMessage m -> {
                w.u8(CLIENT_SOCKET_MESSAGE);
                w.i64(m.handle());
                w.i64(m.seq());
                w.webSocketMessage(m.message());
            }
            case ClientSocketClose m -> {
                w.u8(CLIENT_SOCKET_CLOSE);
                w.i64(m.handle());
                w.i64(m.seq());
                w.u16(m.code());
                w.string("close reason", m.reason());
            }
            case ObjectSocketMessage m -> {
                w.u8(OBJECT_SOCKET_MESSAGE);
                w.i64(m.handle());
                w.i64(m.seq());
                w.webSocketMessage(m.message());
            }
            case ObjectSocketClose m -> {
                w.u8(OBJECT_SOCKET_CLOSE);
                w.i64(m.handle());
                w.i64(m.seq());
                w.u16(m.code());
                w.string("close reason", m.reason());
            }
            case SocketPing m -> {
                w.u8(SOCKET_PING);
                w.i64(m.handle());
                w.i64(m.sentUpToSeq());
            }
            case SocketPong m -> {
                w.u8(SOCKET_PONG);
                w.i64(m.handle());
                w.i64(m.sentUpToSeq());
            }
            case SocketAbort m -> {
                w.u8(SOCKET_ABORT);
                w.i64(m.handle());
                w.string("abort reason", m.reason());
            }
        }
        return w.toBytes();
    }

    /**
     * The message in {@code frame}.
     *
     * @throws WireFormatException for anything that is not exactly one valid frame
     */
    public static WireMessage decode(byte[] frame) {
        if (frame == null) throw new WireFormatException("no frame (null)");
        if (frame.length > MAX_FRAME_BYTES) {
            throw new WireFormatException("frame is " + frame.length + " bytes; at most " + MAX_FRAME_BYTES + " are accepted");
        }
        Reader r = new Reader(frame);
        int family = r.u8("family byte");
        if (family != (FAMILY_GATEWAY & 0xFF)) {
            throw new WireFormatException(String.format(java.util.Locale.ROOT,
                    "family byte 0x%02x is not the gateway protocol (0x%02x)", family, FAMILY_GATEWAY));
        }
        int version = r.u8("version byte");
        if (version != VERSION) {
            throw new WireFormatException("protocol version " + version + " is not supported; this node speaks " + VERSION);
        }
        int type = r.u8("message type");
        WireMessage message;
        try {
            message = switch (type) {
                case FETCH_BY_NAME -> new FetchByName(r.i64("request id"), r.string("namespace"), r.string("object name"), r.request());
                case FETCH_BY_LOCATED_NAME -> new FetchByLocatedName(r.i64("request id"), r.string("namespace"), r.string("object name"),
                        r.string("location"), r.request());
                case FETCH_BY_ID -> new FetchById(r.i64("request id"), r.string("namespace"), r.string("object id"), r.request());
                case FETCH_RESPONSE -> new FetchResponse(r.i64("request id"), r.response());
                case FETCH_ERROR -> new FetchError(r.i64("request id"), r.errorCode(), r.string("error message"));
                case FETCH_ERROR_WITH_OWNER -> new FetchError(r.i64("request id"), r.errorCode(), r.string("error message"),
                        Optional.of(r.node("owner node")));
                case SOCKET_OPENED -> new SocketOpened(r.i64("request id"), r.response());
                case CLIENT_SOCKET_MESSAGE -> new ClientSocketMessage(r.i64("socket handle"), r.i64("sequence"), r.webSocketMessage());
                case CLIENT_SOCKET_CLOSE -> new ClientSocketClose(r.i64("socket handle"), r.i64("sequence"), r.u16("close code"), r.string("close reason"));
                case OBJECT_SOCKET_MESSAGE -> new ObjectSocketMessage(r.i64("socket handle"), r.i64("sequence"), r.webSocketMessage());
                case OBJECT_SOCKET_CLOSE -> new ObjectSocketClose(r.i64("socket handle"), r.i64("sequence"), r.u16("close code"), r.string("close reason"));
                case SOCKET_PING -> new SocketPing(r.i64("socket handle"), r.i64("sent-up-to sequence"));
                case SOCKET_PONG -> new SocketPong(r.i64("socket handle"), r.i64("sent-up-to sequence"));
                case SOCKET_ABORT -> new SocketAbort(r.i64("socket handle"), r.string("abort reason"));
                default -> throw new WireFormatException("unknown message type " + type);
            };
        } catch (IllegalArgumentException e) {
            // a record or Request/Response constructor rejected a decoded value
            throw new WireFormatException("invalid message of type " + type + ": " + e.getMessage());
        }
        if (r.remaining() != 0) {
            throw new WireFormatException(r.remaining() + " trailing bytes after a message of type " + type);
        }
        return message;
    }

    /**
     * The request id of a frame that claims to be a request (by name or by id), if its first bytes
     * can be read, even when the rest is malformed; so the gateway can answer with an error.
     */
    public static OptionalLong peekRequestId(byte[] frame) {
        if (frame == null || frame.length < 3 + Long.BYTES) return OptionalLong.empty();
        if (frame[0] != FAMILY_GATEWAY || frame[1] != VERSION) return OptionalLong.empty();
        if (frame[2] != FETCH_BY_NAME && frame[2] != FETCH_BY_ID && frame[2] != FETCH_BY_LOCATED_NAME) return OptionalLong.empty();
        return OptionalLong.of(ByteBuffer.wrap(frame, 3, Long.BYTES).getLong());
    }

    /** True when byte 0 says the frame belongs to the gateway protocol (whatever the rest holds). */
    public static boolean isGatewayFrame(byte[] frame) {
        return frame != null && frame.length > 0 && frame[0] == FAMILY_GATEWAY;
    }

    // ------------------------------------------------------------------------------------------

    private static final class Writer {
        private byte[] buf = new byte[128];
        private int len;
        private int headBytes;

        void u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
        }

        void u16(int v) {
            ensure(2);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        void u32(int v) {
            ensure(4);
            buf[len++] = (byte) (v >>> 24);
            buf[len++] = (byte) (v >>> 16);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        void i64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) buf[len++] = (byte) (v >>> shift);
        }

        void string(String what, String s) {
            byte[] utf8 = utf8(what, s);
            headBytes += utf8.length;
            if (headBytes > MAX_HEAD_BYTES) {
                throw new WireFormatException("the " + what + " takes the message's names, headers and texts to "
                        + headBytes + " bytes; at most " + MAX_HEAD_BYTES + " (64 KiB) are allowed");
            }
            raw(utf8);
        }

        void body(String what, byte[] bytes) {
            if (bytes.length > MAX_BODY_BYTES) {
                throw new WireFormatException("the " + what + " is " + bytes.length + " bytes; at most "
                        + MAX_BODY_BYTES + " (4 MiB) are allowed");
            }
            raw(bytes);
        }

        private void raw(byte[] bytes) {
            u32(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
        }

        void headers(SortedMap<String, String> headers) {
            if (headers.size() > MAX_HEADERS) {
                throw new WireFormatException(headers.size() + " headers; at most " + MAX_HEADERS + " are allowed");
            }
            u16(headers.size());
            for (Map.Entry<String, String> h : headers.entrySet()) {
                string("header name", h.getKey());
                string("header '" + h.getKey() + "'", h.getValue());
            }
        }

        void request(Request request) {
            string("method", request.method());
            string("path", request.path());
            headers(request.headers());
            body("request body", request.body());
        }

        void response(Response response) {
            u16(response.status());
            headers(response.headers());
            body("response body", response.body());
        }

        void webSocketMessage(WebSocketMessage message) {
            switch (message) {
                case WebSocketMessage.Text t -> {
                    u8(WS_TEXT);
                    body("WebSocket text message", utf8("WebSocket text message", t.text()));
                }
                case WebSocketMessage.Binary b -> {
                    u8(WS_BINARY);
                    body("WebSocket binary message", b.bytes());
                }
            }
        }

        private void ensure(int more) {
            if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, len);
        }

        private static byte[] utf8(String what, String s) {
            try {
                ByteBuffer out = StandardCharsets.UTF_8.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(s));
                byte[] bytes = new byte[out.remaining()];
                out.get(bytes);
                return bytes;
            } catch (CharacterCodingException e) {
                throw new WireFormatException("the " + what + " is not valid text (a lone UTF-16 surrogate?); it cannot be sent as UTF-8");
            }
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;
        private int headBytes;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.length - pos;
        }

        private void need(int n, String what) {
            if (remaining() < n) {
                throw new WireFormatException("frame ends inside the " + what + " at byte " + pos + " (needs " + n
                        + " more bytes, has " + remaining() + ")");
            }
        }

        int u8(String what) {
            need(1, what);
            return buf[pos++] & 0xFF;
        }

        int u16(String what) {
            need(2, what);
            int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        long u32(String what) {
            need(4, what);
            long v = ((long) (buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                    | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long i64(String what) {
            need(8, what);
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (buf[pos + i] & 0xFF);
            pos += 8;
            return v;
        }

        private byte[] raw(String what, long limit) {
            long n = u32(what + " length");
            if (n > limit) throw new WireFormatException("the " + what + " claims " + n + " bytes; at most " + limit + " are allowed");
            need((int) n, what);
            byte[] out = Arrays.copyOfRange(buf, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        String string(String what) {
            byte[] bytes = raw(what, MAX_HEAD_BYTES - headBytes);
            headBytes += bytes.length;
            return utf8(what, bytes);
        }

        byte[] body(String what) {
            return raw(what, MAX_BODY_BYTES);
        }

        private static String utf8(String what, byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new WireFormatException("the " + what + " is not valid UTF-8");
            }
        }

        SortedMap<String, String> headers() {
            int count = u16("header count");
            if (count > MAX_HEADERS) throw new WireFormatException(count + " headers; at most " + MAX_HEADERS + " are allowed");
            TreeMap<String, String> headers = new TreeMap<>();
            String previous = null;
            for (int i = 0; i < count; i++) {
                String name = string("header name");
                String value = string("header '" + name + "'");
                // canonical form only: lower-case names in strictly ascending order, as Request keeps them
                if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                    throw new WireFormatException("header name '" + name + "' is not lower case");
                }
                if (previous != null && previous.compareTo(name) >= 0) {
                    throw new WireFormatException("header '" + name + "' is out of order or repeated after '" + previous + "'");
                }
                previous = name;
                headers.put(name, value);
            }
            return headers;
        }

        Request request() {
            String method = string("method");
            String path = string("path");
            SortedMap<String, String> headers = headers();
            byte[] body = body("request body");
            if (!method.equals(method.toUpperCase(java.util.Locale.ROOT))) {
                throw new WireFormatException("method '" + method + "' is not upper case");
            }
            return new Request(method, path, headers, body);
        }

        Response response() {
            int status = u16("status");
            SortedMap<String, String> headers = headers();
            byte[] body = body("response body");
            return new Response(status, headers, body);
        }

        WebSocketMessage webSocketMessage() {
            int kind = u8("WebSocket message kind");
            return switch (kind) {
                case WS_TEXT -> new WebSocketMessage.Text(utf8("WebSocket text message", body("WebSocket text message")));
                case WS_BINARY -> new WebSocketMessage.Binary(body("WebSocket binary message"));
                default -> throw new WireFormatException("unknown WebSocket message kind " + kind);
            };
        }

        NodeId node(String what) {
            long index = u32(what);
            if (index > Integer.MAX_VALUE) throw new WireFormatException("the " + what + " index " + index + " is out of range");
            return NodeId.of((int) index);
        }

        ErrorCode errorCode() {
            String name = string("error code");
            try {
                return ErrorCode.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new WireFormatException("unknown error code '" + name + "'");
            }
        }
    }
}
