package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.gateway.ClientSockets;
import dev.duro.runtime.gateway.Gateway;
import dev.duro.runtime.gateway.GatewayClient;
import dev.duro.runtime.gateway.MovedException;
import dev.duro.runtime.gateway.ObjectEndpoint;
import dev.duro.runtime.gateway.wire.WireCodec;
import dev.duro.runtime.gateway.wire.WireFormatException;
import dev.duro.runtime.gateway.wire.WireMessage;
import dev.duro.runtime.gateway.wire.WireMessage.FetchById;
import dev.duro.runtime.gateway.wire.WireMessage.FetchError;
import dev.duro.runtime.gateway.wire.WireMessage.FetchResponse;
import dev.duro.runtime.host.ObjectHost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoint in front of a node's {@link ObjectHost} (docs/cluster.md, "Routing and failover").
 * For each request it finds the object's preferred owner: the first of its replicas this node's
 * failure detector trusts (itself always). If that is this node the host serves it. Otherwise a
 * plain request is forwarded to the owner as the client's own gateway frame, and the owner's
 * answer comes back the same way; a WebSocket upgrade, and a forwarded request that arrives at a
 * node that does not own the object in its own view, are answered with {@link MovedException}
 * naming the owner.
 *
 * <p>Forwards are bounded ({@link RoutingOptions#maxInFlightForwards()}: OVERLOADED beyond) and
 * timed ({@link RoutingOptions#forwardTimeoutNanos()}: UNAVAILABLE, the outcome unknown, as is a
 * forward to an owner that becomes suspected before it answered).
 */
final class Router implements ObjectEndpoint {
    private final World world;
    private final NodeId self;
    private final Placement placement;
    private final FailureDetector detector;
    private final ObjectHost host;
    private final RoutingOptions options;
    private final Map<Long, PendingForward> pending = new LinkedHashMap<>();
    private Gateway gateway;
    private long lastForwardId;

    private long forwarded;
    private long overloaded;
    private long timedOut;
    private long lateReplies;
    private long malformedReplies;

    Router(World world, Placement placement, FailureDetector detector, ObjectHost host, RoutingOptions options) {
        this.world = world;
        this.self = world.self();
        this.placement = placement;
        this.detector = detector;
        this.host = host;
        this.options = options;
        // A late ForwardReply from before a crash must not complete this incarnation's forward with
        // the same number: each incarnation starts its ids at a fresh random point (2^62 apart on average).
        this.lastForwardId = world.entropy().derive("router/forward-ids").nextLong() >>> 2;
    }

    /** The gateway that serves forwards arriving here; set once, right after it was built on this router. */
    void attachGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** The first replica of the object this node believes up; the first replica if it believes none is. */
    NodeId preferredOwner(String namespace, ObjectId id) {
        List<NodeId> replicas = placement.replicas(namespace, id);
        for (NodeId r : replicas) {
            if (detector.trusts(r)) return r;
        }
        return replicas.getFirst();
    }

    boolean ownsHere(String namespace, ObjectId id) {
        return preferredOwner(namespace, id).equals(self);
    }

    // ---------------------------------------------------------------- ObjectEndpoint

    @Override
    public Promise<Response> fetch(String namespace, ObjectId id, Request request) {
        NodeId owner = preferredOwner(namespace, id);
        if (owner.equals(self)) return host.fetch(namespace, id, request);
        return moved(namespace, id, owner, "");
    }

    @Override
    public Promise<Response> fetch(String namespace, ObjectId id, Request request, CallOrigin origin) {
        NodeId owner = preferredOwner(namespace, id);
        if (owner.equals(self)) return host.fetch(namespace, id, request);
        if (origin.relayed()) {
            return moved(namespace, id, owner, "; " + self + " was asked to run it but does not own it in its view");
        }
        if (request.isWebSocketUpgrade()) return moved(namespace, id, owner, "; open the WebSocket there");
        return forward(owner, namespace, id, request, origin);
    }

    private Promise<Response> moved(String namespace, ObjectId id, NodeId owner, String why) {
        return Promise.failed(world.loop(), new MovedException("object " + namespace + "/" + id.hex() + " lives on " + owner
                + why + "; nothing ran; retry there", owner));
    }

    @Override
    public void webSocketMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        host.webSocketMessage(namespace, id, socketId, message); // sockets are only ever opened at the owner
    }

    @Override
    public void webSocketClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean) {
        host.webSocketClose(namespace, id, socketId, code, reason, wasClean);
    }

    @Override
    public void attachClientSockets(ClientSockets sink) {
        host.attachClientSockets(sink);
    }

    // ---------------------------------------------------------------- forwarding side

    private Promise<Response> forward(NodeId owner, String namespace, ObjectId id, Request request, CallOrigin origin) {
        if (pending.size() >= options.maxInFlightForwards()) {
            overloaded++;
            return Promise.failed(world.loop(), new DuroException(ErrorCode.OVERLOADED, self + " already waits for "
                    + pending.size() + " forwarded requests (limit " + options.maxInFlightForwards()
                    + "); nothing ran; retry later, with backoff, or call the owner " + owner + " directly"));
        }
        byte[] frame;
        try {
            frame = WireCodec.encode(new FetchById(origin.requestId(), namespace, id.hex(), request));
        } catch (WireFormatException e) {
            return Promise.failed(world.loop(), e); // cannot happen for a request that arrived on the wire
        }
        long forwardId = ++lastForwardId;
        Promise<Response> result = Promise.on(world.loop());
        TimerHandle timer = world.loop().schedule(options.forwardTimeoutNanos(), () ->
                giveUp(forwardId, "no answer from the owner " + owner + " within " + options.forwardTimeoutNanos() / 1_000_000 + " ms"));
        pending.put(forwardId, new PendingForward(owner, result, timer));
        forwarded++;
        world.transport().send(owner, ClusterCodec.encode(new Forward(forwardId, origin.client(), frame)));
        return result;
    }

    private void giveUp(long forwardId, String why) {
        PendingForward p = pending.remove(forwardId);
        if (p == null) return;
        p.timer().cancel();
        timedOut++;
        p.result().fail(new DuroException(ErrorCode.UNAVAILABLE, why + " for a forwarded request; the outcome is unknown: "
                + "it may or may not have taken effect"));
    }

    /** The failure detector's view changed: forwards to owners it now suspects will not be answered. */
    void viewChanged() {
        List<Long> lost = new ArrayList<>();
        for (var e : pending.entrySet()) {
            if (!detector.trusts(e.getValue().owner())) lost.add(e.getKey());
        }
        for (long id : lost) giveUp(id, "the owner " + pending.get(id).owner() + " is suspected down");
    }

    void onForwardReply(NodeId from, ForwardReply reply) {
        PendingForward p = pending.get(reply.forwardId());
        if (p == null || !p.owner().equals(from)) {
            lateReplies++;
            return;
        }
        pending.remove(reply.forwardId());
        p.timer().cancel();
        WireMessage m;
        try {
            m = WireCodec.decode(reply.frame());
        } catch (WireFormatException e) {
            malformedReplies++;
            p.result().fail(new DuroException(ErrorCode.UNAVAILABLE, "the owner " + from
                    + " sent an answer this node cannot read; the outcome is unknown: " + e.getMessage()));
            return;
        }
        switch (m) {
            case FetchResponse r -> p.result().complete(r.response());
            case FetchError err -> p.result().fail(GatewayClient.errorOf(err));
            default -> {
                malformedReplies++;
                p.result().fail(new DuroException(ErrorCode.UNAVAILABLE, "the owner " + from
                        + " answered a forwarded request with " + m.getClass().getSimpleName() + "; the outcome is unknown"));
            }
        }
    }

    // ---------------------------------------------------------------- owner side

    /** A forward from {@code from}: the owner's gateway serves it as the client's own request. */
    void onForward(NodeId from, Forward forward) {
        long forwardId = forward.forwardId();
        gateway.receiveRelayed(forward.client(), forward.frame(),
                reply -> world.transport().send(from, ClusterCodec.encode(new ForwardReply(forwardId, reply))));
    }

    // ---------------------------------------------------------------- introspection

    Stats stats() {
        return new Stats(forwarded, pending.size(), overloaded, timedOut, lateReplies, malformedReplies);
    }

    /**
     * @param forwarded        requests forwarded to their owners
     * @param inFlight         forwards waiting for an answer now
     * @param overloaded       requests refused because too many forwards were in flight
     * @param timedOut         forwards given up (timeout, or owner suspected)
     * @param lateReplies      answers to forwards no longer waiting (or from another node)
     * @param malformedReplies answers that could not be read
     */
    record Stats(long forwarded, int inFlight, long overloaded, long timedOut, long lateReplies, long malformedReplies) {
    }

    private record PendingForward(NodeId owner, Promise<Response> result, TimerHandle timer) {
    }
}
