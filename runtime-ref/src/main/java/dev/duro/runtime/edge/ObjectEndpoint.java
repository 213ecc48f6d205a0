package dev.duro.runtime.edge;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;

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

    /**
     * Fails with a {@link dev.duro.model.object.DuroException} carrying the error's code and flags.
     * In a cluster the endpoint forwards to the owner, upgrades too: the socket's later messages
     * and close then travel between the two nodes as cluster messages (docs/gateway.md).
     */
    Promise<Response> fetch(String namespace, ObjectId id, Request request);

    void webSocketMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message);

    void webSocketClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean);

    void attachClientSockets(ClientSockets sink);
}
