package dev.duro.client;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.wire.MovedException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client library for a cluster: a {@link GatewayClient} that picks the gateway for each call.
 * Any node's front door serves any object (it forwards to the owner inside the cluster), so the
 * client needs no placement and no deployment secret: it sends the calls for one object to one
 * gateway (chosen by a hash of namespace and name or id, then the last node that answered for it),
 * and after an UNAVAILABLE moves that object's next call to the next gateway in its list (the node
 * it used may be down). It never retries a call itself: UNAVAILABLE means the outcome is unknown.
 *
 * <p>A WebSocket lives at the node that runs the object: an upgrade sent to another node is
 * answered {@link ErrorCode#MOVED} naming the owner (the only MOVED the binary gateway sends), and
 * the client follows it (exponential backoff with jitter from the world's entropy, within the
 * call's timeout; a MOVED call surely did not run), at most {@code gateways + 1} times.
 *
 * <p>Everything else reaches the caller as it came: OVERLOADED (do not retry now), the object's
 * errors, UNAVAILABLE. All calls on the client node's loop.
 */
public final class ClusterClient {
    private static final long BACKOFF_BASE_NANOS = 2_000_000L;
    /** Remembered objects; the least recently used are forgotten beyond this (they fall back to the hash). */
    private static final int MAX_REMEMBERED = 10_000;

    private final World world;
    private final GatewayClient gateway;
    private final List<NodeId> gateways;
    private final Entropy jitter;
    /** Gateways one upgrade may try: the first, then MOVED redirections. */
    private final int maxHops;
    private final Map<Target, Route> routes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Target, Route> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private long redirects;

    /** @param gateways the nodes whose gateways this client may call (a cluster's members), in a fixed order */
    public ClusterClient(World world, List<NodeId> gateways) {
        this(world, gateways, ClientOptions.defaults());
    }

    public ClusterClient(World world, List<NodeId> gateways, ClientOptions options) {
        this.world = Objects.requireNonNull(world, "world");
        if (gateways == null || gateways.isEmpty()) throw new IllegalArgumentException("a cluster client needs at least one gateway");
        this.gateways = List.copyOf(gateways);
        this.gateway = new GatewayClient(world, options);
        this.jitter = world.entropy().derive("cluster-client/backoff");
        this.maxHops = this.gateways.size() + 2;
    }

    /** Calls the object named {@code objectName} in {@code namespace}. */
    public Promise<Response> fetch(String namespace, String objectName, Request request, long timeoutNanos) {
        return call(new Target(namespace, "name", objectName), timeoutNanos,
                (node, remaining) -> gateway.fetch(node, namespace, objectName, request, remaining));
    }

    /** Calls the object named {@code objectName} located at {@code location} (docs/cluster.md "Locations"). */
    public Promise<Response> fetchLocated(String namespace, String objectName, String location, Request request, long timeoutNanos) {
        return call(new Target(namespace, "at " + location, objectName), timeoutNanos,
                (node, remaining) -> gateway.fetchLocated(node, namespace, objectName, location, request, remaining));
    }

    /** Calls the object whose id is {@code idHex} (64 hex digits, as a node minted it) in {@code namespace}. */
    public Promise<Response> fetchById(String namespace, String idHex, Request request, long timeoutNanos) {
        return call(new Target(namespace, "id", idHex), timeoutNanos,
                (node, remaining) -> gateway.fetchById(node, namespace, idHex, request, remaining));
    }

    /**
     * Opens a WebSocket to the object named {@code objectName}, at the node that runs it (when that
     * node goes, the socket closes with 1006 and the caller connects again, reaching the new owner).
     */
    public Promise<ClientWebSocket> connect(String namespace, String objectName, Request upgrade,
                                            ClientWebSocket.Listener listener, long timeoutNanos) {
        return call(new Target(namespace, "name", objectName), timeoutNanos,
                (node, remaining) -> gateway.connect(node, namespace, objectName, upgrade, listener, remaining));
    }

    /** Opens a WebSocket to the object named {@code objectName} located at {@code location} (see {@link #connect}). */
    public Promise<ClientWebSocket> connectLocated(String namespace, String objectName, String location, Request upgrade,
                                                   ClientWebSocket.Listener listener, long timeoutNanos) {
        return call(new Target(namespace, "at " + location, objectName), timeoutNanos,
                (node, remaining) -> gateway.connectLocated(node, namespace, objectName, location, upgrade, listener, remaining));
    }

    /** Opens a WebSocket to the object whose id is {@code idHex} in {@code namespace} (see {@link #connect}). */
    public Promise<ClientWebSocket> connectById(String namespace, String idHex, Request upgrade,
                                                ClientWebSocket.Listener listener, long timeoutNanos) {
        return call(new Target(namespace, "id", idHex), timeoutNanos,
                (node, remaining) -> gateway.connectById(node, namespace, idHex, upgrade, listener, remaining));
    }

    /** The node the next call for the object named {@code objectName} goes to first. */
    public NodeId gatewayFor(String namespace, String objectName) {
        return route(new Target(namespace, "name", objectName)).next();
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

    private <T> Promise<T> call(Target target, long timeoutNanos, Attempt<T> attempt) {
        if (timeoutNanos <= 0) throw new IllegalArgumentException("timeoutNanos must be positive, got " + timeoutNanos);
        Promise<T> result = Promise.on(world.loop());
        send(target, now() + timeoutNanos, attempt, 1, null, result);
        return result;
    }

    private <T> void send(Target target, long deadline, Attempt<T> attempt, int hop, MovedException previous, Promise<T> result) {
        long remaining = deadline - now();
        if (remaining <= 0) {
            result.fail(previous); // only after a MOVED (the first try always has time): nothing ran
            return;
        }
        Route route = route(target);
        NodeId node = route.next();
        attempt.at(node, remaining).whenComplete((value, failure) -> {
            if (failure == null) {
                route.owner = node;
                result.complete(value);
                return;
            }
            if (failure instanceof MovedException moved) {
                route.owner = moved.owner();
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
                // The node (or the owner behind it) did not answer: next time, the next gateway.
                route.owner = null;
                route.cursor = gateways.indexOf(node) + 1; // a node outside the list (-1) restarts at the first
            }
            result.fail(failure);
        });
    }

    /** Exponential in the hop, with jitter in [0, 100 %) so clients bounced together spread out. */
    private long backoffNanos(int hop) {
        long base = BACKOFF_BASE_NANOS << Math.min(hop - 1, 10);
        return base + jitter.nextLong(base);
    }

    private long now() {
        return world.clock().monotonicNanos();
    }

    private Route route(Target target) {
        // String.hashCode is specified, so the choice is the same in every JVM (a record's hashCode is not)
        return routes.computeIfAbsent(target, t -> new Route(Math.floorMod((t.namespace() + "\0" + t.kind() + "\0" + t.target()).hashCode(),
                gateways.size())));
    }

    /** One object as the client names it ({@code kind}: "name", "id" or "at <location>"). */
    private record Target(String namespace, String kind, String target) {
    }

    /** Where calls for one object go: the last node seen serving it, else the gateway at {@code cursor}. */
    private final class Route {
        NodeId owner;
        int cursor;

        Route(int start) {
            this.cursor = start;
        }

        NodeId next() {
            return owner != null ? owner : gateways.get(cursor % gateways.size());
        }
    }
}
