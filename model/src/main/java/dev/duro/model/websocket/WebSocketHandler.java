package dev.duro.model.websocket;

import dev.duro.model.async.Promise;

/**
 * Implemented by objects that accept WebSockets. Calls are sequential per socket; a hibernated
 * object is woken (its constructor re-run) to receive them.
 */
public interface WebSocketHandler {
    Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message);

    /** May return null when there is nothing to wait for. */
    default Promise<Void> webSocketClose(WebSocket socket, int code, String reason, boolean wasClean) {
        return null;
    }

    /** May return null when there is nothing to wait for. */
    default Promise<Void> webSocketError(WebSocket socket, Throwable error) {
        return null;
    }
}
