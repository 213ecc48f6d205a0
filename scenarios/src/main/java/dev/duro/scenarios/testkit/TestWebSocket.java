package dev.duro.scenarios.testkit;

import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.client.ClientWebSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client WebSocket opened by {@link ObjectTestKit#connectWebSocket} or {@link ClusterTestKit#connectWebSocket}. It records what the object
 * sends. {@link #send} and {@link #close} send, then let the simulation settle (the kit's settle
 * time of virtual time), so the effects are visible on return; {@link #awaitMessages} waits for more.
 */
public final class TestWebSocket {
    /** How the socket closed: {@code wasClean} is false for 1006 (connection broken). */
    public record Closed(int code, String reason, boolean wasClean) {
    }

    private final SimDriver kit;
    private final List<WebSocketMessage> messages = new ArrayList<>();
    private Closed closed;
    ClientWebSocket socket;

    TestWebSocket(SimDriver kit) {
        this.kit = kit;
    }

    ClientWebSocket.Listener listener() {
        return new ClientWebSocket.Listener() {
            @Override
            public void onMessage(WebSocketMessage m) {
                messages.add(m);
            }

            @Override
            public void onClose(int code, String reason, boolean wasClean) {
                closed = new Closed(code, reason, wasClean);
            }
        };
    }

    /** Sends a text message and lets the simulation settle. */
    public TestWebSocket send(String text) {
        kit.onClientAndSettle(() -> socket.send(text));
        return this;
    }

    /** Sends a binary message and lets the simulation settle. */
    public TestWebSocket send(byte[] bytes) {
        byte[] copy = bytes.clone();
        kit.onClientAndSettle(() -> socket.send(copy));
        return this;
    }

    /** Closes from the client side (1000 = normal) and lets the simulation settle. */
    public void close(int code, String reason) {
        kit.onClientAndSettle(() -> socket.close(code, reason));
    }

    /** Every message received so far, as text (binary messages decoded as UTF-8), in order. */
    public List<String> received() {
        List<String> out = new ArrayList<>();
        for (WebSocketMessage m : messages) out.add(m.asText());
        return List.copyOf(out);
    }

    /** Every message received so far, in order. */
    public List<WebSocketMessage> messages() {
        return List.copyOf(messages);
    }

    /** Runs the simulation until at least {@code count} messages arrived (or the socket closed); bounded by the kit's max wait. */
    public List<String> awaitMessages(int count) {
        kit.runUntil(() -> messages.size() >= count || closed != null, "waiting for " + count + " WebSocket messages");
        return received();
    }

    /** Runs the simulation until the socket closed; bounded by the kit's max wait. */
    public Closed awaitClose() {
        kit.runUntil(() -> closed != null, "waiting for the WebSocket to close");
        return closed;
    }

    /** How the socket closed, if it did. */
    public Optional<Closed> closed() {
        return Optional.ofNullable(closed);
    }

    public boolean isOpen() {
        return closed == null;
    }

    /** The socket's handle on the wire. */
    public long socketId() {
        return socket.socketId();
    }

    @Override
    public String toString() {
        return "TestWebSocket[" + (socket == null ? "?" : socket.socketId()) + (closed == null ? "" : " " + closed) + "]";
    }
}
