package dev.duro.wire;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;

import java.util.Objects;
import java.util.Optional;

/**
 * Every message between a client library and a gateway. {@link WireCodec} turns them into bytes and
 * back; the byte layout is in {@code docs/gateway.md}.
 *
 * <p>Request ids are chosen by the client and unique per client incarnation. A WebSocket is named on
 * the wire by its <em>handle</em>: the request id of the upgrade request that opened it. Socket
 * frames in either direction carry a sequence number (1, 2, ...) per socket and direction, so the
 * receiver delivers them in order, at most once, over a transport that may reorder or duplicate.
 */
public sealed interface WireMessage {

    /** A client's request for an object: by name or by id. */
    sealed interface ObjectCall extends WireMessage {
        long requestId();

        String namespace();

        Request request();
    }

    /** Client → gateway: {@code request} for the object named {@code name} in {@code namespace}. */
    record FetchByName(long requestId, String namespace, String name, Request request) implements ObjectCall {
        public FetchByName {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * Client → gateway: {@code request} for the object named {@code name} located at
     * {@code location} ({@code idFromName(name, location)}, another id than the unlocated name's).
     * The gateway makes the id, so the client needs no deployment secret.
     */
    record FetchByLocatedName(long requestId, String namespace, String name, String location, Request request) implements ObjectCall {
        public FetchByLocatedName {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(request, "request");
        }
    }

    /** Client → gateway: {@code request} for the object whose id is {@code idHex} (64 hex digits, checked by the gateway). */
    record FetchById(long requestId, String namespace, String idHex, Request request) implements ObjectCall {
        public FetchById {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(idHex, "idHex");
            Objects.requireNonNull(request, "request");
        }
    }

    /** Gateway → client: the object's response to request {@code requestId}. */
    record FetchResponse(long requestId, Response response) implements WireMessage {
        public FetchResponse {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * Gateway → client: request {@code requestId} failed; the flags follow from {@code code}.
     * {@code owner}, when present, names the node that holds the object (a cluster's
     * {@link ErrorCode#MOVED}): the client retries there.
     */
    record FetchError(long requestId, ErrorCode code, String message, Optional<NodeId> owner) implements WireMessage {
        public FetchError {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(owner, "owner");
        }

        /** An error that names no other node. */
        public FetchError(long requestId, ErrorCode code, String message) {
            this(requestId, code, message, Optional.empty());
        }
    }

    /**
     * Gateway → client: the object accepted the upgrade request {@code requestId}; the socket's
     * handle is {@code requestId} from now on. {@code response} is the object's 101 response.
     */
    record SocketOpened(long requestId, Response response) implements WireMessage {
        public SocketOpened {
            Objects.requireNonNull(response, "response");
        }
    }

    /** Client → gateway → object: message number {@code seq} on socket {@code handle}. */
    record ClientSocketMessage(long handle, long seq, WebSocketMessage message) implements WireMessage {
        public ClientSocketMessage {
            requireSeq(seq);
            Objects.requireNonNull(message, "message");
        }
    }

    /** Client → gateway → object: the client closed socket {@code handle} cleanly after {@code seq - 1} messages. */
    record ClientSocketClose(long handle, long seq, int code, String reason) implements WireMessage {
        public ClientSocketClose {
            requireSeq(seq);
            requireCloseCode(code);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Object → gateway → client: message number {@code seq} on socket {@code handle}. */
    record ObjectSocketMessage(long handle, long seq, WebSocketMessage message) implements WireMessage {
        public ObjectSocketMessage {
            requireSeq(seq);
            Objects.requireNonNull(message, "message");
        }
    }

    /** Object → gateway → client: the object closed socket {@code handle} cleanly after {@code seq - 1} messages. */
    record ObjectSocketClose(long handle, long seq, int code, String reason) implements WireMessage {
        public ObjectSocketClose {
            requireSeq(seq);
            requireCloseCode(code);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Client → gateway keepalive for socket {@code handle}; {@code sentUpToSeq} is the last
     * sequence number the client has sent, so a lost tail shows up as a gap.
     */
    record SocketPing(long handle, long sentUpToSeq) implements WireMessage {
        public SocketPing {
            requireSentUpTo(sentUpToSeq);
        }
    }

    /** Gateway → client answer to a {@link SocketPing}: the last sequence number the gateway has sent on the socket. */
    record SocketPong(long handle, long sentUpToSeq) implements WireMessage {
        public SocketPong {
            requireSentUpTo(sentUpToSeq);
        }
    }

    /**
     * Either direction: socket {@code handle} is gone without a clean close (unknown to this
     * gateway incarnation, keepalive timed out, a gap in the sequence never filled). The receiver
     * closes its end with code 1006 and {@code wasClean=false}.
     */
    record SocketAbort(long handle, String reason) implements WireMessage {
        public SocketAbort {
            Objects.requireNonNull(reason, "reason");
        }
    }

    private static void requireSeq(long seq) {
        if (seq < 1) throw new IllegalArgumentException("socket sequence numbers start at 1, got " + seq);
    }

    private static void requireSentUpTo(long seq) {
        if (seq < 0) throw new IllegalArgumentException("sent-up-to sequence must be >= 0, got " + seq);
    }

    private static void requireCloseCode(int code) {
        if (code < 0 || code > 0xFFFF) throw new IllegalArgumentException("a close code is 0..65535, got " + code);
    }
}
