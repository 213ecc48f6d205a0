package dev.duro.runtime.cluster;

import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.client.ClientWebSocket;

import java.util.List;

/** WebSocket listeners for tests. */
final class Listeners {
    static final ClientWebSocket.Listener NONE = recording(new java.util.ArrayList<>());

    private Listeners() {
    }

    /** Records "msg text" / "close code reason clean" into {@code heard}. */
    static ClientWebSocket.Listener recording(List<String> heard) {
        return new ClientWebSocket.Listener() {
            @Override
            public void onMessage(WebSocketMessage m) {
                heard.add("msg " + m.asText());
            }

            @Override
            public void onClose(int code, String reason, boolean wasClean) {
                heard.add("close " + code + " " + reason + " " + wasClean);
            }
        };
    }
}
