package dev.duro.client;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import dev.duro.wire.MovedException;
import dev.duro.wire.OrderedInbox;
import dev.duro.wire.WireCodec;
import dev.duro.wire.WireFormatException;
import dev.duro.wire.WireMessage;
import dev.duro.wire.WireMessage.ClientSocketClose;
import dev.duro.wire.WireMessage.ClientSocketMessage;
import dev.duro.wire.WireMessage.FetchById;
import dev.duro.wire.WireMessage.FetchByLocatedName;
import dev.duro.wire.WireMessage.FetchByName;
import dev.duro.wire.WireMessage.FetchError;
import dev.duro.wire.WireMessage.FetchResponse;
import dev.duro.wire.WireMessage.ObjectCall;
import dev.duro.wire.WireMessage.ObjectSocketClose;
import dev.duro.wire.WireMessage.ObjectSocketMessage;
import dev.duro.wire.WireMessage.SocketAbort;
import dev.duro.wire.WireMessage.SocketOpened;
import dev.duro.wire.WireMessage.SocketPing;
import dev.duro.wire.WireMessage.SocketPong;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client library workloads use to call objects through a gateway. Runs on a client node's
 * {@link World} and installs itself as the transport's receiver. All calls on that node's loop.
 *
 * <p><b>Failures</b> are {@link DuroException}s: the gateway's error with its code and message (so
 * its flags), or {@link ErrorCode#UNAVAILABLE} when no answer came within the call's timeout. An
 * UNAVAILABLE call's <em>outcome is unknown</em>: the request may have run, may still run, or may
 * never run; a history records it as indeterminate, and only an idempotent request is safe to retry.
 * A reply that arrives after its call timed out is ignored and counted ({@link #lateReplies()}).
 *
 * <p><b>Request ids</b> come from a counter that starts at a random point drawn from the world's
 * entropy, so a restarted client never reuses an id a late reply of its previous incarnation
 * could answer.
 *
 * <p><b>WebSockets.</b> {@link #connect} sends an upgrade request; on a 101 the promise yields a
 * {@link ClientWebSocket}. Each open socket pings the gateway every
 * {@link ClientOptions#pingIntervalNanos()}; when nothing has come back from the gateway for
 * {@link ClientOptions#idleTimeoutNanos()} (its node crashed or is cut off), or the gateway says it
 * does not know the socket (it restarted), or a lost frame leaves a gap for
 * {@link ClientOptions#gapTimeoutNanos()}, the socket closes locally with 1006, {@code wasClean=false}.
 */
public final class GatewayClient {
    /** The close code a socket gets when it breaks without a close handshake. */
    public static final int ABNORMAL_CLOSURE = 1006;
    private final World world;
    private final ClientOptions options;
    private final Map<Long, Call> calls = new LinkedHashMap<>();
    private final Map<Long, OpenSocket> sockets = new LinkedHashMap<>();
    private long nextRequestId;

    private long lateReplies;
    private long malformedFrames;
    private long strayFrames;

    public GatewayClient(World world) {
        this(world, ClientOptions.defaults());
    }

    public GatewayClient(World world, ClientOptions options) {
        this.world = Objects.requireNonNull(world, "world");
        this.options = Objects.requireNonNull(options, "options");
        // 2^62 ids ahead of any start point: the counter never wraps in practice
        this.nextRequestId = 1 + world.entropy().derive("gateway-client/request-ids").nextLong(1L << 62);
        world.transport().onReceive(this::receive);
    }

    /** Calls the object named {@code objectName} in {@code namespace} through {@code gateway}. */
    public Promise<Response> fetch(NodeId gateway, String namespace, String objectName, Request request, long timeoutNanos) {
        long requestId = nextRequestId++;
        return call(gateway, new FetchByName(requestId, namespace, objectName, request), timeoutNanos, null).map(Response.class::cast);
    }

    /**
     * Calls the object named {@code objectName} located at {@code location} (docs/cluster.md
     * "Locations": another object than the unlocated name's); the gateway makes the id.
     */
    public Promise<Response> fetchLocated(NodeId gateway, String namespace, String objectName, String location, Request request,
                                          long timeoutNanos) {
        long requestId = nextRequestId++;
        return call(gateway, new FetchByLocatedName(requestId, namespace, objectName, location, request), timeoutNanos, null)
                .map(Response.class::cast);
    }

    /** Opens a WebSocket to the object named {@code objectName} located at {@code location}, as {@link #connect} does. */
    public Promise<ClientWebSocket> connectLocated(NodeId gateway, String namespace, String objectName, String location, Request upgrade,
                                                   ClientWebSocket.Listener listener, long timeoutNanos) {
        return open(gateway, upgrade, listener, timeoutNanos,
                requestId -> new FetchByLocatedName(requestId, namespace, objectName, location, upgrade));
    }

    /** Calls the object whose id is {@code idHex} (64 hex digits) in {@code namespace} through {@code gateway}. */
    public Promise<Response> fetchById(NodeId gateway, String namespace, String idHex, Request request, long timeoutNanos) {
        long requestId = nextRequestId++;
        return call(gateway, new FetchById(requestId, namespace, idHex, request), timeoutNanos, null).map(Response.class::cast);
    }

    /**
     * Opens a WebSocket to the object named {@code objectName}: sends {@code upgrade} (a request
     * with {@code upgrade: websocket}). Fails with the gateway's error, with
     * {@link ErrorCode#OBJECT_ERROR} when the object answered with anything but 101, or with
     * {@link ErrorCode#UNAVAILABLE} after {@code timeoutNanos}.
     */
    public Promise<ClientWebSocket> connect(NodeId gateway, String namespace, String objectName, Request upgrade,
                                            ClientWebSocket.Listener listener, long timeoutNanos) {
        return open(gateway, upgrade, listener, timeoutNanos, requestId -> new FetchByName(requestId, namespace, objectName, upgrade));
    }

    /**
     * Opens a WebSocket to the object whose id is {@code idHex} (64 hex digits), as {@link #connect}
     * does by name: a located name's id is reached by id (docs/cluster.md "Locations").
     */
    public Promise<ClientWebSocket> connectById(NodeId gateway, String namespace, String idHex, Request upgrade,
                                                ClientWebSocket.Listener listener, long timeoutNanos) {
        return open(gateway, upgrade, listener, timeoutNanos, requestId -> new FetchById(requestId, namespace, idHex, upgrade));
    }

    private Promise<ClientWebSocket> open(NodeId gateway, Request upgrade, ClientWebSocket.Listener listener, long timeoutNanos,
                                          java.util.function.LongFunction<ObjectCall> message) {
        Objects.requireNonNull(listener, "listener");
        if (!upgrade.isWebSocketUpgrade()) {
            return Promise.failed(world.loop(), new DuroException(ErrorCode.MALFORMED_REQUEST,
                    "connect needs a WebSocket upgrade request (header 'upgrade: websocket'); use Request.webSocketUpgrade(path)"));
        }
        return call(gateway, message.apply(nextRequestId++), timeoutNanos, listener).map(ClientWebSocket.class::cast);
    }

    private Promise<Object> call(NodeId gateway, ObjectCall message, long timeoutNanos, ClientWebSocket.Listener listener) {
        Objects.requireNonNull(gateway, "gateway");
        if (timeoutNanos <= 0) throw new IllegalArgumentException("timeoutNanos must be positive, got " + timeoutNanos);
        byte[] frame;
        try {
            frame = WireCodec.encode(message);
        } catch (WireFormatException e) {
            return Promise.failed(world.loop(), e);
        }
        Promise<Object> result = Promise.on(world.loop());
        long requestId = message.requestId();
        TimerHandle timer = world.loop().schedule(timeoutNanos, () -> {
            Call timedOut = calls.remove(requestId);
            if (timedOut != null) {
                timedOut.result.fail(new DuroException(ErrorCode.UNAVAILABLE, "no answer from gateway " + gateway
                        + " within " + timeoutNanos / 1_000_000 + " ms for request #" + requestId + " (" + message.request()
                        + "); the outcome is unknown: it may or may not have taken effect"));
            }
        });
        calls.put(requestId, new Call(gateway, result, timer, listener, new ArrayList<>()));
        world.transport().send(gateway, frame);
        return result;
    }

    /** Handles one frame from {@code from}; the transport's receiver. */
    public void receive(NodeId from, byte[] frame) {
        WireMessage message;
        try {
            message = WireCodec.decode(frame);
        } catch (WireFormatException e) {
            malformedFrames++;
            return;
        }
        switch (message) {
            case FetchResponse m -> onResponse(from, m);
            case FetchError m -> {
                Call call = takeCall(from, m.requestId());
                if (call != null) call.result.fail(errorOf(m));
            }
            case SocketOpened m -> onOpened(from, m);
            case ObjectSocketMessage m -> onSocketFrame(from, m.handle(), m);
            case ObjectSocketClose m -> onSocketFrame(from, m.handle(), m);
            case SocketPong m -> onSocketFrame(from, m.handle(), m);
            case SocketAbort m -> onSocketFrame(from, m.handle(), m);
            case ObjectCall ignored -> strayFrames++;
            case ClientSocketMessage ignored -> strayFrames++;
            case ClientSocketClose ignored -> strayFrames++;
            case SocketPing ignored -> strayFrames++;
        }
    }

    /** The exception a call fails with for {@code m}; MOVED keeps the owner the gateway named. */
    public static DuroException errorOf(FetchError m) {
        if (m.code() == ErrorCode.MOVED && m.owner().isPresent()) return new MovedException(m.message(), m.owner().get());
        return new DuroException(m.code(), m.message());
    }

    private Call takeCall(NodeId from, long requestId) {
        Call call = calls.get(requestId);
        if (call == null || !call.gateway.equals(from)) {
            lateReplies++;
            return null;
        }
        calls.remove(requestId);
        call.timer.cancel();
        return call;
    }

    private void onResponse(NodeId from, FetchResponse m) {
        Call call = takeCall(from, m.requestId());
        if (call == null) return;
        if (call.listener == null) {
            call.result.complete(m.response());
        } else {
            Response r = m.response();
            call.result.fail(new DuroException(ErrorCode.OBJECT_ERROR, "the object refused the WebSocket upgrade with status "
                    + r.status() + (r.body().length == 0 ? "" : ": " + truncate(r.bodyText()))));
        }
    }

    private void onOpened(NodeId from, SocketOpened m) {
        Call call = takeCall(from, m.requestId());
        if (call == null) {
            // we gave up on this upgrade; the object accepted it anyway, so tell the gateway to drop it
            world.transport().send(from, WireCodec.encode(new SocketAbort(m.requestId(), "the client stopped waiting for the upgrade")));
            return;
        }
        if (call.listener == null) {
            call.result.fail(new DuroException(ErrorCode.INTERNAL, "the gateway opened a socket for a plain request #" + m.requestId()));
            return;
        }
        OpenSocket socket = new OpenSocket(m.requestId(), from, call.listener, m.response());
        sockets.put(socket.handle, socket);
        schedulePing(socket);
        call.result.complete(socket);
        // frames that overtook the 101 on the network: to the listener now, in order (the promise callbacks run later)
        for (WireMessage early : call.earlySocketFrames) {
            if (socket.open) onSocketFrame(socket, early);
        }
    }

    private void onSocketFrame(NodeId from, long handle, WireMessage frame) {
        OpenSocket socket = sockets.get(handle);
        if (socket != null && socket.gateway.equals(from)) {
            onSocketFrame(socket, frame);
            return;
        }
        Call connecting = calls.get(handle);
        if (connecting != null && connecting.listener != null && connecting.gateway.equals(from)) {
            connecting.earlySocketFrames.add(frame); // overtook the SocketOpened frame
            return;
        }
        strayFrames++;
    }

    private void onSocketFrame(OpenSocket socket, WireMessage frame) {
        long now = now();
        socket.lastHeardNanos = now;
        long seq;
        switch (frame) {
            case ObjectSocketMessage m -> seq = m.seq();
            case ObjectSocketClose m -> seq = m.seq();
            case SocketPong m -> {
                socket.inbound.noteSentUpTo(m.sentUpToSeq(), now);
                return;
            }
            case SocketAbort m -> {
                closeLocally(socket, "the gateway dropped the socket: " + m.reason(), false);
                return;
            }
            default -> throw Invariants.unreachable("not a socket frame for the client: " + frame);
        }
        List<WireMessage> ready = socket.inbound.offer(seq, frame, now);
        if (ready == null) {
            abort(socket, "too many frames waiting behind a lost one");
            return;
        }
        for (WireMessage m : ready) {
            switch (m) {
                case ObjectSocketMessage msg -> socket.listener.onMessage(msg.message());
                case ObjectSocketClose close -> {
                    finish(socket);
                    socket.listener.onClose(close.code(), close.reason(), true);
                    return;
                }
                default -> throw Invariants.unreachable("inbox holds only object socket frames, got " + m);
            }
            if (!socket.open) return; // the listener closed it
        }
    }

    private void schedulePing(OpenSocket socket) {
        socket.pingTimer = world.loop().schedule(options.pingIntervalNanos(), () -> ping(socket));
    }

    private void ping(OpenSocket socket) {
        socket.pingTimer = null;
        if (!socket.open) return;
        long now = now();
        if (now - socket.lastHeardNanos > options.idleTimeoutNanos()) {
            abort(socket, "no word from gateway " + socket.gateway + " for " + options.idleTimeoutNanos() / 1_000_000 + " ms");
            return;
        }
        if (socket.inbound.gapStalledFor(now, options.gapTimeoutNanos())) {
            abort(socket, "a frame from the gateway was lost (no progress for " + options.gapTimeoutNanos() / 1_000_000 + " ms)");
            return;
        }
        world.transport().send(socket.gateway, WireCodec.encode(new SocketPing(socket.handle, socket.sentSeq)));
        schedulePing(socket);
    }

    /** Closes locally with 1006 and tells the gateway (best effort) so the object hears of it. */
    private void abort(OpenSocket socket, String reason) {
        world.transport().send(socket.gateway, WireCodec.encode(new SocketAbort(socket.handle, reason)));
        closeLocally(socket, reason, false);
    }

    private void closeLocally(OpenSocket socket, String reason, boolean wasClean) {
        finish(socket);
        socket.listener.onClose(ABNORMAL_CLOSURE, reason, wasClean);
    }

    private void finish(OpenSocket socket) {
        Invariants.check(socket.open, "socket %d finished twice", socket.handle);
        socket.open = false;
        sockets.remove(socket.handle);
        if (socket.pingTimer != null) {
            socket.pingTimer.cancel();
            socket.pingTimer = null;
        }
    }

    private long now() {
        return world.clock().monotonicNanos();
    }

    private static String truncate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Replies that came after their call timed out (or for calls this incarnation never made). */
    public long lateReplies() {
        return lateReplies;
    }

    /** Frames that failed to decode. */
    public long malformedFrames() {
        return malformedFrames;
    }

    /** Calls waiting for an answer. */
    public int pendingCalls() {
        return calls.size();
    }

    /** Sockets open now. */
    public int openSockets() {
        return sockets.size();
    }

    private record Call(NodeId gateway, Promise<Object> result, TimerHandle timer, ClientWebSocket.Listener listener,
                        List<WireMessage> earlySocketFrames) {
    }

    private final class OpenSocket implements ClientWebSocket {
        final long handle;
        final NodeId gateway;
        final Listener listener;
        final Response upgradeResponse;
        final OrderedInbox<WireMessage> inbound;
        long lastHeardNanos;
        long sentSeq;
        boolean open = true;
        TimerHandle pingTimer;

        OpenSocket(long handle, NodeId gateway, Listener listener, Response upgradeResponse) {
            this.handle = handle;
            this.gateway = gateway;
            this.listener = listener;
            this.upgradeResponse = upgradeResponse;
            this.inbound = new OrderedInbox<>(options.maxBufferedFrames(), now());
            this.lastHeardNanos = now();
        }

        @Override
        public long socketId() {
            return handle;
        }

        @Override
        public void send(String text) {
            sendMessage(new WebSocketMessage.Text(Objects.requireNonNull(text, "text")));
        }

        @Override
        public void send(byte[] bytes) {
            sendMessage(new WebSocketMessage.Binary(Objects.requireNonNull(bytes, "bytes").clone()));
        }

        private void sendMessage(WebSocketMessage message) {
            if (!open) return; // as in browsers: sends after close are dropped
            byte[] frame = WireCodec.encode(new ClientSocketMessage(handle, sentSeq + 1, message)); // may throw: too large
            sentSeq++;
            world.transport().send(gateway, frame);
        }

        @Override
        public void close(int code, String reason) {
            Objects.requireNonNull(reason, "reason");
            if (code < 0 || code > 0xFFFF) throw new IllegalArgumentException("a close code is 0..65535, got " + code);
            int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
            if (reasonBytes > 123) {
                throw new DuroException(ErrorCode.MALFORMED_REQUEST, "a close reason is at most 123 UTF-8 bytes, got " + reasonBytes);
            }
            if (!open) return;
            byte[] frame = WireCodec.encode(new ClientSocketClose(handle, sentSeq + 1, code, reason));
            sentSeq++;
            world.transport().send(gateway, frame);
            finish(this);
            world.loop().execute(() -> listener.onClose(code, reason, true));
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public String toString() {
            return "ClientWebSocket[" + handle + " via " + gateway + (open ? " open" : " closed") + ", " + upgradeResponse + "]";
        }
    }
}
