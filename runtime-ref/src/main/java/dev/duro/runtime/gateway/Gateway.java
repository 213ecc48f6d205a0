package dev.duro.runtime.gateway;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.gateway.wire.WireCodec;
import dev.duro.runtime.gateway.wire.WireFormatException;
import dev.duro.runtime.gateway.wire.WireMessage;
import dev.duro.runtime.gateway.wire.WireMessage.ClientSocketClose;
import dev.duro.runtime.gateway.wire.WireMessage.ClientSocketMessage;
import dev.duro.runtime.gateway.wire.WireMessage.FetchById;
import dev.duro.runtime.gateway.wire.WireMessage.FetchByName;
import dev.duro.runtime.gateway.wire.WireMessage.FetchError;
import dev.duro.runtime.gateway.wire.WireMessage.FetchResponse;
import dev.duro.runtime.gateway.wire.WireMessage.ObjectCall;
import dev.duro.runtime.gateway.wire.WireMessage.ObjectSocketClose;
import dev.duro.runtime.gateway.wire.WireMessage.ObjectSocketMessage;
import dev.duro.runtime.gateway.wire.WireMessage.SocketAbort;
import dev.duro.runtime.gateway.wire.WireMessage.SocketOpened;
import dev.duro.runtime.gateway.wire.WireMessage.SocketPing;
import dev.duro.runtime.gateway.wire.WireMessage.SocketPong;
import dev.duro.runtime.ids.ObjectIds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A node's front door: decodes client frames from the transport, maps each request to an object
 * (namespace + name or hex id) and hands it to the {@link ObjectEndpoint}, then sends back the
 * response or an error whose code carries the flags. It also carries WebSockets between clients
 * and objects, as the endpoint's {@link ClientSockets}.
 *
 * <p><b>Transport.</b> The constructor installs {@link #receive} as the transport's receiver. Every
 * gateway frame starts with {@link WireCodec#FAMILY_GATEWAY}; frames of another family are not
 * this gateway's (counted as foreign and dropped), so a later cluster layer can own the receiver
 * and hand gateway frames to {@link #receive}.
 *
 * <p><b>Requests.</b> Each (client node, request id) runs at most once: duplicated frames within a
 * window of {@link GatewayOptions#dedupWindow()} requests are dropped. This relies on the transport
 * delivering a frame only to the incarnation it was sent towards (true of the simulated network
 * and of connection-based transports), so a restarted gateway never sees old duplicates.
 * Malformed frames get a {@link ErrorCode#MALFORMED_REQUEST} error when a request id can be read,
 * otherwise they are dropped, counted and traced as {@value #TRACE_MALFORMED}.
 *
 * <p><b>WebSockets.</b> An upgrade request that the object answers with 101 and the
 * {@link ObjectEndpoint#SOCKET_ID_HEADER} header registers a socket, named on the wire by the
 * upgrade's request id (the handle). Frames are sequenced per direction ({@link OrderedInbox});
 * the client pings, and the gateway answers. A socket the client stops pinging, or whose sequence
 * has a lasting gap, is closed towards the object with 1006 ({@code wasClean=false}); frames for a
 * handle this incarnation does not know (after a restart) are answered with an abort, which the
 * client turns into a 1006 close. All on the node's loop.
 */
public final class Gateway implements ClientSockets {
    /** Trace kind for dropped frames: {@code from=<node> bytes=<n> request=<id|none>}. */
    public static final String TRACE_MALFORMED = "gateway-malformed";
    /** Trace kind for sockets closed without a handshake: {@code client=<node> handle=<n> why=<word>}. */
    public static final String TRACE_SOCKET_ABORT = "gateway-socket-abort";
    /** The close code used when a socket breaks without a clean close. */
    public static final int ABNORMAL_CLOSURE = 1006;

    private final World world;
    private final Deployment deployment;
    private final ObjectEndpoint endpoint;
    private final GatewayOptions options;
    private final Map<String, ObjectIds> idsByNamespace = new LinkedHashMap<>();

    private final Map<CallKey, Boolean> recentCalls;
    /**
     * The close frames of the last sockets the object closed, by client handle. A client frame that
     * crossed the close gets the close again, not an abort: an abort could overtake the close (and
     * the messages before it) and turn a clean close into a 1006.
     */
    private final Map<ClientKey, byte[]> closedByObject;
    private final Map<ClientKey, RoutedSocket> socketsByClient = new LinkedHashMap<>();
    private final Map<ObjectSocketKey, RoutedSocket> socketsByObject = new LinkedHashMap<>();
    /** Upgrade fetches in flight per object, so object output that beats the 101 to us can wait. */
    private final Map<ObjectKey, Integer> pendingUpgrades = new LinkedHashMap<>();
    private final Map<ObjectKey, Map<Long, List<WireMessageToClient>>> earlyOutput = new LinkedHashMap<>();
    private TimerHandle sweepTimer;

    private long malformedFrames;
    private long foreignFrames;
    private long duplicateRequests;
    private long unexpectedFrames;
    private long droppedObjectOutput;

    public Gateway(World world, Deployment deployment, ObjectEndpoint endpoint) {
        this(world, deployment, endpoint, GatewayOptions.defaults());
    }

    public Gateway(World world, Deployment deployment, ObjectEndpoint endpoint, GatewayOptions options) {
        this.world = world;
        this.deployment = deployment;
        this.endpoint = endpoint;
        this.options = options;
        int window = options.dedupWindow();
        this.recentCalls = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<CallKey, Boolean> eldest) {
                return size() > window;
            }
        };
        this.closedByObject = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ClientKey, byte[]> eldest) {
                return size() > window;
            }
        };
        byte[] secret = deployment.secret();
        for (NamespaceBinding binding : deployment.namespaces().values()) {
            idsByNamespace.put(binding.name(), new ObjectIds(binding.name(), secret));
        }
        endpoint.attachClientSockets(this);
        world.transport().onReceive(this::receive);
    }

    /** Handles one frame from {@code from}; the transport's receiver. */
    public void receive(NodeId from, byte[] frame) {
        WireMessage message = decode(from, frame, direct(from));
        if (message == null) return;
        switch (message) {
            case ObjectCall call -> handleCall(from, call, direct(from));
            case ClientSocketMessage m -> handleSocketFrame(from, m.handle(), m.seq(), m);
            case ClientSocketClose m -> handleSocketFrame(from, m.handle(), m.seq(), m);
            case SocketPing ping -> handlePing(from, ping);
            case SocketAbort abort -> handleClientAbort(from, abort);
            case FetchResponse ignored -> unexpectedFrames++;
            case FetchError ignored -> unexpectedFrames++;
            case SocketOpened ignored -> unexpectedFrames++;
            case ObjectSocketMessage ignored -> unexpectedFrames++;
            case ObjectSocketClose ignored -> unexpectedFrames++;
            case SocketPong ignored -> unexpectedFrames++;
        }
    }

    /** The message in {@code frame}, or null when it is another family's or malformed (counted, answered if possible). */
    private WireMessage decode(NodeId from, byte[] frame, Consumer<byte[]> reply) {
        if (!WireCodec.isGatewayFrame(frame)) {
            foreignFrames++;
            return null;
        }
        try {
            return WireCodec.decode(frame);
        } catch (WireFormatException e) {
            malformed(from, frame, e, reply);
            return null;
        }
    }

    private Consumer<byte[]> direct(NodeId to) {
        return frame -> world.transport().send(to, frame);
    }

    private void malformed(NodeId from, byte[] frame, WireFormatException e, Consumer<byte[]> reply) {
        malformedFrames++;
        OptionalLong requestId = WireCodec.peekRequestId(frame);
        world.trace().record(TRACE_MALFORMED, "from=" + from + " bytes=" + frame.length + " request="
                + (requestId.isPresent() ? Long.toString(requestId.getAsLong()) : "none"));
        if (requestId.isPresent() && firstTime(from, requestId.getAsLong())) {
            send(reply, new FetchError(requestId.getAsLong(), ErrorCode.MALFORMED_REQUEST,
                    cut("the gateway could not read this request: " + e.getMessage())));
        }
    }

    // ---------------------------------------------------------------- requests

    private boolean firstTime(NodeId from, long requestId) {
        return recentCalls.put(new CallKey(from, requestId), Boolean.TRUE) == null;
    }

    private void handleCall(NodeId from, ObjectCall call, Consumer<byte[]> reply) {
        if (!firstTime(from, call.requestId())) {
            duplicateRequests++;
            return;
        }
        ObjectId id;
        try {
            id = resolve(call);
        } catch (DuroException e) {
            send(reply, new FetchError(call.requestId(), e.code(), cut(e.getMessage())));
            return;
        }
        Request request = call.request();
        boolean upgrade = request.isWebSocketUpgrade();
        ObjectKey object = new ObjectKey(call.namespace(), id);
        if (upgrade) pendingUpgrades.merge(object, 1, Integer::sum);
        Promise<Response> answer;
        try {
            answer = endpoint.fetch(call.namespace(), id, request);
        } catch (RuntimeException e) {
            answer = Promise.failed(world.loop(), e);
        }
        answer.whenComplete((response, failure) -> {
            if (failure != null) {
                send(reply, errorFor(call.requestId(), failure));
            } else if (upgrade && response.status() == 101) {
                openSocket(from, call, object, response);
            } else {
                sendOrFail(reply, call.requestId(), new FetchResponse(call.requestId(), response));
            }
            if (upgrade) upgradeDone(object);
        });
    }

    private ObjectId resolve(ObjectCall call) {
        NamespaceBinding binding = deployment.namespace(call.namespace()); // UNKNOWN_NAMESPACE
        ObjectIds ids = idsByNamespace.get(binding.name());
        Invariants.check(ids != null, "no ids for bound namespace %s", binding.name());
        return switch (call) {
            case FetchByName byName -> ids.fromName(byName.name());
            case FetchById byId -> ids.parse(byId.idHex()); // INVALID_ID
        };
    }

    private FetchError errorFor(long requestId, Throwable failure) {
        if (failure instanceof MovedException e) {
            return new FetchError(requestId, e.code(), cut(String.valueOf(e.getMessage())), Optional.of(e.owner()));
        }
        if (failure instanceof DuroException e) {
            return new FetchError(requestId, e.code(), cut(String.valueOf(e.getMessage())));
        }
        // the endpoint promises DuroExceptions only; anything else is a bug in the runtime
        return new FetchError(requestId, ErrorCode.INTERNAL, cut("the object endpoint failed unexpectedly: " + failure));
    }

    /** Sends {@code reply}; if it cannot be encoded (too large), sends an error saying so instead. */
    private boolean sendOrFail(Consumer<byte[]> to, long requestId, WireMessage reply) {
        byte[] frame;
        try {
            frame = WireCodec.encode(reply);
        } catch (WireFormatException e) {
            send(to, new FetchError(requestId, ErrorCode.OBJECT_ERROR, cut("the object's response cannot be sent: " + e.getMessage())));
            return false;
        }
        to.accept(frame);
        return true;
    }

    private void send(NodeId to, WireMessage message) {
        world.transport().send(to, WireCodec.encode(message));
    }

    private static void send(Consumer<byte[]> to, WireMessage message) {
        to.accept(WireCodec.encode(message));
    }

    private String cut(String message) {
        int max = options.maxErrorMessageChars();
        if (message.length() <= max) return message;
        int end = max - 3;
        if (Character.isHighSurrogate(message.charAt(end - 1))) end--; // never split a surrogate pair
        return message.substring(0, end) + "...";
    }

    // ---------------------------------------------------------------- WebSockets

    private void openSocket(NodeId client, ObjectCall call, ObjectKey object, Response response) {
        String header = response.header(ObjectEndpoint.SOCKET_ID_HEADER);
        long socketId;
        try {
            socketId = Long.parseLong(String.valueOf(header));
        } catch (NumberFormatException e) {
            send(client, new FetchError(call.requestId(), ErrorCode.INTERNAL,
                    "the object answered the upgrade with 101 but without a valid '" + ObjectEndpoint.SOCKET_ID_HEADER
                            + "' header (got " + header + "); the socket cannot be routed"));
            return;
        }
        ObjectSocketKey objectSocket = new ObjectSocketKey(object.namespace(), object.id(), socketId);
        RoutedSocket stale = socketsByObject.get(objectSocket);
        if (stale != null) abort(stale, "replaced", "socket id reused by the object");
        ClientKey clientKey = new ClientKey(client, call.requestId());
        if (socketsByClient.containsKey(clientKey)) {
            // A duplicate of an upgrade so old it left the dedup window ran again: the client holds the
            // first socket; close the object's second one instead of routing two sockets to one handle.
            endpoint.webSocketClose(object.namespace(), object.id(), socketId, ABNORMAL_CLOSURE,
                    "a duplicate of an upgrade already answered", false);
            return;
        }
        if (!sendOrFail(direct(client), call.requestId(), new SocketOpened(call.requestId(), response))) {
            endpoint.webSocketClose(object.namespace(), object.id(), socketId, ABNORMAL_CLOSURE,
                    "the upgrade response could not be sent", false);
            return;
        }
        RoutedSocket socket = new RoutedSocket(clientKey, objectSocket, new OrderedInbox<>(options.maxBufferedFrames(), now()), now());
        socketsByClient.put(clientKey, socket);
        socketsByObject.put(objectSocket, socket);
        Map<Long, List<WireMessageToClient>> waiting = earlyOutput.get(object);
        List<WireMessageToClient> early = waiting == null ? null : waiting.remove(socketId);
        if (early != null) {
            for (WireMessageToClient out : early) deliverToClient(socket, out);
        }
        armSweep();
    }

    private void upgradeDone(ObjectKey object) {
        int left = pendingUpgrades.merge(object, -1, Integer::sum);
        Invariants.check(left >= 0, "pending upgrades of %s went negative", object);
        if (left == 0) {
            pendingUpgrades.remove(object);
            Map<Long, List<WireMessageToClient>> orphans = earlyOutput.remove(object);
            if (orphans != null) {
                for (List<WireMessageToClient> list : orphans.values()) droppedObjectOutput += list.size();
            }
        }
    }

    private void handleSocketFrame(NodeId from, long handle, long seq, WireMessage frame) {
        RoutedSocket socket = socketsByClient.get(new ClientKey(from, handle));
        if (socket == null) {
            unknownSocket(from, handle);
            return;
        }
        socket.lastHeardNanos = now();
        List<WireMessage> ready = socket.inbound.offer(seq, frame, now());
        if (ready == null) {
            abort(socket, "overflow", "too many frames waiting behind a lost one");
            return;
        }
        for (WireMessage m : ready) {
            if (socketsByClient.get(socket.client) != socket) return; // the object closed (or broke) it meanwhile
            ObjectSocketKey o = socket.object;
            switch (m) {
                case ClientSocketMessage msg -> endpoint.webSocketMessage(o.namespace(), o.id(), o.socketId(), msg.message());
                case ClientSocketClose close -> {
                    forget(socket);
                    endpoint.webSocketClose(o.namespace(), o.id(), o.socketId(), close.code(), close.reason(), true);
                    return; // nothing follows a close
                }
                default -> throw Invariants.unreachable("inbox holds only client socket frames, got " + m);
            }
        }
    }

    private void handlePing(NodeId from, SocketPing ping) {
        RoutedSocket socket = socketsByClient.get(new ClientKey(from, ping.handle()));
        if (socket == null) {
            unknownSocket(from, ping.handle());
            return;
        }
        socket.lastHeardNanos = now();
        socket.inbound.noteSentUpTo(ping.sentUpToSeq(), now());
        send(from, new SocketPong(ping.handle(), socket.sentSeq));
    }

    private void handleClientAbort(NodeId from, SocketAbort abort) {
        RoutedSocket socket = socketsByClient.get(new ClientKey(from, abort.handle()));
        if (socket == null) return; // already gone: aborts are not answered
        forget(socket);
        ObjectSocketKey o = socket.object;
        endpoint.webSocketClose(o.namespace(), o.id(), o.socketId(), ABNORMAL_CLOSURE, "client aborted: " + abort.reason(), false);
    }

    private void unknownSocket(NodeId from, long handle) {
        byte[] close = closedByObject.get(new ClientKey(from, handle));
        if (close != null) {
            world.transport().send(from, close); // the client's sequence drops it if it has it already
            return;
        }
        world.trace().record(TRACE_SOCKET_ABORT, "client=" + from + " handle=" + handle + " why=unknown");
        send(from, new SocketAbort(handle, "this gateway does not know the socket (the node restarted, or it timed out)"));
    }

    @Override
    public void send(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        toClient(namespace, id, socketId, new WireMessageToClient(message, 0, null));
    }

    @Override
    public void close(String namespace, ObjectId id, long socketId, int code, String reason) {
        toClient(namespace, id, socketId, new WireMessageToClient(null, code, reason));
    }

    private void toClient(String namespace, ObjectId id, long socketId, WireMessageToClient out) {
        RoutedSocket socket = socketsByObject.get(new ObjectSocketKey(namespace, id, socketId));
        if (socket != null) {
            deliverToClient(socket, out);
            return;
        }
        ObjectKey object = new ObjectKey(namespace, id);
        if (pendingUpgrades.containsKey(object)) {
            earlyOutput.computeIfAbsent(object, k -> new LinkedHashMap<>())
                    .computeIfAbsent(socketId, k -> new ArrayList<>()).add(out);
        } else {
            droppedObjectOutput++; // the client is gone; the object learned or will learn through webSocketClose
        }
    }

    private void deliverToClient(RoutedSocket socket, WireMessageToClient out) {
        long seq = ++socket.sentSeq;
        long handle = socket.client.handle();
        WireMessage frame = out.message() != null
                ? new ObjectSocketMessage(handle, seq, out.message())
                : new ObjectSocketClose(handle, seq, out.code(), out.reason());
        byte[] bytes;
        try {
            bytes = WireCodec.encode(frame);
        } catch (WireFormatException e) {
            abort(socket, "too-large", "the object sent a message the wire cannot carry: " + e.getMessage());
            return;
        }
        world.transport().send(socket.client.node(), bytes);
        if (out.message() == null) {
            forget(socket); // the object closed it; nothing more goes either way
            closedByObject.put(socket.client, bytes);
        }
    }

    /** Breaks {@code socket} on both ends: 1006 to the object, an abort to the client. */
    private void abort(RoutedSocket socket, String why, String reason) {
        world.trace().record(TRACE_SOCKET_ABORT, "client=" + socket.client.node() + " handle=" + socket.client.handle() + " why=" + why);
        forget(socket);
        send(socket.client.node(), new SocketAbort(socket.client.handle(), reason));
        ObjectSocketKey o = socket.object;
        endpoint.webSocketClose(o.namespace(), o.id(), o.socketId(), ABNORMAL_CLOSURE, reason, false);
    }

    private void forget(RoutedSocket socket) {
        socketsByClient.remove(socket.client);
        socketsByObject.remove(socket.object);
    }

    private void armSweep() {
        if (sweepTimer == null && !socketsByClient.isEmpty()) {
            sweepTimer = world.loop().schedule(options.sweepIntervalNanos(), this::sweep);
        }
    }

    private void sweep() {
        sweepTimer = null;
        long now = now();
        for (RoutedSocket socket : List.copyOf(socketsByClient.values())) {
            if (now - socket.lastHeardNanos > options.socketIdleTimeoutNanos()) {
                abort(socket, "idle", "the client sent nothing for " + options.socketIdleTimeoutNanos() / 1_000_000 + " ms");
            } else if (socket.inbound.gapStalledFor(now, options.gapTimeoutNanos())) {
                abort(socket, "gap", "a frame from the client was lost (no progress for " + options.gapTimeoutNanos() / 1_000_000 + " ms)");
            }
        }
        armSweep();
    }

    private long now() {
        return world.clock().monotonicNanos();
    }

    // ---------------------------------------------------------------- introspection

    /** Sockets open through this gateway incarnation. */
    public int openSockets() {
        return socketsByClient.size();
    }

    /** Counters of frames this gateway did not act on, for tests and reports. */
    public Stats stats() {
        return new Stats(malformedFrames, foreignFrames, duplicateRequests, unexpectedFrames, droppedObjectOutput);
    }

    /**
     * @param malformedFrames      frames that failed to decode
     * @param foreignFrames        frames of another protocol family
     * @param duplicateRequests    request frames seen before (network duplicates), not run again
     * @param unexpectedFrames     valid frames a gateway never receives (gateway → client types)
     * @param droppedObjectOutput  object sends and closes for sockets no longer open
     */
    public record Stats(long malformedFrames, long foreignFrames, long duplicateRequests, long unexpectedFrames,
                        long droppedObjectOutput) {
    }

    private record CallKey(NodeId client, long requestId) {
    }

    private record ClientKey(NodeId node, long handle) {
    }

    private record ObjectKey(String namespace, ObjectId id) {
    }

    private record ObjectSocketKey(String namespace, ObjectId id, long socketId) {
    }

    /** An object's send ({@code message} set) or close ({@code message} null). */
    private record WireMessageToClient(WebSocketMessage message, int code, String reason) {
    }

    private static final class RoutedSocket {
        final ClientKey client;
        final ObjectSocketKey object;
        final OrderedInbox<WireMessage> inbound;
        long lastHeardNanos;
        long sentSeq;

        RoutedSocket(ClientKey client, ObjectSocketKey object, OrderedInbox<WireMessage> inbound, long nowNanos) {
            this.client = client;
            this.object = object;
            this.inbound = inbound;
            this.lastHeardNanos = nowNanos;
        }
    }
}
