package dev.duro.runtime.edge;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.World;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.ids.ObjectIds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link FrontDoor} of a runtime node (docs/gateway.md, "The front door"): it resolves a
 * namespace and a name or id, drops duplicate calls by {@link EdgeCall#dedupKey()}, hands each call
 * to the {@link ObjectEndpoint} (the host on a single node; in a cluster the router, which forwards
 * to the object's owner), maps failures to {@link DuroException}s, and keeps the registry of the
 * WebSockets objects accepted: an object's sends and close go to the adopted {@link EdgeSocket}, the
 * client's messages reach the object through the {@link EdgeSocketSession}. It knows no wire format;
 * edge adapters (the binary gateway, HTTP in {@code deploy}) sit on it. All on the node's loop.
 *
 * <p><b>Sockets.</b> When an upgrade (from {@link #fetch} or a worker's stub) is answered 101 with
 * {@link ObjectEndpoint#SOCKET_ID_HEADER}, the door registers the socket under a fresh token and
 * adds {@link FrontDoor#EDGE_SOCKET_HEADER} to the response. Output the object sends before the
 * socket is adopted waits; a socket not adopted within {@link FrontDoorOptions#adoptTimeoutNanos()}
 * is closed towards the object with 1006.
 */
public final class NodeFrontDoor implements FrontDoor, ClientSockets {
    /** The close code of a socket that broke without a close handshake. */
    public static final int ABNORMAL_CLOSURE = 1006;

    private final World world;
    private final Deployment deployment;
    private final ObjectEndpoint endpoint;
    private final FrontDoorOptions options;
    private final ClusterConfig cluster;
    private final Map<String, ObjectIds> idsByNamespace = new LinkedHashMap<>();
    private final Map<String, Boolean> recentCalls;
    private final Map<ObjectSocketKey, EdgeSocketEntry> socketsByObject = new LinkedHashMap<>();
    private final Map<Long, EdgeSocketEntry> socketsByToken = new LinkedHashMap<>();
    /** Upgrades in flight per object, so object output that beats the 101 to this door can wait. */
    private final Map<ObjectKey, Integer> pendingUpgrades = new LinkedHashMap<>();
    private final Map<ObjectSocketKey, List<Output>> earlyOutput = new LinkedHashMap<>();
    private final EdgeWorkerEnv workerEnv;
    private long nextToken;
    private int inFlight;
    private boolean draining;

    private long duplicateCalls;
    private long droppedObjectOutput;

    /**
     * @param cluster the cluster this node is a member of, for located ids (null on a single node)
     */
    public NodeFrontDoor(World world, Deployment deployment, ObjectEndpoint endpoint, FrontDoorOptions options, ClusterConfig cluster) {
        this.world = world;
        this.deployment = deployment;
        this.endpoint = endpoint;
        this.options = options;
        this.cluster = cluster;
        int window = options.dedupWindow();
        this.recentCalls = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > window;
            }
        };
        byte[] secret = deployment.secret();
        for (NamespaceBinding binding : deployment.namespaces().values()) {
            idsByNamespace.put(binding.name(), new ObjectIds(binding.name(), secret));
        }
        // tokens name sockets only within this incarnation; a random start keeps them from being guessable in order
        this.nextToken = world.entropy().derive("front-door/socket-tokens").nextLong() >>> 2;
        this.workerEnv = new EdgeWorkerEnv(this);
        endpoint.attachClientSockets(this);
    }

    // ---------------------------------------------------------------- calls

    @Override
    public WorkerEnv workerEnv() {
        return workerEnv;
    }

    @Override
    public Promise<Response> fetch(EdgeCall call) {
        if (call.dedupKey() != null && recentCalls.put(call.dedupKey(), Boolean.TRUE) != null) {
            duplicateCalls++;
            return Promise.on(world.loop()); // a duplicate: nothing, never a second run
        }
        ObjectId id;
        try {
            id = resolve(call);
        } catch (DuroException e) {
            return Promise.failed(world.loop(), cut(e));
        }
        return call(call.namespace(), id, call.request());
    }

    /** The id {@code call} names: by name (located or not) or parsed from hex. */
    private ObjectId resolve(EdgeCall call) {
        ObjectIds ids = ids(call.namespace()); // UNKNOWN_NAMESPACE
        if (!call.byName()) return ids.parse(call.target()); // INVALID_ID
        if (call.locationHint() == null) return ids.fromName(call.target());
        return ids.fromName(call.target(), requireLocation(call.locationHint())); // INVALID_LOCATION
    }

    ObjectIds ids(String namespace) {
        NamespaceBinding binding = deployment.namespace(namespace); // UNKNOWN_NAMESPACE
        ObjectIds ids = idsByNamespace.get(binding.name());
        Invariants.check(ids != null, "no ids for bound namespace %s", binding.name());
        return ids;
    }

    String requireLocation(String hint) {
        if (cluster == null) {
            throw new DuroException(ErrorCode.INVALID_LOCATION, "location hint '" + hint + "' names no location: this node is not in a cluster with locations");
        }
        return cluster.requireLocation(hint);
    }

    /** Where this node is, or null (no cluster, or a cluster without locations). */
    String location() {
        return cluster == null ? null : cluster.locationOf(world.self()).orElse(null);
    }

    World world() {
        return world;
    }

    Deployment deployment() {
        return deployment;
    }

    /** Runs {@code request} on the object wherever it lives; the path of edge calls and of worker stubs. */
    Promise<Response> call(String namespace, ObjectId id, Request request) {
        if (draining) {
            return Promise.failed(world.loop(), new DuroException(ErrorCode.UNAVAILABLE, world.self()
                    + " is shutting down and takes no new calls; nothing ran; retry at another node"));
        }
        boolean upgrade = request.isWebSocketUpgrade();
        ObjectKey object = new ObjectKey(namespace, id);
        if (upgrade) pendingUpgrades.merge(object, 1, Integer::sum);
        inFlight++;
        Promise<Response> answer;
        try {
            answer = endpoint.fetch(namespace, id, request);
        } catch (RuntimeException e) {
            answer = Promise.failed(world.loop(), e);
        }
        Promise<Response> result = Promise.on(world.loop());
        answer.whenComplete((response, failure) -> {
            inFlight--;
            try {
                if (failure != null) {
                    result.fail(mapped(failure));
                } else if (upgrade && response.status() == 101) {
                    Response registered = register(object, response);
                    if (registered == null) {
                        result.fail(new DuroException(ErrorCode.INTERNAL, "the object answered the upgrade with 101 but without a valid '"
                                + ObjectEndpoint.SOCKET_ID_HEADER + "' header (got " + response.header(ObjectEndpoint.SOCKET_ID_HEADER)
                                + "); the socket cannot be routed"));
                    } else {
                        result.complete(registered);
                    }
                } else {
                    result.complete(response);
                }
            } finally {
                if (upgrade) upgradeDone(object);
            }
        });
        return result;
    }

    private DuroException mapped(Throwable failure) {
        if (failure instanceof DuroException e) return cut(e);
        // the endpoint promises DuroExceptions only; anything else is a bug in the runtime
        return new DuroException(ErrorCode.INTERNAL, cutText("the object endpoint failed unexpectedly: " + failure));
    }

    private DuroException cut(DuroException e) {
        String message = String.valueOf(e.getMessage());
        if (message.length() <= options.maxErrorMessageChars()) return e;
        return new DuroException(e.code(), cutText(message));
    }

    private String cutText(String message) {
        int max = options.maxErrorMessageChars();
        if (message.length() <= max) return message;
        int end = max - 3;
        if (Character.isHighSurrogate(message.charAt(end - 1))) end--; // never split a surrogate pair
        return message.substring(0, end) + "...";
    }

    @Override
    public void drain() {
        draining = true;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    // ---------------------------------------------------------------- sockets

    /** Registers the socket a 101 names; the response with the edge socket header, or null if it names none. */
    private Response register(ObjectKey object, Response response) {
        long socketId;
        try {
            socketId = Long.parseLong(String.valueOf(response.header(ObjectEndpoint.SOCKET_ID_HEADER)));
        } catch (NumberFormatException e) {
            return null;
        }
        ObjectSocketKey key = new ObjectSocketKey(object.namespace(), object.id(), socketId);
        if (socketsByObject.containsKey(key)) {
            // A duplicate of an upgrade ran again after the dedup window forgot it: the first socket
            // stands; close the object's second one instead of routing two sockets to one key.
            endpoint.webSocketClose(key.namespace(), key.id(), socketId, ABNORMAL_CLOSURE, "a duplicate of an upgrade already answered", false);
            return null;
        }
        long token = ++nextToken;
        EdgeSocketEntry socket = new EdgeSocketEntry(key, token);
        List<Output> early = earlyOutput.remove(key);
        if (early != null) socket.waiting.addAll(early);
        socketsByObject.put(key, socket);
        socketsByToken.put(token, socket);
        socket.adoptTimer = world.loop().schedule(options.adoptTimeoutNanos(), () -> notAdopted(socket));
        TreeMap<String, String> headers = new TreeMap<>(response.headers());
        headers.put(EDGE_SOCKET_HEADER, Long.toString(token));
        return new Response(response.status(), headers, response.body());
    }

    private void upgradeDone(ObjectKey object) {
        int left = pendingUpgrades.merge(object, -1, Integer::sum);
        Invariants.check(left >= 0, "pending upgrades of %s went negative", object);
        if (left > 0) return;
        pendingUpgrades.remove(object);
        earlyOutput.keySet().removeIf(k -> {
            if (!k.object().equals(object)) return false;
            droppedObjectOutput += earlyOutput.get(k).size();
            return true;
        });
    }

    private void notAdopted(EdgeSocketEntry socket) {
        if (socket.client != null || socketsByToken.get(socket.token) != socket) return;
        forget(socket);
        ObjectSocketKey o = socket.key;
        endpoint.webSocketClose(o.namespace(), o.id(), o.socketId(), ABNORMAL_CLOSURE, "no client took the socket", false);
    }

    @Override
    public EdgeSocketSession adoptSocket(Response response, EdgeSocket toClient) {
        String header = response.header(EDGE_SOCKET_HEADER);
        EdgeSocketEntry socket = null;
        try {
            socket = header == null ? null : socketsByToken.get(Long.parseLong(header));
        } catch (NumberFormatException e) {
            // falls through: names no socket
        }
        if (socket == null || socket.client != null) {
            throw new DuroException(ErrorCode.MALFORMED_REQUEST, "the response names no WebSocket waiting at this node ('"
                    + EDGE_SOCKET_HEADER + ": " + header + "'); adopt the 101 the object's stub returned, once, on the node that got it");
        }
        socket.client = toClient;
        socket.adoptTimer.cancel();
        EdgeSocketEntry adopted = socket;
        List<Output> waiting = List.copyOf(socket.waiting);
        socket.waiting.clear();
        for (Output out : waiting) {
            if (socketsByToken.get(adopted.token) != adopted) break; // closed meanwhile
            deliver(adopted, out);
        }
        return new EdgeSocketSession() {
            @Override
            public void message(WebSocketMessage message) {
                if (socketsByToken.get(adopted.token) != adopted) return; // closed: dropped, as in browsers
                ObjectSocketKey o = adopted.key;
                endpoint.webSocketMessage(o.namespace(), o.id(), o.socketId(), message);
            }

            @Override
            public void close(int code, String reason, boolean wasClean) {
                if (socketsByToken.get(adopted.token) != adopted) return;
                forget(adopted);
                ObjectSocketKey o = adopted.key;
                endpoint.webSocketClose(o.namespace(), o.id(), o.socketId(), code, reason, wasClean);
            }
        };
    }

    @Override
    public void send(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        toClient(new ObjectSocketKey(namespace, id, socketId), new Output(message, 0, null));
    }

    @Override
    public void close(String namespace, ObjectId id, long socketId, int code, String reason) {
        toClient(new ObjectSocketKey(namespace, id, socketId), new Output(null, code, reason));
    }

    private void toClient(ObjectSocketKey key, Output out) {
        EdgeSocketEntry socket = socketsByObject.get(key);
        if (socket != null) {
            if (socket.client == null) socket.waiting.add(out);
            else deliver(socket, out);
            return;
        }
        if (pendingUpgrades.containsKey(key.object())) {
            earlyOutput.computeIfAbsent(key, k -> new ArrayList<>()).add(out);
        } else {
            droppedObjectOutput++; // the client is gone; the object learned or will learn through webSocketClose
        }
    }

    private void deliver(EdgeSocketEntry socket, Output out) {
        if (out.message() != null) {
            socket.client.send(out.message());
        } else {
            forget(socket); // the object closed it; nothing more goes either way
            socket.client.close(out.code(), out.reason());
        }
    }

    private void forget(EdgeSocketEntry socket) {
        socketsByObject.remove(socket.key);
        socketsByToken.remove(socket.token);
        if (socket.adoptTimer != null) socket.adoptTimer.cancel();
    }

    // ---------------------------------------------------------------- introspection

    /** WebSockets registered at this door (adopted or waiting to be). */
    public int openSockets() {
        return socketsByToken.size();
    }

    public Stats stats() {
        return new Stats(duplicateCalls, droppedObjectOutput);
    }

    /**
     * @param duplicateCalls      calls whose dedup key was seen before, not run again
     * @param droppedObjectOutput object sends and closes for sockets no longer open
     */
    public record Stats(long duplicateCalls, long droppedObjectOutput) {
    }

    private record ObjectKey(String namespace, ObjectId id) {
    }

    private record ObjectSocketKey(String namespace, ObjectId id, long socketId) {
        ObjectKey object() {
            return new ObjectKey(namespace, id);
        }
    }

    /** An object's send ({@code message} set) or close ({@code message} null). */
    private record Output(WebSocketMessage message, int code, String reason) {
    }

    private static final class EdgeSocketEntry {
        final ObjectSocketKey key;
        final long token;
        final List<Output> waiting = new ArrayList<>();
        EdgeSocket client;
        TimerHandle adoptTimer;

        EdgeSocketEntry(ObjectSocketKey key, long token) {
            this.key = key;
            this.token = token;
        }
    }
}
