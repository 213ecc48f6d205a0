package dev.duro.runtime.edge;

import dev.duro.model.websocket.WebSocketMessage;

/** The client end of a WebSocket, as the edge adapter holds it; called on the node's loop, after the output gate. */
public interface EdgeSocket {
    void send(WebSocketMessage message);

    void close(int code, String reason);
}
