package dev.duro.model.websocket;

import java.nio.charset.StandardCharsets;

/** A message received on a WebSocket: text or binary. */
public sealed interface WebSocketMessage {
    record Text(String text) implements WebSocketMessage {
    }

    record Binary(byte[] bytes) implements WebSocketMessage {
    }

    default String asText() {
        return switch (this) {
            case Text t -> t.text();
            case Binary b -> new String(b.bytes(), StandardCharsets.UTF_8);
        };
    }
}
