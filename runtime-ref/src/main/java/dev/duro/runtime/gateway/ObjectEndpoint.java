package dev.duro.runtime.gateway;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;

/**
 * What the gateway needs from whatever runs objects (the object host on this node, or in a
 * cluster the router that forwards to the owner). All calls on the node's loop.
 *
 * <p>WebSockets: an upgrade request goes through {@link #fetch}; if the object accepts it, the 101
 * response carries the header {@value #SOCKET_ID_HEADER} with the socket's id, which later messages
 * name. Messages from the object to the client go to the {@link ClientSockets} attached here.
 */
public interface ObjectEndpoint {
    String SOCKET_ID_HEADER = "duro-socket-id";

    /** Fails with a {@link dev.duro.model.object.DuroException} carrying the error's code and flags. */
    Promise<Response> fetch(String namespace, ObjectId id, Request request);

    /**
     * As {@link #fetch(String, ObjectId, Request)}, naming the client call it serves; the gateway
     * calls this one. An endpoint that forwards to another node passes {@code origin} along, so
     * the node that runs the request deduplicates it as the client's own. A failure may be a
     * {@link MovedException}, whose owner reaches the client.
     */
    default Promise<Response> fetch(String namespace, ObjectId id, Request request, CallOrigin origin) {
        return fetch(namespace, id, request);
    }

    /**
     * A client's call as the gateway deduplicates it: the client node and its request id.
     * {@code relayed}: another node received it and relayed it here because it believed this node
     * runs the object; such a call is served here or refused, never passed on again.
     */
    record CallOrigin(NodeId client, long requestId, boolean relayed) {
        public CallOrigin {
            java.util.Objects.requireNonNull(client, "client");
        }
    }

    void webSocketMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message);

    void webSocketClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean);

    void attachClientSockets(ClientSockets sink);
}
