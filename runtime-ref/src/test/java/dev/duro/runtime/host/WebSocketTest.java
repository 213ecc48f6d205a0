package dev.duro.runtime.host;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.AutoResponse;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.edge.ObjectEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Hibernatable WebSockets: accept, tags, limits, sends through the gate, auto-response, attachments, hibernation. */
class WebSocketTest {
    /**
     * {@code /ws?tag=t} accepts with that tag (and stores "n"); {@code /ws-many?tags=k} accepts with
     * k tags. Messages: "echo:x" sends x back after a write; "tagged:t" answers how many sockets carry t;
     * "attach:v" stores v as the attachment; "whoami" sends the attachment back.
     */
    static Scripted wsScript() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/ws" -> {
                WebSocket ws = ctx.acceptWebSocket(r, r.query("tag"));
                ws.serializeAttachment("fresh");
                yield ctx.completed(Response.switchingProtocols());
            }
            case "/ws-many" -> {
                String[] tags = new String[Integer.parseInt(r.query("tags"))];
                for (int i = 0; i < tags.length; i++) tags[i] = "t" + i;
                ctx.acceptWebSocket(r, tags);
                yield ctx.completed(Response.switchingProtocols());
            }
            case "/auto" -> {
                ctx.setWebSocketAutoResponse(new AutoResponse("ping", "pong"));
                yield ctx.completed(Response.ok("set"));
            }
            default -> Scripted.counter(ctx, r);
        };
        s.onMessage = (ctx, ws) -> {
            String last = s.received.getLast();
            String text = last.substring(last.indexOf(':') + 1);
            if (text.startsWith("echo:")) {
                ctx.storage().put("last", text);
                ws.send(text.substring(5));
            } else if (text.startsWith("tagged:")) {
                ws.send("count=" + ctx.getWebSockets(text.substring(7)).size() + " tags=" + ctx.getTags(ws));
            } else if (text.startsWith("attach:")) {
                ws.serializeAttachment(text.substring(7));
            } else if (text.equals("whoami")) {
                ws.send("attachment=" + ws.deserializeAttachment());
            } else if (text.equals("bye")) {
                ws.close(1000, "done");
            }
            return ctx.completed(null);
        };
        return s;
    }

    static long connect(HostRig rig, String name, String tag) {
        Response r = rig.value(x -> x.host.fetch(NS, HostRig.id(name), Request.webSocketUpgrade("/ws?tag=" + tag)));
        assertThat(r.status()).isEqualTo(101);
        return Long.parseLong(r.header(ObjectEndpoint.SOCKET_ID_HEADER));
    }

    static void message(HostRig rig, String name, long socket, String text) {
        rig.start(x -> {
            x.host.webSocketMessage(NS, HostRig.id(name), socket, new WebSocketMessage.Text(text));
            return dev.duro.model.async.Promise.succeeded(x.world.loop(), null);
        });
        rig.runMillis(50);
    }

    @Test
    void acceptedSocketsCarryTheirIdTagsAndGetMessagesInOrderAfterDurability() {
        Scripted s = wsScript();
        HostRig rig = new HostRig(41, HostRig.config(), s.full(NS));
        long a = connect(rig, "room", "red");
        long b = connect(rig, "room", "blue");
        assertThat(a).isNotEqualTo(b);
        message(rig, "room", a, "tagged:red");
        message(rig, "room", b, "echo:hello");
        message(rig, "room", b, "echo:world");
        assertThat(rig.sockets.lines).containsExactly(a + " send count=1 tags=[red]", b + " send hello", b + " send world");
        assertThat(rig.trace(RuntimeTrace.OUTPUT)).filteredOn(d -> d.contains("kind=ws-send")).hasSize(3);
        // each echo wrote first, so its send waited for that batch
        assertThat(rig.indexOf(RuntimeTrace.OUTPUT, "kind=ws-send seq=1")).isGreaterThan(rig.indexOf(RuntimeTrace.DURABLE, "seq=1"));
        message(rig, "room", a, "bye");
        assertThat(rig.sockets.lines).last().isEqualTo(a + " close 1000 done");
        message(rig, "room", b, "tagged:red");
        assertThat(rig.sockets.lines).last().isEqualTo(b + " send count=0 tags=[blue]");
    }

    @Test
    void limitsOnTagsAreEnforced() {
        Scripted s = wsScript();
        HostRig rig = new HostRig(42, HostRig.config(), s.full(NS));
        Response ok = rig.value(x -> x.host.fetch(NS, HostRig.id("r"), Request.webSocketUpgrade("/ws-many?tags=10")));
        assertThat(ok.status()).isEqualTo(101);
        DuroException e = (DuroException) rig.failure(x -> x.host.fetch(NS, HostRig.id("r"), Request.webSocketUpgrade("/ws-many?tags=11")));
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(((DuroException) e.getCause()).code()).isEqualTo(ErrorCode.WEBSOCKET_LIMIT);
        DuroException big = (DuroException) rig.failure(x -> x.host.testHooks().runInObject(NS, HostRig.id("r"), (ctx, o) -> {
            ctx.getWebSockets().getFirst().serializeAttachment(new byte[17 * 1024]);
            return ctx.completed(null);
        }));
        assertThat(big.code()).isEqualTo(ErrorCode.WEBSOCKET_LIMIT);
    }

    @Test
    void autoResponsesAreAnsweredWithoutWakingTheObject() {
        Scripted s = wsScript();
        HostRig rig = new HostRig(43, HostRig.config(), s.full(NS));
        long a = connect(rig, "room", "red");
        rig.fetch("room", "/auto");
        rig.value(x -> x.host.testHooks().hibernate(NS, HostRig.id("room")));
        int events = rig.trace(RuntimeTrace.EVENT_BEGIN).size();
        message(rig, "room", a, "ping");
        assertThat(rig.sockets.lines).containsExactly(a + " send pong");
        assertThat(rig.trace(RuntimeTrace.EVENT_BEGIN)).hasSize(events);
        assertThat(s.constructed).isEqualTo(1);
    }

    @Test
    void anObjectWithOnlySocketsHibernatesAndTheNextMessageWakesItWithTheSameSocket() {
        Scripted s = wsScript();
        HostRig rig = new HostRig(44, HostRig.config(), s.full(NS));
        long a = connect(rig, "room", "red");
        message(rig, "room", a, "attach:alice");
        rig.runMillis(9_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).isEmpty();
        rig.runMillis(1_500);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1).first().asString().endsWith("reason=hibernate");
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("room")).orElseThrow().openSockets()).isEqualTo(1);
        message(rig, "room", a, "whoami");
        assertThat(s.constructed).isEqualTo(2);
        assertThat(rig.sockets.lines).containsExactly(a + " send attachment=alice");
    }

    @Test
    void aResetClosesSocketsWith1011AndUnknownSocketsAreClosed() {
        Scripted s = wsScript();
        HostRig rig = new HostRig(45, HostRig.config(), s.full(NS));
        long a = connect(rig, "room", "red");
        rig.failure(x -> x.host.testHooks().runInObject(NS, HostRig.id("room"), (ctx, o) -> {
            ctx.abort("test");
            return ctx.completed(null);
        }));
        assertThat(rig.sockets.lines).containsExactly(a + " close 1011 object reset (abort)");
        message(rig, "room", a, "echo:x");
        assertThat(rig.sockets.lines).last().isEqualTo(a + " close 1011 unknown socket");
    }

    @Test
    void aClientCloseIsDeliveredAfterEarlierMessages() {
        Scripted s = wsScript();
        HostRig rig = new HostRig(46, HostRig.config(), s.full(NS));
        long a = connect(rig, "room", "red");
        rig.start(x -> {
            x.host.webSocketMessage(NS, HostRig.id("room"), a, new WebSocketMessage.Text("one"));
            x.host.webSocketMessage(NS, HostRig.id("room"), a, new WebSocketMessage.Text("two"));
            x.host.webSocketClose(NS, HostRig.id("room"), a, 1000, "bye", true);
            return dev.duro.model.async.Promise.succeeded(x.world.loop(), null);
        });
        rig.runMillis(50);
        assertThat(s.received).containsExactly(a + ":one", a + ":two", a + ":closed 1000");
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("room")).orElseThrow().openSockets()).isZero();
        assertThat(List.of(rig.trace(RuntimeTrace.EVENT_BEGIN).getLast())).first().asString().endsWith("event=ws-close");
    }
}
