package dev.duro.runtime.cluster;

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
import dev.duro.runtime.cluster.ClusterMessage.Answered;
import dev.duro.runtime.cluster.ClusterMessage.Failed;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.cluster.ClusterMessage.NotOwner;
import dev.duro.runtime.cluster.ClusterMessage.Outcome;
import dev.duro.runtime.cluster.ClusterMessage.StaleIncarnation;
import dev.duro.runtime.edge.ClientSockets;
import dev.duro.runtime.cluster.ClusterMessage.SocketFrame;
import dev.duro.runtime.edge.ObjectEndpoint;
import dev.duro.runtime.host.ObjectHost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoint in front of a node's {@link ObjectHost} (docs/cluster.md, "Routing and failover").
 * For each request it finds the object's preferred owner: the first of its replicas this node's
 * failure detector trusts (itself always). If that is this node the host serves it; otherwise the
 * request is forwarded to the owner as a {@link Forward} and the owner's {@link ForwardReply} comes
 * back. A forward that reaches a node which does not own the object in its view is refused without
 * running ({@link NotOwner}, naming who does) and the forwarding node tries that node, within the
 * cluster and the call's deadline; the edge client never sees the redirection.
 *
 * <p><b>At most once across incarnations.</b> Each incarnation draws a random non-zero number; its
 * heartbeats carry it, and a forward is stamped with the incarnation the sender believes the owner
 * has. The owner runs only forwards stamped with its own incarnation, each at most once per (sender,
 * forward id) within a window of {@link #DEDUP_WINDOW}; a forward stamped with another incarnation
 * (or none yet) is refused with {@link StaleIncarnation}, nothing run, and the sender re-stamps and
 * resends it. So a duplicate that reaches a restarted owner, which has forgotten what it ran, is
 * refused rather than run a second time: duplicate suppression does not assume that a frame reaches
 * only the incarnation it was sent towards.
 *
 * <p>Forwards are bounded ({@link RoutingOptions#maxInFlightForwards()}: OVERLOADED beyond) and
 * timed ({@link RoutingOptions#forwardTimeoutNanos()}: UNAVAILABLE, the outcome unknown, as is a
 * forward to an owner that becomes suspected, or restarts, before it answered).
 */
final class Router implements ObjectEndpoint {
    /** Forwards an owner remembers having run, per incarnation, to drop duplicates. */
    static final int DEDUP_WINDOW = 65_536;
    /** Re-sends of one forward after refusals (stale incarnation, not the owner), all within its deadline. */
    private static final int MAX_RESENDS = 4;
    private static final int MAX_ERROR_CHARS = 4096;

    private final World world;
    private final NodeId self;
    private final Placement placement;
    private final FailureDetector detector;
    private final ObjectHost host;
    private final RoutingOptions options;
    private final long incarnation;
    private final RemoteSockets sockets;
    /** What this node last heard each peer's incarnation to be (heartbeats, refusals). */
    private final Map<NodeId, Long> peerIncarnations = new LinkedHashMap<>();
    private final Map<Long, PendingForward> pending = new LinkedHashMap<>();
    private final Map<ForwardKey, Boolean> served = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ForwardKey, Boolean> eldest) {
            return size() > DEDUP_WINDOW;
        }
    };
    private long lastForwardId;

    private long forwarded;
    private long overloaded;
    private long timedOut;
    private long lateReplies;
    private long refusals;
    private long duplicateForwards;

    Router(World world, Placement placement, FailureDetector detector, ObjectHost host, RoutingOptions options, long incarnation) {
        Invariants.check(incarnation != 0, "an incarnation number is never 0 (0 means unknown)");
        this.world = world;
        this.self = world.self();
        this.placement = placement;
        this.detector = detector;
        this.host = host;
        this.options = options;
        this.incarnation = incarnation;
        this.sockets = new RemoteSockets(world, host, detector, incarnation);
        // A late ForwardReply from before a crash must not complete this incarnation's forward with
        // the same number: each incarnation starts its ids at a fresh random point (2^62 apart on average).
        this.lastForwardId = world.entropy().derive("router/forward-ids").nextLong() >>> 2;
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
        return forward(owner, namespace, id, request); // an upgrade too: its socket then runs over RemoteSockets
    }

    @Override
    public void webSocketMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        if (!sockets.clientMessage(namespace, id, socketId, message)) host.webSocketMessage(namespace, id, socketId, message);
    }

    @Override
    public void webSocketClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean) {
        if (!sockets.clientClose(namespace, id, socketId, code, reason, wasClean)) {
            host.webSocketClose(namespace, id, socketId, code, reason, wasClean);
        }
    }

    @Override
    public void attachClientSockets(ClientSockets sink) {
        sockets.attach(sink);
    }

    /** A frame of a WebSocket between this node and another (docs/gateway.md "Sockets across nodes"). */
    void onSocketFrame(NodeId from, SocketFrame frame) {
        sockets.onFrame(from, frame);
    }

    // ---------------------------------------------------------------- forwarding side

    private Promise<Response> forward(NodeId owner, String namespace, ObjectId id, Request request) {
        if (pending.size() >= options.maxInFlightForwards()) {
            overloaded++;
            return Promise.failed(world.loop(), new DuroException(ErrorCode.OVERLOADED, self + " already waits for "
                    + pending.size() + " forwarded requests (limit " + options.maxInFlightForwards()
                    + "); nothing ran; retry later, with backoff"));
        }
        long forwardId = ++lastForwardId;
        Promise<Response> result = Promise.on(world.loop());
        TimerHandle timer = world.loop().schedule(options.forwardTimeoutNanos(), () -> giveUp(forwardId,
                "no answer within " + options.forwardTimeoutNanos() / 1_000_000 + " ms"));
        PendingForward p = new PendingForward(forwardId, namespace, id, request, result, timer);
        pending.put(forwardId, p);
        forwarded++;
        if (request.isWebSocketUpgrade()) sockets.upgradeStarted(false, namespace, id);
        send(p, owner);
        return result;
    }

    private void send(PendingForward p, NodeId owner) {
        p.owner = owner;
        p.stamp = peerIncarnations.getOrDefault(owner, 0L);
        byte[] bytes;
        try {
            bytes = ClusterCodec.encode(new Forward(p.forwardId, p.stamp, incarnation, p.namespace, p.id, p.request));
        } catch (IllegalArgumentException e) {
            finish(p).fail(new DuroException(ErrorCode.MALFORMED_REQUEST, "the request cannot be forwarded to the object's owner: "
                    + e.getMessage()));
            return;
        }
        world.transport().send(owner, bytes);
        // A duplicated frame: the owner must run the forward at most once (its dedup window).
        if (world.faultPoints().fire(FAULT_FORWARD_DUP)) world.transport().send(owner, bytes);
    }

    /** BUGGIFY: a forward reaches its owner twice (a duplicated message). */
    static final String FAULT_FORWARD_DUP = "cluster-forward-dup";
    /** BUGGIFY: an owner's answer to a forward leaves {@value #REPLY_LATE_MS} ms late (a slow link or a stalled owner). */
    static final String FAULT_FORWARD_REPLY_LATE = "cluster-forward-reply-late";
    static final long REPLY_LATE_MS = 150;

    private void sendReply(NodeId to, byte[] bytes) {
        if (world.faultPoints().fire(FAULT_FORWARD_REPLY_LATE)) {
            world.loop().schedule(REPLY_LATE_MS * 1_000_000L, () -> world.transport().send(to, bytes));
        } else {
            world.transport().send(to, bytes);
        }
    }

    private Promise<Response> finish(PendingForward p) {
        return finish(p, null);
    }

    /** {@code answer}: the owner's response, which for an upgrade registers the socket's link first. */
    private Promise<Response> finish(PendingForward p, Response answer) {
        PendingForward removed = pending.remove(p.forwardId);
        Invariants.check(removed == p, "forward %s finished twice", p.forwardId);
        p.timer.cancel();
        if (p.request.isWebSocketUpgrade()) sockets.upgradeEnded(false, p.namespace, p.id, answer, p.owner, p.stamp);
        return p.result;
    }

    private void giveUp(long forwardId, String why) {
        PendingForward p = pending.get(forwardId);
        if (p == null) return;
        timedOut++;
        finish(p).fail(new DuroException(ErrorCode.UNAVAILABLE, "the owner " + p.owner + ": " + why + " for a forwarded request; "
                + "the outcome is unknown: it may or may not have taken effect"));
    }

    /** The failure detector's view changed: forwards to owners it now suspects will not be answered. */
    void viewChanged() {
        sockets.viewChanged();
        List<Long> lost = new ArrayList<>();
        for (var e : pending.entrySet()) {
            if (!detector.trusts(e.getValue().owner)) lost.add(e.getKey());
        }
        for (long id : lost) giveUp(id, "suspected down");
    }

    /**
     * A heartbeat told {@code from}'s incarnation. Forwards stamped with an earlier incarnation of
     * it will not be answered by that one (it is gone); their outcome is unknown.
     */
    void heard(NodeId from, long peerIncarnation) {
        sockets.heard(from, peerIncarnation);
        Long before = peerIncarnations.put(from, peerIncarnation);
        if (before == null || before == peerIncarnation) return;
        List<Long> lost = new ArrayList<>();
        for (var e : pending.entrySet()) {
            PendingForward p = e.getValue();
            if (p.owner.equals(from) && p.stamp != 0 && p.stamp != peerIncarnation) lost.add(e.getKey());
        }
        for (long id : lost) giveUp(id, "restarted");
    }

    void onForwardReply(NodeId from, ForwardReply reply) {
        PendingForward p = pending.get(reply.forwardId());
        if (p == null || !p.owner.equals(from)) {
            lateReplies++;
            return;
        }
        switch (reply.outcome()) {
            case Answered a -> finish(p, a.response()).complete(a.response());
            case Failed f -> finish(p).fail(new DuroException(f.code(), f.message()));
            case StaleIncarnation s -> {
                refusals++;
                if (s.incarnation() != 0) {
                    peerIncarnations.put(from, s.incarnation());
                    sockets.heard(from, s.incarnation());
                }
                resend(p, from, "its owner " + from + " kept refusing it as addressed to another incarnation");
            }
            case NotOwner n -> {
                refusals++;
                resend(p, n.owner(), from + " does not own the object, and neither does " + n.owner() + " in its view");
            }
        }
    }

    /** Nothing ran at the refusing node: send again to {@code to}, unless too many hops went by. */
    private void resend(PendingForward p, NodeId to, String why) {
        if (p.resends++ >= MAX_RESENDS) {
            finish(p).fail(new DuroException(ErrorCode.UNAVAILABLE, "a forwarded request could not be placed: " + why
                    + "; the outcome is unknown"));
            return;
        }
        if (!to.equals(self)) {
            send(p, to);
            return;
        }
        Promise<Response> result = finish(p);
        if (!ownsHere(p.namespace, p.id)) {
            result.fail(new DuroException(ErrorCode.UNAVAILABLE, "the object's owner is unsettled (" + why
                    + "); the outcome is unknown"));
            return;
        }
        host.fetch(p.namespace, p.id, p.request).whenComplete((r, e) -> {
            if (e != null) result.fail(e);
            else result.complete(r);
        });
    }

    // ---------------------------------------------------------------- owner side

    /** A forward from {@code from}: run it here once, if it is addressed to this incarnation and this node owns the object. */
    void onForward(NodeId from, Forward forward) {
        long forwardId = forward.forwardId();
        if (forward.ownerIncarnation() != incarnation) {
            reply(from, forwardId, new StaleIncarnation(incarnation));
            return;
        }
        if (served.put(new ForwardKey(from, forwardId), Boolean.TRUE) != null) {
            duplicateForwards++;
            return;
        }
        NodeId owner = preferredOwner(forward.namespace(), forward.id());
        if (!owner.equals(self)) {
            reply(from, forwardId, new NotOwner(owner));
            return;
        }
        boolean upgrade = forward.request().isWebSocketUpgrade();
        if (upgrade) sockets.upgradeStarted(true, forward.namespace(), forward.id());
        Promise<Response> answer;
        try {
            answer = host.fetch(forward.namespace(), forward.id(), forward.request());
        } catch (RuntimeException e) {
            answer = Promise.failed(world.loop(), e);
        }
        answer.whenComplete((response, failure) -> {
            // the link to the edge node exists before the 101 leaves, so the object's first sends follow it
            if (upgrade) sockets.upgradeEnded(true, forward.namespace(), forward.id(), response, from, forward.senderIncarnation());
            if (failure == null) {
                replyAnswer(from, forwardId, response);
            } else if (failure instanceof DuroException e) {
                reply(from, forwardId, new Failed(e.code(), cut(String.valueOf(e.getMessage()))));
            } else {
                reply(from, forwardId, new Failed(ErrorCode.INTERNAL, cut("the object host failed unexpectedly: " + failure)));
            }
        });
    }

    private void replyAnswer(NodeId to, long forwardId, Response response) {
        byte[] bytes;
        try {
            bytes = ClusterCodec.encode(new ForwardReply(forwardId, new Answered(response)));
        } catch (IllegalArgumentException e) {
            reply(to, forwardId, new Failed(ErrorCode.OBJECT_ERROR, cut("the object's response cannot be sent: " + e.getMessage())));
            return;
        }
        sendReply(to, bytes);
    }

    private void reply(NodeId to, long forwardId, Outcome outcome) {
        sendReply(to, ClusterCodec.encode(new ForwardReply(forwardId, outcome)));
    }

    private static String cut(String message) {
        if (message.length() <= MAX_ERROR_CHARS) return message;
        int end = MAX_ERROR_CHARS - 3;
        if (Character.isHighSurrogate(message.charAt(end - 1))) end--; // never split a surrogate pair
        return message.substring(0, end) + "...";
    }

    // ---------------------------------------------------------------- introspection

    long incarnation() {
        return incarnation;
    }

    /** Remote WebSocket ends open at this node now (tests). */
    int remoteSockets() {
        return sockets.open();
    }

    Stats stats() {
        return new Stats(forwarded, pending.size(), overloaded, timedOut, lateReplies, refusals, duplicateForwards);
    }

    /**
     * @param forwarded         requests forwarded to their owners
     * @param inFlight          forwards waiting for an answer now
     * @param overloaded        requests refused because too many forwards were in flight
     * @param timedOut          forwards given up (timeout, owner suspected or restarted)
     * @param lateReplies       answers to forwards no longer waiting (or from another node)
     * @param refusals          forwards refused without running (stale incarnation, not the owner) and sent again
     * @param duplicateForwards forwards this node received again and did not run again
     */
    record Stats(long forwarded, int inFlight, long overloaded, long timedOut, long lateReplies, long refusals,
                 long duplicateForwards) {
    }

    private record ForwardKey(NodeId from, long forwardId) {
    }

    /** One forward waiting for its owner; {@code owner} and {@code stamp} change when it is sent again. */
    private static final class PendingForward {
        final long forwardId;
        final String namespace;
        final ObjectId id;
        final Request request;
        final Promise<Response> result;
        final TimerHandle timer;
        NodeId owner;
        long stamp;
        int resends;

        PendingForward(long forwardId, String namespace, ObjectId id, Request request, Promise<Response> result, TimerHandle timer) {
            this.forwardId = forwardId;
            this.namespace = namespace;
            this.id = id;
            this.request = request;
            this.result = result;
            this.timer = timer;
        }
    }
}
