package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterMessage.SocketAbort;
import dev.duro.runtime.cluster.ClusterMessage.SocketClose;
import dev.duro.runtime.cluster.ClusterMessage.SocketEvent;
import dev.duro.runtime.cluster.ClusterMessage.SocketFrame;
import dev.duro.runtime.cluster.ClusterMessage.SocketPing;
import dev.duro.runtime.cluster.ClusterMessage.SocketSend;
import dev.duro.runtime.edge.ClientSockets;
import dev.duro.runtime.edge.NodeFrontDoor;
import dev.duro.runtime.edge.ObjectEndpoint;
import dev.duro.runtime.host.ObjectHost;
import dev.duro.wire.OrderedInbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WebSockets whose object runs on another node than the edge node that adopted them (docs/gateway.md,
 * "Sockets across nodes"). The upgrade travels as an ordinary forward; when the owner's object
 * answers 101, both nodes keep a {@link Link} for the socket: the owner's link carries the object's
 * sends and close to the edge node, the edge node's link carries the client's messages and close
 * to the owner, each as {@link SocketFrame}s numbered per direction and delivered in order, at most
 * once, by an {@link OrderedInbox}.
 *
 * <p>A link lives between one incarnation of each node. It ends with 1006 (not clean) on the
 * surviving side when the failure detector suspects the peer, when a heartbeat names a new
 * incarnation of the peer, when the peer answers that it does not know the socket (it restarted,
 * or broke it), or when a gap in the sequence makes no progress for {@link #GAP_TIMEOUT_NANOS}
 * (pings every {@link #PING_INTERVAL_NANOS} carry the highest number sent, so a lost last frame is a
 * gap too). All on the node's loop.
 */
final class RemoteSockets implements ClientSockets {
    static final long PING_INTERVAL_NANOS = 1_000_000_000L;
    static final long GAP_TIMEOUT_NANOS = 3_000_000_000L;
    /** Frames waiting behind a gap, or for the 101 that registers their socket. */
    static final int MAX_BUFFERED_FRAMES = 1024;
    /** Close frames remembered after a link ended, to answer a peer that missed them. */
    static final int CLOSED_WINDOW = 1024;
    static final String TRACE_ABORT = "cluster-socket-abort";

    private enum Role { EDGE, OWNER }

    private final World world;
    private final ObjectHost host;
    private final FailureDetector detector;
    private final long incarnation;
    /** Where output for sockets that are not remote goes: this node's front door. */
    private ClientSockets local;
    private final Map<Key, Link> atEdge = new LinkedHashMap<>();
    private final Map<Key, Link> atOwner = new LinkedHashMap<>();
    /** Upgrades in flight per object and role, so frames that beat the 101 can wait for it. */
    private final Map<RoleObject, Integer> pendingUpgrades = new LinkedHashMap<>();
    /** Owner: object output for a socket not registered yet; edge: owner frames that beat the 101. */
    private final Map<RoleObject, List<Early>> early = new LinkedHashMap<>();
    private final Map<RoleKey, byte[]> closed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RoleKey, byte[]> eldest) {
            return size() > CLOSED_WINDOW;
        }
    };
    private TimerHandle pingTimer;
    private long aborts;

    RemoteSockets(World world, ObjectHost host, FailureDetector detector, long incarnation) {
        this.world = world;
        this.host = host;
        this.detector = detector;
        this.incarnation = incarnation;
    }

    /** The front door attaches here; the host's socket output comes here first. */
    void attach(ClientSockets frontDoor) {
        this.local = frontDoor;
        host.attachClientSockets(this);
    }

    // ---------------------------------------------------------------- opening

    /** An upgrade is being forwarded from this (edge) node, or run here for another (owner) node. */
    void upgradeStarted(boolean atOwnerSide, String namespace, ObjectId id) {
        pendingUpgrades.merge(new RoleObject(role(atOwnerSide), namespace, id), 1, Integer::sum);
    }

    /**
     * The upgrade ended (answered, failed, timed out). With a 101 naming a socket, a link to {@code peer}
     * (at {@code peerIncarnation}) is registered first, and what waited for it goes through it.
     */
    void upgradeEnded(boolean atOwnerSide, String namespace, ObjectId id, Response response, NodeId peer, long peerIncarnation) {
        Role role = role(atOwnerSide);
        RoleObject object = new RoleObject(role, namespace, id);
        Link link = null;
        if (response != null && response.status() == 101 && peerIncarnation != 0) {
            long socketId = socketId(response);
            Key key = new Key(namespace, id, socketId);
            Map<Key, Link> links = links(role);
            Link stale = links.get(key);
            if (stale != null && (!stale.peer.equals(peer) || stale.peerIncarnation != peerIncarnation)) {
                // the same socket id from another incarnation: the old one's socket died with it
                end(stale, "replaced", peer + " answered from another incarnation; the old socket died with the old one", false);
            }
            if (socketId > 0 && !links.containsKey(key)) {
                link = new Link(role, key, peer, peerIncarnation, now());
                links.put(key, link);
                armPings();
            }
        }
        int left = pendingUpgrades.merge(object, -1, Integer::sum);
        Invariants.check(left >= 0, "pending remote upgrades of %s went negative", object);
        if (left == 0) pendingUpgrades.remove(object);
        List<Early> waiting = early.get(object);
        if (waiting == null) return;
        List<Early> keep = new ArrayList<>();
        List<Early> now = new ArrayList<>();
        for (Early e : waiting) {
            if (link != null && e.key.equals(link.key)) now.add(e);
            else keep.add(e);
        }
        if (left == 0) {
            early.remove(object);
            // owner: output of sockets that are not remote belongs to the local front door; edge: nobody waits
            if (role == Role.OWNER) for (Early e : keep) toLocal(e.key, e.event);
        } else {
            early.put(object, keep);
        }
        for (Early e : now) {
            if (role == Role.OWNER) emit(link, e.event);
            else receive(link, e.seq, e.event);
        }
    }

    private static long socketId(Response response) {
        try {
            return Long.parseLong(String.valueOf(response.header(ObjectEndpoint.SOCKET_ID_HEADER)));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- the edge side: the client's messages and close

    /** True if the socket's object runs on another node, and the message went there. */
    boolean clientMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        Link link = atEdge.get(new Key(namespace, id, socketId));
        if (link == null) return false;
        emit(link, new SocketSend(message));
        return true;
    }

    /** True if the socket's object runs on another node, and the close went there. */
    boolean clientClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean) {
        Link link = atEdge.get(new Key(namespace, id, socketId));
        if (link == null) return false;
        emit(link, new SocketClose(code, reason, wasClean));
        return true;
    }

    // ---------------------------------------------------------------- the owner side: the object's sends and close

    @Override
    public void send(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        objectOutput(new Key(namespace, id, socketId), new SocketSend(message));
    }

    @Override
    public void close(String namespace, ObjectId id, long socketId, int code, String reason) {
        objectOutput(new Key(namespace, id, socketId), new SocketClose(code, reason, true));
    }

    private void objectOutput(Key key, SocketEvent event) {
        Link link = atOwner.get(key);
        if (link != null) {
            emit(link, event);
            return;
        }
        RoleObject object = new RoleObject(Role.OWNER, key.namespace, key.id);
        if (pendingUpgrades.containsKey(object)) {
            early.computeIfAbsent(object, o -> new ArrayList<>()).add(new Early(key, 0, event));
            return;
        }
        toLocal(key, event);
    }

    private void toLocal(Key key, SocketEvent event) {
        if (local == null) return;
        switch (event) {
            case SocketSend s -> local.send(key.namespace, key.id, key.socketId, s.message());
            case SocketClose c -> local.close(key.namespace, key.id, key.socketId, c.code(), c.reason());
            default -> throw new IllegalStateException("not object output: " + event);
        }
    }

    // ---------------------------------------------------------------- frames

    private void emit(Link link, SocketEvent event) {
        if (link.ended) return;
        long seq = switch (event) {
            case SocketSend s -> ++link.sentSeq;
            case SocketClose c -> ++link.sentSeq;
            case SocketPing p -> link.sentSeq;
            case SocketAbort a -> 0;
        };
        byte[] bytes;
        try {
            bytes = ClusterCodec.encode(frame(link, seq, event));
        } catch (IllegalArgumentException e) {
            end(link, "too-large", "a socket message cannot be carried between nodes: " + e.getMessage(), true);
            return;
        }
        world.transport().send(link.peer, bytes);
        if (event instanceof SocketClose) {
            forget(link);
            closed.put(new RoleKey(link.role, link.key), bytes); // re-sent to a peer that asks about the socket again
        }
    }

    private SocketFrame frame(Link link, long seq, SocketEvent event) {
        return new SocketFrame(incarnation, link.peerIncarnation, link.role == Role.EDGE, link.key.namespace, link.key.id,
                link.key.socketId, seq, event);
    }

    /** A socket frame from {@code from}. */
    void onFrame(NodeId from, SocketFrame f) {
        boolean abort = f.event() instanceof SocketAbort;
        Role role = f.toOwner() ? Role.OWNER : Role.EDGE;
        Key key = new Key(f.namespace(), f.id(), f.socketId());
        if (f.toIncarnation() != incarnation) {
            if (!abort) refuse(from, f, "the socket belonged to an earlier incarnation of " + world.self());
            return;
        }
        Link link = links(role).get(key);
        if (abort && link != null && link.peer.equals(from)) {
            receive(link, 0, f.event()); // from any incarnation of the peer: a later one knows nothing of the socket
            return;
        }
        if (link == null || !link.peer.equals(from) || link.peerIncarnation != f.fromIncarnation()) {
            if (abort) return;
            RoleObject object = new RoleObject(role, f.namespace(), f.id());
            if (role == Role.EDGE && pendingUpgrades.containsKey(object)) {
                List<Early> waiting = early.computeIfAbsent(object, o -> new ArrayList<>());
                if (waiting.size() < MAX_BUFFERED_FRAMES) waiting.add(new Early(key, f.seq(), f.event()));
                return; // waits for the 101 that registers it
            }
            byte[] close = closed.get(new RoleKey(role, key));
            if (close != null) {
                // It missed our close (its sequence drops a duplicate). A close crossing ours needs no
                // answer: both ends are done, and answering closes with closes echoed them forever.
                if (!(f.event() instanceof SocketClose)) world.transport().send(from, close);
                return;
            }
            refuse(from, f, world.self() + " does not know the socket");
            return;
        }
        receive(link, f.seq(), f.event());
    }

    private void receive(Link link, long seq, SocketEvent event) {
        if (link.ended) return;
        switch (event) {
            case SocketAbort a -> end(link, "peer", "the socket broke at " + link.peer + ": " + a.reason(), false);
            case SocketPing p -> link.inbox.noteSentUpTo(seq, now());
            case SocketSend s -> deliverAll(link, link.inbox.offer(seq, event, now()));
            case SocketClose c -> deliverAll(link, link.inbox.offer(seq, event, now()));
        }
    }

    private void deliverAll(Link link, List<SocketEvent> events) {
        if (events == null) {
            end(link, "overflow", "more than " + MAX_BUFFERED_FRAMES + " socket frames waited behind a lost one", true);
            return;
        }
        for (SocketEvent e : events) {
            if (link.ended) return;
            Key k = link.key;
            switch (e) {
                case SocketSend s -> {
                    if (link.role == Role.OWNER) host.webSocketMessage(k.namespace, k.id, k.socketId, s.message());
                    else if (local != null) local.send(k.namespace, k.id, k.socketId, s.message());
                }
                case SocketClose c -> {
                    forget(link); // the peer forgot it when it sent the close
                    if (link.role == Role.OWNER) host.webSocketClose(k.namespace, k.id, k.socketId, c.code(), c.reason(), c.wasClean());
                    else if (local != null) local.close(k.namespace, k.id, k.socketId, c.code(), c.reason());
                }
                default -> throw new IllegalStateException("not a sequenced socket event: " + e);
            }
        }
    }

    private void refuse(NodeId to, SocketFrame f, String reason) {
        aborts++;
        SocketFrame abort = new SocketFrame(incarnation, f.fromIncarnation(), !f.toOwner(), f.namespace(), f.id(), f.socketId(), 0,
                new SocketAbort(reason));
        world.transport().send(to, ClusterCodec.encode(abort));
    }

    /** Ends {@code link} with 1006 on this side; tells the peer when it may still hold its end. */
    private void end(Link link, String why, String reason, boolean tellPeer) {
        if (link.ended) return;
        aborts++;
        world.trace().record(TRACE_ABORT, "peer=" + link.peer + " role=" + link.role.name().toLowerCase(java.util.Locale.ROOT)
                + " id=" + link.key.id.hex() + " socket=" + link.key.socketId + " why=" + why);
        if (tellPeer) emit(link, new SocketAbort(reason));
        forget(link);
        Key k = link.key;
        if (link.role == Role.OWNER) {
            host.webSocketClose(k.namespace, k.id, k.socketId, NodeFrontDoor.ABNORMAL_CLOSURE, reason, false);
        } else if (local != null) {
            local.close(k.namespace, k.id, k.socketId, NodeFrontDoor.ABNORMAL_CLOSURE, reason);
        }
    }

    private void forget(Link link) {
        link.ended = true;
        links(link.role).remove(link.key, link);
    }

    // ---------------------------------------------------------------- the peers' liveness

    /** The failure detector's view changed: links to suspected peers end with 1006. */
    void viewChanged() {
        for (Link link : allLinks()) {
            if (!detector.trusts(link.peer)) end(link, "suspected", link.peer + " is suspected down", true);
        }
    }

    /** A heartbeat named {@code peer}'s incarnation: links to an earlier one end with 1006. */
    void heard(NodeId peer, long peerIncarnation) {
        for (Link link : allLinks()) {
            if (link.peer.equals(peer) && link.peerIncarnation != peerIncarnation) {
                end(link, "restarted", peer + " restarted; the socket died with it", false);
            }
        }
    }

    private void armPings() {
        if (pingTimer == null && !(atEdge.isEmpty() && atOwner.isEmpty())) {
            pingTimer = world.loop().schedule(PING_INTERVAL_NANOS, this::ping);
        }
    }

    private void ping() {
        pingTimer = null;
        long now = now();
        for (Link link : allLinks()) {
            if (link.inbox.gapStalledFor(now, GAP_TIMEOUT_NANOS)) {
                end(link, "gap", "a socket frame from " + link.peer + " was lost", true);
            } else {
                emit(link, new SocketPing());
            }
        }
        armPings();
    }

    private List<Link> allLinks() {
        List<Link> all = new ArrayList<>(atEdge.values());
        all.addAll(atOwner.values());
        return all;
    }

    // ---------------------------------------------------------------- helpers

    private Map<Key, Link> links(Role role) {
        return role == Role.EDGE ? atEdge : atOwner;
    }

    private static Role role(boolean atOwnerSide) {
        return atOwnerSide ? Role.OWNER : Role.EDGE;
    }

    private long now() {
        return world.clock().monotonicNanos();
    }

    /** Remote sockets open now (edge ends + owner ends). */
    int open() {
        return atEdge.size() + atOwner.size();
    }

    /** Links ended with 1006, and aborts sent for sockets this node did not know. */
    long aborts() {
        return aborts;
    }

    private record Key(String namespace, ObjectId id, long socketId) {
    }

    private record RoleKey(Role role, Key key) {
    }

    private record RoleObject(Role role, String namespace, ObjectId id) {
    }

    /** Owner: object output before its link exists ({@code seq} 0); edge: an owner frame before the 101. */
    private record Early(Key key, long seq, SocketEvent event) {
    }

    /** One end of a remote socket. */
    private static final class Link {
        final Role role;
        final Key key;
        final NodeId peer;
        final long peerIncarnation;
        final OrderedInbox<SocketEvent> inbox;
        long sentSeq;
        boolean ended;

        Link(Role role, Key key, NodeId peer, long peerIncarnation, long nowNanos) {
            this.role = role;
            this.key = key;
            this.peer = peer;
            this.peerIncarnation = peerIncarnation;
            this.inbox = new OrderedInbox<>(MAX_BUFFERED_FRAMES, nowNanos);
        }
    }
}
