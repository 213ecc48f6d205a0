package dev.duro.deploy.edge;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterClient;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.edge.EdgeSocket;
import dev.duro.runtime.edge.EdgeSocketSession;
import dev.duro.runtime.edge.FrontDoor;
import dev.duro.runtime.gateway.ClientWebSocket;
import dev.duro.runtime.ids.ObjectIds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * <b>Interim.</b> A {@link FrontDoor} built from what runtime-ref offers today, until its own
 * transport-neutral front door lands (issue 13, section 1) and replaces this class: it runs on a
 * separate <em>edge client</em> node beside each member ({@link EdgeNode}) and reaches objects with
 * a {@link ClusterClient} over the cluster's authenticated TCP transport, exactly as the real-cluster
 * tests' clients do. The client follows MOVED inside the cluster, so any node serves any object and
 * the HTTP client never sees a redirect.
 *
 * <p>What it does not do that the real door will: it suppresses no duplicates ({@link EdgeCall#dedupKey}
 * is ignored; an HTTP connection never resends); the worker runs on the edge client's loop, not
 * the member's; a request costs one more local TCP hop (edge client to member); and a WebSocket is
 * a {@link ClientWebSocket} to the object's owner, adopted by the HTTP connection under a local
 * handle. All methods on the edge client's loop.
 */
public final class InterimFrontDoor implements FrontDoor {
    /** A socket a stub opened and nobody adopted in this time is closed (the worker dropped the 101). */
    static final long UNADOPTED_SOCKET_NANOS = 30_000_000_000L;

    private final World world;
    private final Deployment deployment;
    private final ClusterClient client;
    private final long callTimeoutNanos;
    private final Map<Long, OpenedSocket> unadopted = new LinkedHashMap<>();
    private final Env env = new Env();
    private long lastHandle;
    private boolean draining;
    private int inFlight;

    /**
     * @param world            the edge client node's world (not a member)
     * @param deployment       the namespaces (for ids and the bindings a worker sees)
     * @param cluster          the members, for placement
     * @param callTimeoutNanos how long one call to an object may take before it fails with UNAVAILABLE
     */
    public InterimFrontDoor(World world, Deployment deployment, ClusterConfig cluster, long callTimeoutNanos) {
        this.world = Objects.requireNonNull(world, "world");
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        if (cluster.isMember(world.self())) {
            throw new IllegalArgumentException(world.self() + " is a member; the interim front door runs on a separate client node");
        }
        if (callTimeoutNanos <= 0) throw new IllegalArgumentException("callTimeoutNanos must be positive");
        this.client = new ClusterClient(world, deployment.secret(), cluster);
        this.callTimeoutNanos = callTimeoutNanos;
    }

    @Override
    public WorkerEnv workerEnv() {
        return env;
    }

    @Override
    public Promise<Response> fetch(EdgeCall call) {
        ObjectNamespace ns;
        ObjectId id;
        try {
            ns = env.namespace(call.namespace());
            id = call.byName() ? ns.idFromName(call.target()) : ns.idFromString(call.target());
        } catch (DuroException e) {
            return Promise.failed(world.loop(), e);
        }
        return ns.get(id).fetch(call.request());
    }

    @Override
    public EdgeSocketSession adoptSocket(Response response, EdgeSocket toClient) {
        String header = response.header(EDGE_SOCKET_HEADER);
        OpenedSocket socket = null;
        try {
            if (header != null) socket = unadopted.remove(Long.parseLong(header));
        } catch (NumberFormatException e) {
            socket = null;
        }
        if (socket == null) {
            throw new DuroException(ErrorCode.INTERNAL, "the 101 answer names no socket this node opened ('"
                    + EDGE_SOCKET_HEADER + ": " + header + "'); a worker must return the 101 its stub's fetch gave it");
        }
        socket.timer.cancel();
        return socket.adopt(toClient);
    }

    @Override
    public void drain() {
        draining = true;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    /** The cluster client (its counters, for tests and logs). */
    public ClusterClient client() {
        return client;
    }

    // ---------------------------------------------------------------- the worker's environment

    private final class Env implements WorkerEnv {
        private final Map<String, Namespace> namespaces = new LinkedHashMap<>();

        @Override
        public ObjectNamespace namespace(String binding) {
            deployment.namespace(binding); // UNKNOWN_NAMESPACE naming the bound ones
            return namespaces.computeIfAbsent(binding, Namespace::new);
        }

        @Override
        public SortedSet<String> bindings() {
            return new TreeSet<>(deployment.namespaces().keySet());
        }

        @Override
        public <T> Promise<T> completed(T value) {
            return Promise.succeeded(world.loop(), value);
        }

        @Override
        public <T> Promise<T> failed(Throwable failure) {
            return Promise.failed(world.loop(), failure);
        }
    }

    private final class Namespace implements ObjectNamespace {
        private final String name;
        private final ObjectIds ids;

        Namespace(String name) {
            this.name = name;
            this.ids = new ObjectIds(name, deployment.secret());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ObjectId idFromName(String objectName) {
            return client.idFromName(name, objectName);
        }

        @Override
        public ObjectId idFromName(String objectName, String locationHint) {
            return client.idFromName(name, objectName, locationHint);
        }

        @Override
        public ObjectId newUniqueId() {
            return client.newUniqueId(name);
        }

        @Override
        public ObjectId newUniqueId(String locationHint) {
            return client.newUniqueId(name, locationHint);
        }

        @Override
        public ObjectId idFromString(String hex) {
            return ids.parse(hex);
        }

        @Override
        public ObjectStub get(ObjectId id) {
            if (!ids.belongs(id)) {
                throw new DuroException(ErrorCode.INVALID_ID, "object id " + id.hex() + " is not of namespace '" + name + "'");
            }
            return new Stub(name, id);
        }
    }

    /** Calls through one stub; broken after its first failure, as the model's stubs are. */
    private final class Stub implements ObjectStub {
        private final String namespace;
        private final ObjectId id;
        private boolean broken;

        Stub(String namespace, ObjectId id) {
            this.namespace = namespace;
            this.id = id;
        }

        @Override
        public ObjectId id() {
            return id;
        }

        @Override
        public Promise<Response> fetch(Request request) {
            if (broken) {
                return Promise.failed(world.loop(), new DuroException(ErrorCode.STUB_BROKEN, "this stub saw a failure; make a new one"));
            }
            if (draining) {
                return Promise.failed(world.loop(), new DuroException(ErrorCode.UNAVAILABLE, world.self()
                        + " is shutting down; nothing ran; send it to another node"));
            }
            inFlight++;
            Promise<Response> answer = request.isWebSocketUpgrade() ? open(request)
                    : client.fetchById(namespace, id.hex(), request, callTimeoutNanos);
            answer.whenComplete((r, failure) -> {
                inFlight--;
                if (failure != null) broken = true;
            });
            return answer;
        }

        private Promise<Response> open(Request upgrade) {
            OpenedSocket socket = new OpenedSocket(++lastHandle);
            return client.connectById(namespace, id.hex(), upgrade, socket, callTimeoutNanos).map(ws -> {
                socket.ws = ws;
                unadopted.put(socket.handle, socket);
                socket.timer = world.loop().schedule(UNADOPTED_SOCKET_NANOS, () -> {
                    if (unadopted.remove(socket.handle) != null) ws.close(1001, "nobody adopted the socket");
                });
                Map<String, String> headers = new TreeMap<>();
                headers.put(EDGE_SOCKET_HEADER, Long.toString(socket.handle));
                return new Response(101, new TreeMap<>(headers), null);
            });
        }
    }

    /** A socket to an object: what the object sends waits here until the HTTP connection adopts it. */
    private static final class OpenedSocket implements ClientWebSocket.Listener {
        final long handle;
        ClientWebSocket ws;
        dev.duro.model.world.TimerHandle timer;
        private EdgeSocket toClient;
        private final List<Runnable> early = new ArrayList<>();
        private boolean closed;

        OpenedSocket(long handle) {
            this.handle = handle;
        }

        EdgeSocketSession adopt(EdgeSocket edge) {
            toClient = edge;
            early.forEach(Runnable::run);
            early.clear();
            return new EdgeSocketSession() {
                @Override
                public void message(WebSocketMessage message) {
                    switch (message) {
                        case WebSocketMessage.Text t -> ws.send(t.text());
                        case WebSocketMessage.Binary b -> ws.send(b.bytes());
                    }
                }

                @Override
                public void close(int code, String reason, boolean wasClean) {
                    if (closed) return;
                    closed = true;
                    boolean sendable = code >= 1000 && code <= 4999 && code != 1005 && code != 1006 && code != 1015;
                    ws.close(sendable ? code : 1000, wasClean ? reason : "the client's connection broke");
                }
            };
        }

        @Override
        public void onMessage(WebSocketMessage m) {
            if (toClient == null) {
                early.add(() -> onMessage(m));
            } else if (!closed) {
                toClient.send(m);
            }
        }

        @Override
        public void onClose(int code, String reason, boolean wasClean) {
            if (toClient == null) {
                early.add(() -> onClose(code, reason, wasClean));
                return;
            }
            if (closed) return;
            closed = true;
            toClient.close(code, reason);
        }
    }
}
