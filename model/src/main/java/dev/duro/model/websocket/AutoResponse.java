package dev.duro.model.websocket;

import java.util.Objects;

/** A text message answered by the platform without waking the object (for example ping/pong). */
public record AutoResponse(String request, String response) {
    public AutoResponse {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
    }
}
