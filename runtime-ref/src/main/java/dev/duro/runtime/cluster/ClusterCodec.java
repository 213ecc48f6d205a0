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
import dev.duro.runtime.cluster.ClusterMessage.Heartbeat;
import dev.duro.runtime.cluster.ClusterMessage.NotOwner;
import dev.duro.runtime.cluster.ClusterMessage.Outcome;
import dev.duro.runtime.cluster.ClusterMessage.SocketAbort;
import dev.duro.runtime.cluster.ClusterMessage.SocketClose;
import dev.duro.runtime.cluster.ClusterMessage.SocketEvent;
import dev.duro.runtime.cluster.ClusterMessage.SocketFrame;
import dev.duro.runtime.cluster.ClusterMessage.SocketPing;
import dev.duro.runtime.cluster.ClusterMessage.SocketSend;
import dev.duro.runtime.cluster.ClusterMessage.StaleIncarnation;
import dev.duro.model.websocket.WebSocketMessage;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of {@link ClusterMessage}s: family byte {@link #FAMILY}, version {@link #VERSION}, a type
 * tag, then the fields, big-endian (docs/cluster.md, "Forwarding"). Strings are u32 length + strict
 * UTF-8, byte strings u32 length + bytes; a request is method, path, headers (u16 count, names in
 * strictly ascending order), body; a response is u16 status, headers, body. A frame must be
 * consumed exactly, and every message has exactly one encoding.
 */
final class ClusterCodec {
    /** Byte 0 of every cluster message ('C'). */
    static final byte FAMILY = 0x43;
    static final byte VERSION = 3;
    /** The largest request or response body a forward carries (the edge's own limit). */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final int MAX_STRING_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 256;

    private static final int HEARTBEAT = 1;
    private static final int FORWARD = 2;
    private static final int FORWARD_REPLY = 3;
    private static final int ACTIVATE = 4;
    private static final int SOCKET = 5;

    private static final int SEND_TEXT = 1;
    private static final int SEND_BINARY = 2;
    private static final int CLOSE = 3;
    private static final int PING = 4;
    private static final int ABORT = 5;

    private static final int ANSWERED = 1;
    private static final int FAILED = 2;
    private static final int STALE = 3;
    private static final int NOT_OWNER = 4;
    private static final int MAX_NAMESPACE_BYTES = 1024;

    private ClusterCodec() {
    }

    /** @throws IllegalArgumentException if a field exceeds its limit (a body over {@link #MAX_BODY_BYTES}) */
    static byte[] encode(ClusterMessage message) {
        Out out = new Out();
        out.u8(FAMILY).u8(VERSION);
        switch (message) {
            case Heartbeat h -> out.u8(HEARTBEAT).i64(h.incarnation());
            case Forward f -> {
                out.u8(FORWARD).i64(f.forwardId()).i64(f.ownerIncarnation()).i64(f.senderIncarnation());
                namespace(out, f.namespace());
                out.raw(f.id().bytes());
                out.str(f.request().method()).str(f.request().path()).headers(f.request().headers()).bytes(f.request().body());
            }
            case ForwardReply r -> {
                out.u8(FORWARD_REPLY).i64(r.forwardId());
                outcome(out, r.outcome());
            }
            case Activate a -> {
                out.u8(ACTIVATE);
                namespace(out, a.namespace());
                out.raw(a.id().bytes());
            }
            case SocketFrame f -> {
                out.u8(SOCKET).i64(f.fromIncarnation()).i64(f.toIncarnation()).u8(f.toOwner() ? 1 : 0);
                namespace(out, f.namespace());
                out.raw(f.id().bytes());
                out.i64(f.socketId()).i64(f.seq());
                socketEvent(out, f.event());
            }
        }
        return out.toByteArray();
    }

    private static void outcome(Out out, Outcome outcome) {
        switch (outcome) {
            case Answered a -> out.u8(ANSWERED).u16(a.response().status()).headers(a.response().headers()).bytes(a.response().body());
            case Failed f -> out.u8(FAILED).str(f.code().name()).str(f.message());
            case StaleIncarnation s -> out.u8(STALE).i64(s.incarnation());
            case NotOwner n -> out.u8(NOT_OWNER).u32(n.owner().index());
        }
    }

    private static void socketEvent(Out out, SocketEvent event) {
        switch (event) {
            case SocketSend s -> {
                switch (s.message()) {
                    case WebSocketMessage.Text t -> out.u8(SEND_TEXT).str(t.text());
                    case WebSocketMessage.Binary b -> out.u8(SEND_BINARY).bytes(b.bytes());
                }
            }
            case SocketClose c -> out.u8(CLOSE).u16(c.code()).str(c.reason()).u8(c.wasClean() ? 1 : 0);
            case SocketPing p -> out.u8(PING);
            case SocketAbort a -> out.u8(ABORT).str(a.reason());
        }
    }

    private static SocketEvent socketEvent(ByteBuffer in) {
        int kind = in.get();
        return switch (kind) {
            case SEND_TEXT -> new SocketSend(new WebSocketMessage.Text(str(in, "socket message")));
            case SEND_BINARY -> new SocketSend(new WebSocketMessage.Binary(bytes(in)));
            case CLOSE -> new SocketClose(Short.toUnsignedInt(in.getShort()), str(in, "close reason"), bool(in, "clean flag"));
            case PING -> new SocketPing();
            case ABORT -> new SocketAbort(str(in, "abort reason"));
            default -> throw new IllegalArgumentException("unknown socket event " + kind);
        };
    }

    private static boolean bool(ByteBuffer in, String what) {
        int b = in.get();
        if (b != 0 && b != 1) throw new IllegalArgumentException(what + " is " + b + ", not 0 or 1");
        return b == 1;
    }

    private static void namespace(Out out, String namespace) {
        byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
        if (ns.length > MAX_NAMESPACE_BYTES) throw new IllegalArgumentException("namespace too long: " + ns.length + " bytes");
        out.u16(ns.length).raw(ns);
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
                case HEARTBEAT -> new Heartbeat(in.getLong());
                case FORWARD -> {
                    long forwardId = in.getLong();
                    long incarnation = in.getLong();
                    long senderIncarnation = in.getLong();
                    String ns = namespace(in);
                    ObjectId id = id(in);
                    String method = str(in, "method");
                    String path = str(in, "path");
                    TreeMap<String, String> headers = headers(in);
                    byte[] body = bytes(in);
                    yield new Forward(forwardId, incarnation, senderIncarnation, ns, id, request(method, path, headers, body));
                }
                case FORWARD_REPLY -> new ForwardReply(in.getLong(), outcome(in));
                case ACTIVATE -> new Activate(namespace(in), id(in));
                case SOCKET -> {
                    long fromIncarnation = in.getLong();
                    long toIncarnation = in.getLong();
                    boolean toOwner = bool(in, "direction");
                    String ns = namespace(in);
                    ObjectId id = id(in);
                    long socketId = in.getLong();
                    long seq = in.getLong();
                    yield new SocketFrame(fromIncarnation, toIncarnation, toOwner, ns, id, socketId, seq, socketEvent(in));
                }
                default -> throw new IllegalArgumentException("unknown cluster message type " + type);
            };
            if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " trailing bytes after cluster message type " + type);
            return m;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("cluster message cut short (" + bytes.length + " bytes)");
        }
    }

    private static Outcome outcome(ByteBuffer in) {
        int kind = in.get();
        return switch (kind) {
            case ANSWERED -> {
                int status = Short.toUnsignedInt(in.getShort());
                TreeMap<String, String> headers = headers(in);
                byte[] body = bytes(in);
                if (status < 100 || status > 599) throw new IllegalArgumentException("response status " + status + " is out of range");
                yield new Answered(new Response(status, headers, body));
            }
            case FAILED -> {
                String code = str(in, "error code");
                ErrorCode c;
                try {
                    c = ErrorCode.valueOf(code);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown error code '" + code + "'");
                }
                yield new Failed(c, str(in, "error message"));
            }
            case STALE -> new StaleIncarnation(in.getLong());
            case NOT_OWNER -> {
                int owner = in.getInt();
                if (owner < 0) throw new IllegalArgumentException("negative owner node index " + owner);
                yield new NotOwner(NodeId.of(owner));
            }
            default -> throw new IllegalArgumentException("unknown forward outcome " + kind);
        };
    }

    private static Request request(String method, String path, TreeMap<String, String> headers, byte[] body) {
        if (method.isEmpty() || !method.equals(method.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("request method '" + method + "' is not an upper-case word");
        }
        if (!path.startsWith("/")) throw new IllegalArgumentException("request path does not start with '/'");
        return new Request(method, path, headers, body);
    }

    private static String namespace(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > MAX_NAMESPACE_BYTES) throw new IllegalArgumentException("namespace length " + length + " is too long");
        byte[] ns = new byte[length];
        in.get(ns);
        return utf8(ns, "namespace");
    }

    private static ObjectId id(ByteBuffer in) {
        byte[] id = new byte[ObjectId.BYTES];
        in.get(id);
        return ObjectId.of(id, null);
    }

    private static TreeMap<String, String> headers(ByteBuffer in) {
        int count = Short.toUnsignedInt(in.getShort());
        if (count > MAX_HEADERS) throw new IllegalArgumentException(count + " headers, more than " + MAX_HEADERS);
        TreeMap<String, String> headers = new TreeMap<>();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String name = str(in, "header name");
            if (previous != null && name.compareTo(previous) <= 0) throw new IllegalArgumentException("header '" + name + "' is out of order");
            if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) throw new IllegalArgumentException("header '" + name + "' is not lower case");
            headers.put(name, str(in, "header value"));
            previous = name;
        }
        return headers;
    }

    private static String str(ByteBuffer in, String what) {
        int length = in.getInt();
        if (length < 0 || length > MAX_STRING_BYTES || length > in.remaining()) {
            throw new IllegalArgumentException(what + " length " + length + " is out of range (" + in.remaining() + " bytes left)");
        }
        byte[] b = new byte[length];
        in.get(b);
        return utf8(b, what);
    }

    private static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > MAX_BODY_BYTES || length > in.remaining()) {
            throw new IllegalArgumentException("body length " + length + " is out of range (" + in.remaining() + " bytes left)");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid UTF-8");
        }
    }

    /** A growing big-endian buffer. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);

        Out u8(int v) {
            bytes.write(v);
            return this;
        }

        Out u16(int v) {
            if (v < 0 || v > 0xFFFF) throw new IllegalArgumentException("value " + v + " does not fit in 16 bits");
            bytes.write(v >>> 8);
            bytes.write(v);
            return this;
        }

        Out u32(int v) {
            bytes.write(v >>> 24);
            bytes.write(v >>> 16);
            bytes.write(v >>> 8);
            bytes.write(v);
            return this;
        }

        Out i64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) bytes.write((int) (v >>> shift));
            return this;
        }

        Out raw(byte[] b) {
            bytes.writeBytes(b);
            return this;
        }

        Out str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_STRING_BYTES) throw new IllegalArgumentException("a string of " + b.length + " bytes is longer than " + MAX_STRING_BYTES);
            return u32(b.length).raw(b);
        }

        Out bytes(byte[] b) {
            if (b.length > MAX_BODY_BYTES) throw new IllegalArgumentException("a body of " + b.length + " bytes is larger than " + MAX_BODY_BYTES);
            return u32(b.length).raw(b);
        }

        Out headers(Map<String, String> headers) {
            if (headers.size() > MAX_HEADERS) throw new IllegalArgumentException(headers.size() + " headers, more than " + MAX_HEADERS);
            u16(headers.size());
            for (var e : headers.entrySet()) str(e.getKey()).str(e.getValue());
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
