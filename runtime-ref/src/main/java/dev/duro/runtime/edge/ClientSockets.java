package dev.duro.runtime.edge;

import dev.duro.model.object.ObjectId;
import dev.duro.model.websocket.WebSocketMessage;

/** Where an object's WebSocket sends and closes go (after the output gate): the gateway, to the client. */
public interface ClientSockets {
    void send(String namespace, ObjectId id, long socketId, WebSocketMessage message);

    void close(String namespace, ObjectId id, long socketId, int code, String reason);
}
