package dev.duro.runtime.semantics;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.client.ClientWebSocket;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SEMANTICS.md "WebSockets": sequential handlers per socket, the tag length and sockets-per-object limits. */
class WebSocketLimitsTest {
    static final String NS = "ROOMS";
    static final List<String> log = new ArrayList<>();

    static final class Room implements DurableObject, WebSocketHandler {
        private final ObjectContext ctx;

        Room(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            String tag = r.query("tag");
            ctx.acceptWebSocket(r, tag == null ? new String[0] : new String[]{tag});
            return ctx.completed(Response.switchingProtocols());
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket ws, WebSocketMessage m) {
            log.add(m.asText() + ":start");
            return ExecutionModelTest.sleep(ctx, 30, null).map(v -> {
                log.add(m.asText() + ":end");
                ws.send("done " + m.asText());
                return null;
            });
        }
    }

    private final NodeRig rig;

    WebSocketLimitsTest() {
        log.clear();
        // room for 32,769 queued upgrades
        rig = new NodeRig(61, RuntimeConfig.defaults().withMaxQueued(40_000, RuntimeConfig.DEFAULT_MAX_QUEUED_BYTES), new NamespaceBinding(NS, Room::new));
    }

    @Test
    void handlersAreSequentialPerSocketEvenWhenTheyWait() {
        List<String> heard = new ArrayList<>();
        ClientWebSocket ws = rig.connect(NS, "r", heard);
        rig.onClient(() -> {
            ws.send("one");
            ws.send("two");
        }, 300);
        assertThat(log).containsExactly("one:start", "one:end", "two:start", "two:end");
        assertThat(heard).containsExactly("msg done one", "msg done two");
    }

    @Test
    void aTagLongerThan256CharactersIsRefused() {
        Response ok = rig.awaitOnServer(h -> h.fetch(NS, rig.id(NS, "r"), Request.webSocketUpgrade("/?tag=" + "t".repeat(256)))).value();
        assertThat(ok.status()).isEqualTo(101);
        Promise<Response> tooLong = rig.awaitOnServer(h -> h.fetch(NS, rig.id(NS, "r"), Request.webSocketUpgrade("/?tag=" + "t".repeat(257))));
        DuroException e = (DuroException) tooLong.failure();
        assertThat(e.getMessage()).startsWith("WEBSOCKET_LIMIT: ").contains("at most 256 characters");
    }

    @Test
    void atMost32768SocketsPerObject() {
        List<Promise<Response>> upgrades = new ArrayList<>();
        Promise<Response> last = rig.awaitOnServer(h -> {
            for (int i = 0; i < 32_768; i++) upgrades.add(h.fetch(NS, rig.id(NS, "r"), Request.webSocketUpgrade("/")));
            return h.fetch(NS, rig.id(NS, "r"), Request.webSocketUpgrade("/"));
        });
        rig.runMillis(100);
        assertThat(upgrades).allMatch(p -> p.isDone() && !p.isFailed() && p.value().status() == 101);
        DuroException e = (DuroException) last.failure();
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.getMessage()).startsWith("WEBSOCKET_LIMIT: ").contains("limit 32768").contains("close some first");
    }
}
