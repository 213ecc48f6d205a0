package dev.duro.runtime.gateway;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.edge.EdgeSocket;
import dev.duro.runtime.edge.EdgeSocketSession;
import dev.duro.runtime.edge.FrontDoor;
import dev.duro.runtime.edge.FrontDoor.EdgeCall;
import dev.duro.runtime.edge.FrontDoorOptions;
import dev.duro.runtime.edge.NodeFrontDoor;
import dev.duro.runtime.edge.ObjectEndpoint;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The binary gateway protocol (docs/gateway.md, "Wire format") as one edge adapter over a node's
 * {@link FrontDoor}: the protocol the simulated clients speak over the node's {@link
 * dev.duro.model.world.Transport}. It decodes client frames, turns each request into an
 * {@link EdgeCall} (dedup key: client node and request id), answers with the response or an error
 * whose code carries the flags, and carries WebSockets: it adopts every socket an upgrade opened,
 * numbers frames per direction ({@link OrderedInbox}), answers the client's pings, and breaks a
 * socket (1006 both ways) whose client went silent or whose sequence has a lasting gap. Resolving,
 * duplicate suppression, routing to the owner and the socket registry are the front door's. All on
 * the node's loop.
 *
 * <p><b>Transport.</b> The constructor installs {@link #receive} as the transport's receiver. Every
 * gateway frame starts with {@link WireCodec#FAMILY_GATEWAY}; frames of another family are counted
 * as foreign and dropped, so a cluster layer can own the receiver and hand gateway frames here.
 * Malformed frames get a {@link ErrorCode#MALFORMED_REQUEST} error when a request id can be read,
 * otherwise they are dropped, counted and traced as {@value #TRACE_MALFORMED}.
 */
public final class Gateway {
    /** Trace kind for dropped frames: {@code from=<node> bytes=<n> request=<id|none>}. */
    public static final String TRACE_MALFORMED = "gateway-malformed";
    /** Trace kind for sockets closed without a handshake: {@code client=<node> handle=<n> why=<word>}. */
    public static final String TRACE_SOCKET_ABORT = "gateway-socket-abort";
    /** The close code used when a socket breaks without a clean close. */
    public static final int ABNORMAL_CLOSURE = NodeFrontDoor.ABNORMAL_CLOSURE;

    private final World world;
    private final FrontDoor door;
    private final GatewayOptions options;
    /** Malformed requests already answered, so a duplicated malformed frame is answered once. */
    private final Map<ClientKey, Boolean> answeredMalformed;
    /**
     * The close frames of the last sockets the object closed, by client handle. A client frame that
     * crossed the close gets the close again, not an abort: an abort could overtake the close (and
     * the messages before it) and turn a clean close into a 1006.
     */
    private final Map<ClientKey, byte[]> closedByObject;
    private final Map<ClientKey, RoutedSocket> sockets = new LinkedHashMap<>();
    private TimerHandle sweepTimer;

    private long malformedFrames;
    private long foreignFrames;
    private long unexpectedFrames;

    /** A gateway on its own front door over {@code endpoint} (a single node, or tests). */
    public Gateway(World world, Deployment deployment, ObjectEndpoint endpoint) {
        this(world, deployment, endpoint, GatewayOptions.defaults());
    }

    /** A gateway on its own front door over {@code endpoint} (a single node, or tests). */
    public Gateway(World world, Deployment deployment, ObjectEndpoint endpoint, GatewayOptions options) {
        this(world, new NodeFrontDoor(world, deployment, endpoint, frontDoorOptions(options), null), options);
    }

    public Gateway(World world, FrontDoor door, GatewayOptions options) {
        this.world = world;
        this.door = door;
        this.options = options;
        int window = options.dedupWindow();
        this.answeredMalformed = boundedMap(window);
        this.closedByObject = boundedMap(window);
        world.transport().onReceive(this::receive);
    }

    /** The front door settings that go with {@code options} (its dedup window, error length, and idle timeout for adoption). */
    public static FrontDoorOptions frontDoorOptions(GatewayOptions options) {
        return new FrontDoorOptions(options.dedupWindow(), options.maxErrorMessageChars(), options.socketIdleTimeoutNanos());
    }

    private static <V> Map<ClientKey, V> boundedMap(int window) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ClientKey, V> eldest) {
                return size() > window;
            }
        };
    }

    /** The front door this adapter calls. */
    public FrontDoor frontDoor() {
        return door;
    }

    /** Handles one frame from {@code from}; the transport's receiver. */
    public void receive(NodeId from, byte[] frame) {
        if (!WireCodec.isGatewayFrame(frame)) {
            foreignFrames++;
            return;
        }
        WireMessage message;
        try {
            message = WireCodec.decode(frame);
        } catch (WireFormatException e) {
            malformed(from, frame, e);
            return;
        }
        switch (message) {
            case ObjectCall call -> handleCall(from, call);
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

    private void malformed(NodeId from, byte[] frame, WireFormatException e) {
        malformedFrames++;
        OptionalLong requestId = WireCodec.peekRequestId(frame);
        world.trace().record(TRACE_MALFORMED, "from=" + from + " bytes=" + frame.length + " request="
                + (requestId.isPresent() ? Long.toString(requestId.getAsLong()) : "none"));
        if (requestId.isPresent() && answeredMalformed.put(new ClientKey(from, requestId.getAsLong()), Boolean.TRUE) == null) {
            send(from, new FetchError(requestId.getAsLong(), ErrorCode.MALFORMED_REQUEST,
                    cut("the gateway could not read this request: " + e.getMessage())));
        }
    }

    // ---------------------------------------------------------------- requests

    private void handleCall(NodeId from, ObjectCall call) {
        String dedupKey = from + "/" + call.requestId();
        EdgeCall edgeCall = switch (call) {
            case FetchByName byName -> new EdgeCall(byName.namespace(), byName.name(), true, byName.request(), dedupKey);
            case FetchByLocatedName n -> new EdgeCall(n.namespace(), n.name(), true, n.request(), dedupKey, n.location());
            case FetchById byId -> new EdgeCall(byId.namespace(), byId.idHex(), false, byId.request(), dedupKey);
        };
        boolean upgrade = call.request().isWebSocketUpgrade();
        door.fetch(edgeCall).whenComplete((response, failure) -> {
            if (failure != null) {
                send(from, errorFor(call.requestId(), failure));
            } else if (upgrade && response.status() == 101) {
                openSocket(from, call.requestId(), response);
            } else {
                sendOrFail(from, call.requestId(), new FetchResponse(call.requestId(), response));
            }
        });
    }

    private FetchError errorFor(long requestId, Throwable failure) {
        if (failure instanceof MovedException e) {
            return new FetchError(requestId, e.code(), cut(String.valueOf(e.getMessage())), Optional.of(e.owner()));
        }
        if (failure instanceof DuroException e) {
            return new FetchError(requestId, e.code(), cut(String.valueOf(e.getMessage())));
        }
        // the front door promises DuroExceptions only; anything else is a bug in the runtime
        return new FetchError(requestId, ErrorCode.INTERNAL, cut("the front door failed unexpectedly: " + failure));
    }

    /** Sends {@code reply}; if it cannot be encoded (too large), sends an error saying so instead. */
    private boolean sendOrFail(NodeId to, long requestId, WireMessage reply) {
        byte[] frame;
        try {
            frame = WireCodec.encode(reply);
        } catch (WireFormatException e) {
            send(to, new FetchError(requestId, ErrorCode.OBJECT_ERROR, cut("the object's response cannot be sent: " + e.getMessage())));
            return false;
        }
        world.transport().send(to, frame);
        return true;
    }

    private void send(NodeId to, WireMessage message) {
        world.transport().send(to, WireCodec.encode(message));
    }

    private String cut(String message) {
        int max = options.maxErrorMessageChars();
        if (message.length() <= max) return message;
        int end = max - 3;
        if (Character.isHighSurrogate(message.charAt(end - 1))) end--; // never split a surrogate pair
        return message.substring(0, end) + "...";
    }

    // ---------------------------------------------------------------- WebSockets

    private void openSocket(NodeId client, long requestId, Response response) {
        ClientKey key = new ClientKey(client, requestId);
        RoutedSocket socket = new RoutedSocket(key, new OrderedInbox<>(options.maxBufferedFrames(), now()), now());
        EdgeSocketSession session;
        try {
            session = door.adoptSocket(response, socket);
        } catch (DuroException e) {
            send(client, new FetchError(requestId, e.code(), cut(String.valueOf(e.getMessage()))));
            return;
        }
        socket.session = session;
        // the 101 goes out first; output the object sent before it waits in the socket until then
        if (!sendOrFail(client, requestId, new SocketOpened(requestId, response))) {
            session.close(ABNORMAL_CLOSURE, "the upgrade response could not be sent", false);
            return;
        }
        socket.opened = true;
        if (socket.closedBeforeOpen) {
            socket.flushEarly();
            return;
        }
        sockets.put(key, socket);
        socket.flushEarly();
        armSweep();
    }

    private void handleSocketFrame(NodeId from, long handle, long seq, WireMessage frame) {
        RoutedSocket socket = sockets.get(new ClientKey(from, handle));
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
            if (sockets.get(socket.client) != socket) return; // the object closed (or broke) it meanwhile
            switch (m) {
                case ClientSocketMessage msg -> socket.session.message(msg.message());
                case ClientSocketClose close -> {
                    sockets.remove(socket.client);
                    socket.session.close(close.code(), close.reason(), true);
                    return; // nothing follows a close
                }
                default -> throw Invariants.unreachable("inbox holds only client socket frames, got " + m);
            }
        }
    }

    private void handlePing(NodeId from, SocketPing ping) {
        RoutedSocket socket = sockets.get(new ClientKey(from, ping.handle()));
        if (socket == null) {
            unknownSocket(from, ping.handle());
            return;
        }
        socket.lastHeardNanos = now();
        socket.inbound.noteSentUpTo(ping.sentUpToSeq(), now());
        send(from, new SocketPong(ping.handle(), socket.sentSeq));
    }

    private void handleClientAbort(NodeId from, SocketAbort abort) {
        RoutedSocket socket = sockets.remove(new ClientKey(from, abort.handle()));
        if (socket == null) return; // already gone: aborts are not answered
        socket.session.close(ABNORMAL_CLOSURE, "client aborted: " + abort.reason(), false);
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

    /** Breaks {@code socket} on both ends: 1006 to the object, an abort to the client. */
    private void abort(RoutedSocket socket, String why, String reason) {
        world.trace().record(TRACE_SOCKET_ABORT, "client=" + socket.client.node() + " handle=" + socket.client.handle() + " why=" + why);
        sockets.remove(socket.client);
        send(socket.client.node(), new SocketAbort(socket.client.handle(), reason));
        socket.session.close(ABNORMAL_CLOSURE, reason, false);
    }

    private void armSweep() {
        if (sweepTimer == null && !sockets.isEmpty()) {
            sweepTimer = world.loop().schedule(options.sweepIntervalNanos(), this::sweep);
        }
    }

    private void sweep() {
        sweepTimer = null;
        long now = now();
        for (RoutedSocket socket : List.copyOf(sockets.values())) {
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
        return sockets.size();
    }

    /** Counters of frames this gateway did not act on, for tests and reports. */
    public Stats stats() {
        NodeFrontDoor.Stats d = door instanceof NodeFrontDoor n ? n.stats() : new NodeFrontDoor.Stats(0, 0);
        return new Stats(malformedFrames, foreignFrames, d.duplicateCalls(), unexpectedFrames, d.droppedObjectOutput());
    }

    /**
     * @param malformedFrames      frames that failed to decode
     * @param foreignFrames        frames of another protocol family
     * @param duplicateRequests    calls the front door saw before (network duplicates), not run again
     * @param unexpectedFrames     valid frames a gateway never receives (gateway → client types)
     * @param droppedObjectOutput  object sends and closes for sockets no longer open
     */
    public record Stats(long malformedFrames, long foreignFrames, long duplicateRequests, long unexpectedFrames,
                        long droppedObjectOutput) {
    }

    private record ClientKey(NodeId node, long handle) {
    }

    /** One client socket: the client end the front door sends to, and the session towards the object. */
    private final class RoutedSocket implements EdgeSocket {
        final ClientKey client;
        final OrderedInbox<WireMessage> inbound;
        final java.util.ArrayList<WireMessage> early = new java.util.ArrayList<>();
        EdgeSocketSession session;
        boolean opened;
        boolean closedBeforeOpen;
        long lastHeardNanos;
        long sentSeq;

        RoutedSocket(ClientKey client, OrderedInbox<WireMessage> inbound, long nowNanos) {
            this.client = client;
            this.inbound = inbound;
            this.lastHeardNanos = nowNanos;
        }

        @Override
        public void send(WebSocketMessage message) {
            emit(new ObjectSocketMessage(client.handle(), ++sentSeq, message));
        }

        @Override
        public void close(int code, String reason) {
            if (code == ABNORMAL_CLOSURE && opened) {
                // the socket broke behind the door (its object's node died): the client hears 1006, not clean
                abort(this, "broken", reason);
                return;
            }
            if (!opened) closedBeforeOpen = true;
            emit(new ObjectSocketClose(client.handle(), ++sentSeq, code, reason));
        }

        private void emit(WireMessage frame) {
            if (!opened) {
                early.add(frame); // before SocketOpened: sent right after it
                return;
            }
            byte[] bytes;
            try {
                bytes = WireCodec.encode(frame);
            } catch (WireFormatException e) {
                abort(this, "too-large", "the object sent a message the wire cannot carry: " + e.getMessage());
                return;
            }
            world.transport().send(client.node(), bytes);
            if (frame instanceof ObjectSocketClose) {
                sockets.remove(client); // the object closed it; nothing more goes either way
                closedByObject.put(client, bytes);
            }
        }

        void flushEarly() {
            List<WireMessage> out = List.copyOf(early);
            early.clear();
            for (WireMessage frame : out) emit(frame);
        }
    }
}
