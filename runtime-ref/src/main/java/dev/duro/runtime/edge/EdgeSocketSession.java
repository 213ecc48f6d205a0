package dev.duro.runtime.edge;

import dev.duro.model.websocket.WebSocketMessage;

/** An adopted WebSocket: what the client sends, carried to the object wherever it runs. Called on the node's loop. */
public interface EdgeSocketSession {
    void message(WebSocketMessage message);

    /** The client closed ({@code wasClean}) or the connection broke (1006, not clean). */
    void close(int code, String reason, boolean wasClean);
}
