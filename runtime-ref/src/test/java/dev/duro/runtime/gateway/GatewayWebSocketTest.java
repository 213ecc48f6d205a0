package dev.duro.runtime.gateway;

import dev.duro.client.*;
import dev.duro.wire.*;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.duro.runtime.gateway.GatewayRig.GATEWAY;
import static org.assertj.core.api.Assertions.assertThat;

class GatewayWebSocketTest {
    private static final long SECOND = Simulation.millis(1000);

    /** Records what the client's end sees, with the simulated time of the close. */
    static final class Recorder implements ClientWebSocket.Listener {
        final GatewayRig rig;
        final List<String> messages = new ArrayList<>();
        final List<String> closes = new ArrayList<>();
        long closedAtNanos = -1;

        Recorder(GatewayRig rig) {
            this.rig = rig;
        }

        @Override
        public void onMessage(WebSocketMessage m) {
            messages.add(m.asText());
        }

        @Override
        public void onClose(int code, String reason, boolean wasClean) {
            closes.add(code + " " + wasClean);
            closedAtNanos = rig.sim.nowNanos();
        }
    }

    private static ClientWebSocket open(GatewayRig rig, Recorder recorder, String path) {
        Promise<ClientWebSocket> p = rig.onClient(c -> c.connect(GATEWAY, "ROOMS", "lobby", Request.webSocketUpgrade(path), recorder, SECOND));
        rig.runFor(50);
        assertThat(p.isSucceeded()).as("connected: %s", p).isTrue();
        assertThat(p.value().isOpen()).isTrue();
        return p.value();
    }

    @Test
    void messagesFlowBothWaysInOrderAndAClientCloseReachesTheObject() {
        GatewayRig rig = new GatewayRig(5);
        Recorder rec = new Recorder(rig);
        ClientWebSocket ws = open(rig, rec, "/ws");
        assertThat(rig.gateway().openSockets()).isEqualTo(1);
        rig.onClientLoop(c -> {
            ws.send("a");
            ws.send("b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ws.send("c");
        });
        rig.runFor(50);
        assertThat(rig.endpoint().eventsStartingWith("ws-message")).containsExactly("ws-message 100 a", "ws-message 100 b", "ws-message 100 c");
        assertThat(rec.messages).containsExactly("echo:a", "echo:b", "echo:c");
        rig.onClientLoop(c -> ws.close(1000, "done"));
        rig.runFor(50);
        assertThat(ws.isOpen()).isFalse();
        assertThat(rec.closes).containsExactly("1000 true");
        assertThat(rig.endpoint().eventsStartingWith("ws-close")).containsExactly("ws-close 100 1000 true");
        assertThat(rig.gateway().openSockets()).isZero();
        assertThat(rig.client().openSockets()).isZero();
        rig.onClientLoop(c -> ws.send("after close"));
        rig.runFor(50);
        assertThat(rig.endpoint().eventsStartingWith("ws-message")).hasSize(3);
    }

    @Test
    void connectByIdOpensASocketToTheObjectWithThatId() {
        GatewayRig rig = new GatewayRig(5);
        Recorder rec = new Recorder(rig);
        String hex = new dev.duro.runtime.ids.ObjectIds("ROOMS", GatewayRig.SECRET).fromName("lobby").hex();
        Promise<ClientWebSocket> p = rig.onClient(c -> c.connectById(GATEWAY, "ROOMS", hex, Request.webSocketUpgrade("/ws"), rec, SECOND));
        rig.runFor(50);
        assertThat(p.isSucceeded()).as("connected: %s", p).isTrue();
        rig.onClientLoop(c -> p.value().send("a"));
        rig.runFor(50);
        assertThat(rec.messages).containsExactly("echo:a");
        Promise<ClientWebSocket> plain = rig.onClient(c -> c.connectById(GATEWAY, "ROOMS", hex, Request.get("/ws"), new Recorder(rig), SECOND));
        Promise<ClientWebSocket> badId = rig.onClient(c -> c.connectById(GATEWAY, "ROOMS", "ab".repeat(32), Request.webSocketUpgrade("/ws"),
                new Recorder(rig), SECOND));
        rig.runFor(50);
        assertThat(((DuroException) plain.failure()).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(((DuroException) badId.failure()).code()).isEqualTo(ErrorCode.INVALID_ID);
    }

    @Test
    void anObjectCloseReachesTheClientCleanly() {
        GatewayRig rig = new GatewayRig(6);
        Recorder rec = new Recorder(rig);
        ClientWebSocket ws = open(rig, rec, "/ws");
        rig.onClientLoop(c -> {
            ws.send("x");
            ws.send("close");
        });
        rig.runFor(50);
        assertThat(rec.messages).containsExactly("echo:x");
        assertThat(rec.closes).containsExactly("1000 true");
        assertThat(ws.isOpen()).isFalse();
        assertThat(rig.gateway().openSockets()).isZero();
        assertThat(rig.endpoint().eventsStartingWith("ws-close")).isEmpty();
    }

    @Test
    void aRefusedUpgradeFailsTheConnectWithTheObjectsStatus() {
        GatewayRig rig = new GatewayRig(7);
        Promise<ClientWebSocket> p = rig.onClient(c -> c.connect(GATEWAY, "ROOMS", "lobby", Request.webSocketUpgrade("/refuse"),
                new Recorder(rig), SECOND));
        Promise<ClientWebSocket> plain = rig.onClient(c -> c.connect(GATEWAY, "ROOMS", "lobby", Request.get("/ws"), new Recorder(rig), SECOND));
        rig.runFor(50);
        DuroException e = (DuroException) p.failure();
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.getMessage()).contains("403").contains("go away");
        assertThat(((DuroException) plain.failure()).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(rig.gateway().openSockets()).isZero();
    }

    @Test
    void whatTheObjectSendsBeforeItsUpgradeResponseArrivesFirst() {
        GatewayRig rig = new GatewayRig(8);
        Recorder rec = new Recorder(rig);
        ClientWebSocket ws = open(rig, rec, "/early");
        rig.onClientLoop(c -> ws.send("then"));
        rig.runFor(50);
        assertThat(rec.messages).containsExactly("hello", "echo:then");
        assertThat(rig.gateway().stats().droppedObjectOutput()).isZero();
    }

    @Test
    void reorderingAndDuplicationNeitherReorderNorRepeatMessages() {
        NetworkConfig network = NetworkConfig.DEFAULT.withReorder(0.5, Simulation.millis(20)).withDuplicateRate(0.3);
        GatewayRig rig = new GatewayRig(9, network, GatewayOptions.defaults(), ClientOptions.defaults());
        Recorder rec = new Recorder(rig);
        ClientWebSocket ws = open(rig, rec, "/ws");
        rig.onClientLoop(c -> IntStream.range(0, 50).forEach(i -> ws.send(Integer.toString(i))));
        rig.runFor(2000);
        assertThat(rig.endpoint().eventsStartingWith("ws-message"))
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "ws-message 100 " + i).toList());
        assertThat(rec.messages).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "echo:" + i).toList());
        assertThat(rec.closes).isEmpty();
    }

    @Test
    void overALossyNetworkEachSideSeesAnInOrderPrefixAndABrokenSocketClosesOnBothEnds() {
        int broken = 0;
        for (long seed = 1; seed <= 30; seed++) {
            NetworkConfig network = NetworkConfig.DEFAULT.withLossRate(0.05).withReorder(0.3, Simulation.millis(10));
            GatewayRig rig = new GatewayRig(seed, network, GatewayOptions.defaults(), ClientOptions.defaults());
            Recorder rec = new Recorder(rig);
            Promise<ClientWebSocket> p = rig.onClient(c -> c.connect(GATEWAY, "ROOMS", "lobby", Request.webSocketUpgrade("/ws"), rec, SECOND));
            rig.runFor(1100);
            if (!p.isSucceeded()) {
                assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
                continue;
            }
            ClientWebSocket ws = p.value();
            for (int i = 0; i < 40; i++) {
                String text = Integer.toString(i);
                rig.sim.after(Simulation.millis(20L * i), () -> rig.clientWorld().loop().execute(() -> ws.send(text)));
            }
            rig.runFor(25_000);
            List<String> atObject = rig.endpoint().eventsStartingWith("ws-message").stream().map(e -> e.substring("ws-message 100 ".length())).toList();
            assertThat(atObject).as("seed %d", seed).isEqualTo(IntStream.range(0, atObject.size()).mapToObj(Integer::toString).toList());
            List<String> echoes = rec.messages;
            assertThat(echoes).as("seed %d", seed).isEqualTo(IntStream.range(0, echoes.size()).mapToObj(i -> "echo:" + i).toList());
            if (atObject.size() < 40 || echoes.size() < 40) {
                broken++;
                assertThat(rec.closes).as("seed %d: a lost frame breaks the socket", seed).containsExactly("1006 false");
                assertThat(rig.endpoint().eventsStartingWith("ws-close")).as("seed %d", seed).containsExactly("ws-close 100 1006 false");
            } else if (!rec.closes.isEmpty()) {
                // everything arrived, yet the socket may still break later (a lost pong streak is unlikely, but allowed)
                assertThat(rec.closes).containsExactly("1006 false");
            }
        }
        assertThat(broken).as("some seeds lose a frame for good, so the gap path ran").isPositive();
    }

    @Test
    void aClientNoticesACrashedGatewayAfterTheIdleTimeout() {
        GatewayRig rig = new GatewayRig(10);
        Recorder rec = new Recorder(rig);
        open(rig, rec, "/ws");
        long crashAt = rig.sim.nowNanos();
        rig.gatewayNode.crash();
        rig.runFor(4000);
        assertThat(rec.closes).isEmpty();
        rig.runFor(3000);
        assertThat(rec.closes).containsExactly("1006 false");
        ClientOptions o = ClientOptions.defaults();
        assertThat(rec.closedAtNanos - crashAt).isBetween(o.idleTimeoutNanos(), o.idleTimeoutNanos() + o.pingIntervalNanos() + Simulation.millis(100));
        assertThat(rig.client().openSockets()).isZero();
    }

    @Test
    void aRestartedGatewayTellsTheClientItsSocketIsGone() {
        GatewayRig rig = new GatewayRig(11);
        Recorder rec = new Recorder(rig);
        open(rig, rec, "/ws");
        long crashAt = rig.sim.nowNanos();
        rig.gatewayNode.crash();
        rig.runFor(100);
        rig.gatewayNode.restart();
        rig.runFor(1500);
        assertThat(rec.closes).containsExactly("1006 false");
        assertThat(rec.closedAtNanos - crashAt).isLessThan(ClientOptions.defaults().idleTimeoutNanos());
        assertThat(rig.records).anyMatch(r -> r.startsWith("gateway-socket-abort client=n1") && r.endsWith("why=unknown"));
    }

    @Test
    void aVanishedClientsSocketIsClosedTowardsTheObject() {
        GatewayRig rig = new GatewayRig(12);
        open(rig, new Recorder(rig), "/ws");
        rig.clientNode.crash();
        rig.runFor(10_000);
        assertThat(rig.endpoint().eventsStartingWith("ws-close")).isEmpty();
        rig.runFor(7_000);
        assertThat(rig.endpoint().eventsStartingWith("ws-close")).containsExactly("ws-close 100 1006 false");
        assertThat(rig.gateway().openSockets()).isZero();
        assertThat(rig.records).anyMatch(r -> r.endsWith("why=idle"));
    }

    @Test
    void anUpgradeAnsweredAfterTheClientGaveUpIsDroppedOnBothEnds() {
        GatewayRig rig = new GatewayRig(13, NetworkConfig.DEFAULT.withLatency(Simulation.millis(60), 0, NetworkConfig.Jitter.UNIFORM),
                GatewayOptions.defaults(), ClientOptions.defaults());
        Promise<ClientWebSocket> p = rig.onClient(c -> c.connect(GATEWAY, "ROOMS", "lobby", Request.webSocketUpgrade("/ws"),
                new Recorder(rig), Simulation.millis(100)));
        rig.runFor(500);
        assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(rig.client().lateReplies()).isEqualTo(1);
        assertThat(rig.endpoint().eventsStartingWith("ws-close")).containsExactly("ws-close 100 1006 false");
        assertThat(rig.gateway().openSockets()).isZero();
    }
    @Test
    void aClientFrameThatCrossesAnObjectCloseDoesNotTurnTheCleanCloseIntoAnAbort() {
        // The client sends "y" right after "close": the gateway has forgotten the socket when "y"
        // arrives. It used to answer with an abort; if that abort overtook the close (or the echo
        // before it) on the network, the client lost the echo and saw 1006 instead of 1000.
        GatewayRig rig = new GatewayRig(16);
        Recorder rec = new Recorder(rig);
        ClientWebSocket ws = open(rig, rec, "/ws");
        List<byte[]> held = new ArrayList<>();
        rig.onClientLoop(c -> {
            rig.clientWorld().transport().onReceive((from, frame) -> held.add(frame)); // hold what the gateway sends
            ws.send("x");
            ws.send("close");
        });
        rig.runFor(50);
        rig.onClientLoop(c -> ws.send("y")); // crossed the close on the network
        rig.runFor(50);
        assertThat(held).hasSize(3); // echo:x, the object's close, the answer to "y"
        rig.onClientLoop(c -> {
            for (byte[] frame : held.reversed()) c.receive(GATEWAY, frame); // the network reordered them
        });
        rig.runFor(50);
        assertThat(rec.messages).containsExactly("echo:x");
        assertThat(rec.closes).containsExactly("1000 true");
        assertThat(rig.endpoint().eventsStartingWith("ws-close")).isEmpty();
    }
    @Test
    void framesReleasedTogetherWithAMessageThatMadeTheObjectCloseDoNotReachTheObject() {
        // "y" (seq 2) overtakes "close" (seq 1); when "close" arrives both are released at once.
        // The object closes the socket while handling "close"; "y" belongs to a closed socket.
        GatewayRig rig = new GatewayRig(17);
        Recorder rec = new Recorder(rig);
        ClientWebSocket ws = open(rig, rec, "/ws");
        long handle = ws.socketId();
        dev.duro.model.world.NodeId client = rig.clientNode.id();
        rig.gatewayNode.world().loop().execute(() -> {
            rig.gateway().receive(client, dev.duro.wire.WireCodec.encode(
                    new dev.duro.wire.WireMessage.ClientSocketMessage(handle, 2, new WebSocketMessage.Text("y"))));
            rig.gateway().receive(client, dev.duro.wire.WireCodec.encode(
                    new dev.duro.wire.WireMessage.ClientSocketMessage(handle, 1, new WebSocketMessage.Text("close"))));
        });
        rig.runFor(50);
        assertThat(rig.endpoint().eventsStartingWith("ws-message")).containsExactly("ws-message 100 close");
        assertThat(rec.closes).containsExactly("1000 true");
    }
}
