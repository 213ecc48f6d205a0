package dev.duro.client;

import dev.duro.model.websocket.WebSocketMessage;

/**
 * The client's end of a WebSocket opened through a gateway by {@link GatewayClient#connect}.
 *
 * <p>Messages sent on it reach the object in order, each at most once; if the connection breaks
 * (the gateway's node crashed, a frame was lost for good) later ones are not delivered and the
 * socket closes with 1006. Sends after the socket closed are dropped, as in browsers. All calls on
 * the client node's loop.
 */
public interface ClientWebSocket {
    /** The socket's handle on the wire (the request id of the upgrade that opened it). */
    long socketId();

    void send(String text);

    void send(byte[] bytes);

    /**
     * Closes the socket with {@code code} (1000 = normal) and a reason of at most 123 UTF-8 bytes.
     * The listener's {@code onClose(code, reason, true)} follows as a separate loop task.
     */
    void close(int code, String reason);

    boolean isOpen();

    /** What happens on a socket; called on the client node's loop, in order. */
    interface Listener {
        void onMessage(WebSocketMessage m);

        /**
         * Called once. {@code wasClean} is false when the socket broke without a close handshake:
         * code 1006 (no word from the gateway, the gateway forgot the socket, a lost frame).
         */
        void onClose(int code, String reason, boolean wasClean);
    }
}
