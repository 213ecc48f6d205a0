package dev.duro.runtime.edge;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.worker.WorkerEnv;

/**
 * A node's transport-neutral front door: what every edge adapter (the binary wire protocol that
 * simulated clients speak, HTTP and WebSocket over Netty in {@code deploy}) calls. It resolves a
 * namespace and a name or id, suppresses duplicate client calls, maps failures to error codes,
 * routes each call to the object's owner wherever it lives (forwarding inside the cluster, never
 * redirecting an edge client), and keeps the registry of client WebSockets. All methods are called
 * on the node's loop.
 *
 * <p>Every edge request first reaches the deployment's {@link dev.duro.model.worker.Worker} with
 * {@link #workerEnv()}; an adapter that speaks a lower-level protocol (the simulator's binary
 * gateway frames, which name the object directly) calls {@link #fetch} instead.
 */
public interface FrontDoor {
    /** The environment a worker on this node sees: namespace bindings whose stubs route to owners. */
    WorkerEnv workerEnv();

    /**
     * A client's call to one object. Runs at most once per {@link EdgeCall#dedupKey()} within the
     * door's window (a duplicate gets the first call's outcome or nothing, never a second run).
     * Fails with a {@link dev.duro.model.object.DuroException} carrying the error's code and flags.
     */
    Promise<Response> fetch(EdgeCall call);

    /**
     * Adopts the client end of a WebSocket that an object accepted: {@code response} is the 101
     * answer a worker returned from {@code stub.fetch(upgrade)} (it names the socket in the
     * {@link #EDGE_SOCKET_HEADER} header). From then on the object's sends and close reach
     * {@code toClient}, and the returned session carries the client's messages and close to the
     * object, wherever it runs.
     *
     * @throws dev.duro.model.object.DuroException if the response names no socket this door knows
     */
    EdgeSocketSession adoptSocket(Response response, EdgeSocket toClient);

    /** The header of a 101 response that names the socket to adopt. */
    String EDGE_SOCKET_HEADER = "duro-edge-socket";

    /** Stops accepting new calls; calls in flight finish or fail with a retryable error. */
    void drain();

    /** Requests for objects this door accepted and has not answered yet. */
    int inFlight();

    /**
     * One client call to one object.
     *
     * @param namespace the binding name
     * @param target the object: a name ({@code byName}) or a 64-hex-digit id
     * @param byName true when {@code target} is a name
     * @param request the request
     * @param dedupKey who sent it and its request number, e.g. {@code "client-7/42"}; null when the
     *     edge has no duplicates to suppress (a connection-based protocol whose client never resends)
     * @param locationHint with {@code byName}: the name's id located there ({@code idFromName(name,
     *     hint)}, docs/cluster.md "Locations"); null for the unlocated id. An unknown location fails
     *     the call with {@code INVALID_LOCATION}
     */
    record EdgeCall(String namespace, String target, boolean byName, Request request, String dedupKey, String locationHint) {
        public EdgeCall {
            java.util.Objects.requireNonNull(namespace, "namespace");
            java.util.Objects.requireNonNull(target, "target");
            java.util.Objects.requireNonNull(request, "request");
            if (locationHint != null && !byName) throw new IllegalArgumentException("a location hint goes with a name, not an id");
        }

        /** A call without a location hint. */
        public EdgeCall(String namespace, String target, boolean byName, Request request, String dedupKey) {
            this(namespace, target, byName, request, dedupKey, null);
        }
    }
}
