package dev.duro.runtime.semantics;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.client.ClientWebSocket;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket failure semantics through the gateway (docs/runtime.md "WebSockets and hibernation"):
 * a failing handler closes its socket with 1011 and calls {@code webSocketError}; a send after the
 * object's own close throws; a send on a socket the client closed is dropped.
 */
class WebSocketErrorsTest {
    static final String NS = "ROOMS";

    /** What the object saw, across activations. */
    static final List<String> seen = new ArrayList<>();
    static final List<WebSocket> handles = new ArrayList<>();

    static final class Room implements DurableObject, WebSocketHandler {
        private final ObjectContext ctx;

        Room(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            if (r.isWebSocketUpgrade()) {
                handles.add(ctx.acceptWebSocket(r));
                return ctx.completed(Response.switchingProtocols());
            }
            if (r.pathOnly().equals("/send-to-first")) {
                WebSocket first = handles.getFirst();
                first.send("late"); // the client closed it: dropped, no exception
                return ctx.completed(Response.ok("open=" + first.isOpen()));
            }
            Long n = ctx.storage().get("n", Long.class);
            return ctx.completed(Response.ok("n=" + (n == null ? 0 : n)));
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket ws, WebSocketMessage m) {
            String text = m.asText();
            switch (text) {
                case "boom" -> {
                    ws.send("before-boom");
                    throw new IllegalStateException("cannot parse 'boom'");
                }
                case "fail-async" -> {
                    return ctx.failed(new IllegalArgumentException("async failure"));
                }
                case "close-then-send" -> {
                    ws.close(1000, "bye");
                    try {
                        ws.send("after-close");
                        seen.add("send after close: no exception");
                    } catch (DuroException e) {
                        seen.add("send after close: " + e.code());
                    }
                    return ctx.completed(null);
                }
                default -> {
                    Long n = ctx.storage().get("n", Long.class);
                    ctx.storage().put("n", (n == null ? 0 : n) + 1);
                    ws.send("echo:" + text);
                    return ctx.completed(null);
                }
            }
        }

        @Override
        public Promise<Void> webSocketError(WebSocket ws, Throwable error) {
            seen.add("error " + ws.id() + " " + error.getMessage() + " open=" + ws.isOpen());
            return null;
        }
    }

    private final NodeRig rig;

    WebSocketErrorsTest() {
        seen.clear();
        handles.clear();
        rig = new NodeRig(31, RuntimeConfig.defaults(), new NamespaceBinding(NS, Room::new));
    }

    @Test
    void aThrowingMessageHandlerClosesOnlyItsSocketWith1011AndCallsWebSocketError() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        ClientWebSocket wsA = rig.connect(NS, "r", a);
        ClientWebSocket wsB = rig.connect(NS, "r", b);
        rig.onClient(() -> {
            wsA.send("hello");
            wsA.send("boom");
            wsA.send("never handled");
        }, 200);
        assertThat(a).containsExactly("msg echo:hello", "msg before-boom", "close 1011 webSocketMessage threw true");
        assertThat(seen).containsExactly("error " + handles.getFirst().id() + " cannot parse 'boom' open=false");
        assertThat(rig.trace(RuntimeTrace.WS_HANDLER_FAILED)).singleElement().asString()
                .endsWith("socket=" + handles.getFirst().id() + " handler=webSocketMessage error=IllegalStateException");

        rig.onClient(() -> wsB.send("still here"), 200);
        assertThat(b).containsExactly("msg echo:still here");
        assertThat(rig.trace(RuntimeTrace.RESET)).as("a handler failure is not a reset").isEmpty();
        assertThat(rig.text(NS, "r", Request.get("/n"))).isEqualTo("n=2");
    }

    @Test
    void aFailedPromiseFromTheHandlerCountsAsAFailureToo() {
        List<String> a = new ArrayList<>();
        ClientWebSocket ws = rig.connect(NS, "r", a);
        rig.onClient(() -> ws.send("fail-async"), 200);
        assertThat(a).containsExactly("close 1011 webSocketMessage threw true");
        assertThat(seen).singleElement().asString().contains("async failure");
    }

    @Test
    void aSendAfterTheObjectsOwnCloseThrowsAndTheClientGetsTheClose() {
        List<String> a = new ArrayList<>();
        ClientWebSocket ws = rig.connect(NS, "r", a);
        rig.onClient(() -> {
            ws.send("close-then-send");
            ws.send("crosses the close"); // reaches the host while the close waits in the output gate
        }, 200);
        assertThat(seen).containsExactly("send after close: WEBSOCKET_LIMIT");
        assertThat(a).as("the object's own close, not an 'unknown socket' overtaking it").containsExactly("close 1000 bye true");
    }

    @Test
    void aSendOnASocketTheClientClosedIsDropped() {
        List<String> a = new ArrayList<>();
        ClientWebSocket ws = rig.connect(NS, "r", a);
        rig.onClient(() -> ws.close(1000, "leaving"), 200);
        assertThat(rig.text(NS, "r", Request.get("/send-to-first"))).isEqualTo("open=false");
        assertThat(a).containsExactly("close 1000 leaving true");
        assertThat(seen).isEmpty();
    }
}
