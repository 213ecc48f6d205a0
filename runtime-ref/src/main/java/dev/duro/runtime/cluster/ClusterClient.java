package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.gateway.ClientOptions;
import dev.duro.runtime.gateway.ClientWebSocket;
import dev.duro.runtime.gateway.GatewayClient;
import dev.duro.runtime.gateway.MovedException;
import dev.duro.runtime.ids.ObjectIds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client library for a cluster: a {@link GatewayClient} that picks the gateway for each call.
 * It sends a call to the node it last saw answer for the object, else to the replica its placement
 * ranks next (the first one to begin with); it follows {@link ErrorCode#MOVED} to the node the error
 * names (with exponential backoff and jitter from the world's entropy, all within the call's
 * timeout), since a MOVED call surely did not run. A node that does not serve an object names its
 * preferred owner, which is a replica ranked above every node that prefers it, so a chain of MOVED
 * climbs the ranking: {@code replicas + 1} hops reach the top from anywhere, and the client allows
 * one more before it gives up with the last MOVED.
 *
 * <p>Everything else reaches the caller as it came: OVERLOADED (do not retry now), the object's
 * errors, and UNAVAILABLE, whose outcome is unknown (the client never retries it, as the request
 * may have run). After an UNAVAILABLE the next call for that object tries the next replica in the
 * ranking: the node it used may be down, and its successor is the object's owner once the cluster
 * suspects it.
 *
 * <p>Clients are not members: they know the {@link ClusterConfig} and the deployment secret (for
 * ids and placement), as a real client knows the cluster's addresses. All calls on the client
 * node's loop.
 */
public final class ClusterClient {
    private static final long BACKOFF_BASE_NANOS = 2_000_000L;
    /** Remembered objects; the least recently used are forgotten beyond this (they fall back to placement). */
    private static final int MAX_REMEMBERED = 10_000;

    private final World world;
    private final GatewayClient gateway;
    private final Placement placement;
    private final byte[] deploymentSecret;
    private final Map<String, ObjectIds> ids = new LinkedHashMap<>();
    private final Entropy jitter;
    /** Gateways one call may try: the first, then MOVED redirections. */
    private final int maxHops;
    private final Map<Target, Route> routes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Target, Route> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private long redirects;

    public ClusterClient(World world, byte[] deploymentSecret, ClusterConfig cluster) {
        this(world, deploymentSecret, cluster, ClientOptions.defaults());
    }

    public ClusterClient(World world, byte[] deploymentSecret, ClusterConfig cluster, ClientOptions options) {
        this.world = Objects.requireNonNull(world, "world");
        this.deploymentSecret = Objects.requireNonNull(deploymentSecret,
                "a cluster client needs the deployment secret: it places objects by their ids").clone();
        this.placement = new Placement(Objects.requireNonNull(cluster, "cluster"));
        this.gateway = new GatewayClient(world, deploymentSecret, options);
        this.jitter = world.entropy().derive("cluster-client/backoff");
        this.maxHops = cluster.replicas() + 2;
    }

    /** Calls the object named {@code objectName} in {@code namespace}. */
    public Promise<Response> fetch(String namespace, String objectName, Request request, long timeoutNanos) {
        return byName(namespace, objectName, timeoutNanos,
                (node, remaining) -> gateway.fetch(node, namespace, objectName, request, remaining));
    }

    /** Calls the object whose id is {@code idHex} (64 hex digits) in {@code namespace}. */
    public Promise<Response> fetchById(String namespace, String idHex, Request request, long timeoutNanos) {
        return byId(namespace, idHex, timeoutNanos, (node, remaining) -> gateway.fetchById(node, namespace, idHex, request, remaining));
    }

    /**
     * Opens a WebSocket to the object named {@code objectName}, at the node that runs it (a socket
     * lives at one gateway: when that node goes, the socket closes with 1006 and the caller
     * connects again, reaching the new owner).
     */
    public Promise<ClientWebSocket> connect(String namespace, String objectName, Request upgrade,
                                            ClientWebSocket.Listener listener, long timeoutNanos) {
        return byName(namespace, objectName, timeoutNanos,
                (node, remaining) -> gateway.connect(node, namespace, objectName, upgrade, listener, remaining));
    }

    /** Opens a WebSocket to the object whose id is {@code idHex} in {@code namespace} (see {@link #connect}). */
    public Promise<ClientWebSocket> connectById(String namespace, String idHex, Request upgrade,
                                                ClientWebSocket.Listener listener, long timeoutNanos) {
        return byId(namespace, idHex, timeoutNanos,
                (node, remaining) -> gateway.connectById(node, namespace, idHex, upgrade, listener, remaining));
    }

    private <T> Promise<T> byId(String namespace, String idHex, long timeoutNanos, Attempt<T> attempt) {
        ObjectId id;
        try {
            id = idsOf(namespace).parse(idHex); // INVALID_ID, as the gateway would answer
        } catch (DuroException e) {
            return Promise.failed(world.loop(), e);
        }
        return call(new Target(namespace, id), deadline(timeoutNanos), attempt);
    }

    private <T> Promise<T> byName(String namespace, String objectName, long timeoutNanos, Attempt<T> attempt) {
        ObjectId id;
        try {
            id = idFromName(namespace, objectName);
        } catch (DuroException e) {
            return Promise.failed(world.loop(), e);
        }
        return call(new Target(namespace, id), deadline(timeoutNanos), attempt);
    }

    public ObjectId idFromName(String namespace, String name) {
        return idsOf(namespace).fromName(name);
    }

    /**
     * A fresh id. A client is not a member, so there is no caller's location to be near: the id is
     * unlocated (placed over all members); name a location with {@link #newUniqueId(String, String)}.
     */
    public ObjectId newUniqueId(String namespace) {
        return gateway.newUniqueId(namespace);
    }

    /**
     * A fresh id located at {@code locationHint} (docs/cluster.md "Locations").
     *
     * @throws DuroException {@link ErrorCode#INVALID_LOCATION} if the cluster has no such location
     */
    public ObjectId newUniqueId(String namespace, String locationHint) {
        return gateway.newUniqueId(namespace, placement.cluster().requireLocation(locationHint));
    }

    /**
     * The id of {@code name} located at {@code locationHint}; another id than
     * {@link #idFromName(String, String)} gives. Reach it with {@link #fetchById}.
     *
     * @throws DuroException {@link ErrorCode#INVALID_LOCATION} if the cluster has no such location
     */
    public ObjectId idFromName(String namespace, String name, String locationHint) {
        return idsOf(namespace).fromName(name, placement.cluster().requireLocation(locationHint));
    }

    /** The node the next call for this object goes to first. */
    public NodeId gatewayFor(String namespace, ObjectId id) {
        return route(new Target(namespace, id)).next(placement.replicas(namespace, id));
    }

    /** Makes the next call for this object go to {@code node} first (tests of stale routing knowledge). */
    void learnOwner(String namespace, ObjectId id, NodeId node) {
        route(new Target(namespace, id)).owner = node;
    }

    /** The underlying gateway client (its counters, open sockets). */
    public GatewayClient gateway() {
        return gateway;
    }

    /** MOVED answers followed so far. */
    public long redirects() {
        return redirects;
    }

    // ---------------------------------------------------------------- the retry loop

    @FunctionalInterface
    private interface Attempt<T> {
        Promise<T> at(NodeId node, long remainingNanos);
    }

    private <T> Promise<T> call(Target target, long deadline, Attempt<T> attempt) {
        Promise<T> result = Promise.on(world.loop());
        send(target, deadline, attempt, 1, null, result);
        return result;
    }

    private <T> void send(Target target, long deadline, Attempt<T> attempt, int hop, MovedException previous, Promise<T> result) {
        long remaining = deadline - now();
        if (remaining <= 0) {
            result.fail(previous); // only after a MOVED (the first try always has time): nothing ran
            return;
        }
        List<NodeId> replicas = placement.replicas(target.namespace(), target.id());
        NodeId node = route(target).next(replicas);
        attempt.at(node, remaining).whenComplete((value, failure) -> {
            if (failure == null) {
                route(target).owner = node;
                result.complete(value);
                return;
            }
            if (failure instanceof MovedException moved) {
                route(target).owner = moved.owner();
                long backoff = backoffNanos(hop);
                if (hop >= maxHops || deadline - now() <= backoff) {
                    result.fail(moved); // surely did not run: the caller may retry
                    return;
                }
                redirects++;
                world.loop().schedule(backoff, () -> send(target, deadline, attempt, hop + 1, moved, result));
                return;
            }
            if (failure instanceof DuroException e && e.code() == ErrorCode.UNAVAILABLE) {
                // The node (or the owner behind it) did not answer: next time, the next replica.
                Route r = route(target);
                r.owner = null;
                r.cursor = replicas.indexOf(node) + 1; // a node outside the replica set (-1) restarts at the first
            }
            result.fail(failure);
        });
    }

    /** Exponential in the hop, with jitter in [0, 100 %) so clients bounced together spread out. */
    private long backoffNanos(int hop) {
        long base = BACKOFF_BASE_NANOS << Math.min(hop - 1, 10);
        return base + jitter.nextLong(base);
    }

    private long deadline(long timeoutNanos) {
        if (timeoutNanos <= 0) throw new IllegalArgumentException("timeoutNanos must be positive, got " + timeoutNanos);
        return now() + timeoutNanos;
    }

    private long now() {
        return world.clock().monotonicNanos();
    }

    private ObjectIds idsOf(String namespace) {
        return ids.computeIfAbsent(namespace, ns -> new ObjectIds(ns, deploymentSecret));
    }

    private Route route(Target target) {
        return routes.computeIfAbsent(target, t -> new Route());
    }

    private record Target(String namespace, ObjectId id) {
    }

    /** Where calls for one object go: the last node seen serving it, else the replica at {@code cursor}. */
    private static final class Route {
        NodeId owner;
        int cursor;

        NodeId next(List<NodeId> replicas) {
            return owner != null ? owner : replicas.get(cursor % replicas.size());
        }
    }
}
