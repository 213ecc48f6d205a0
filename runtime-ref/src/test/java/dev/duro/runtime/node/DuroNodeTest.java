package dev.duro.runtime.node;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.client.ClientWebSocket;
import dev.duro.client.GatewayClient;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static dev.duro.sim.Simulation.millis;
import static org.assertj.core.api.Assertions.assertThat;

/** A runtime node and a client node in the simulator: the whole path from client library to storage and back. */
class DuroNodeTest {
    private static final byte[] SECRET = "duro node test secret, 32 bytes!".getBytes(StandardCharsets.UTF_8);
    private static final NodeId SERVER = NodeId.of(0);

    /** Counts in storage; echoes WebSocket messages. */
    static final class Counter implements DurableObject, WebSocketHandler {
        private final ObjectContext ctx;

        Counter(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request request) {
            if (request.isWebSocketUpgrade()) {
                ctx.acceptWebSocket(request);
                return ctx.completed(Response.switchingProtocols());
            }
            Long stored = ctx.storage().get("n", Long.class);
            long n = stored == null ? 0 : stored;
            if (request.pathOnly().equals("/inc")) {
                n++;
                ctx.storage().put("n", n);
            }
            return ctx.completed(Response.ok(Long.toString(n)));
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
            socket.send("echo:" + message.asText());
            return ctx.completed(null);
        }
    }

    private final Deployment deployment = new Deployment(SECRET, List.of(new NamespaceBinding("COUNTERS", Counter::new)));
    private final Simulation sim = new Simulation(Simulation.Options.seed(21));
    private final DuroNode duro = new DuroNode(deployment, RuntimeConfig.defaults());
    private final SimulatedNode server = sim.addNode(duro, (id, entropy) -> new SimDiskDevice(DiskFaultConfig.none(), entropy));
    private final List<GatewayClient> clients = new ArrayList<>();
    private final SimulatedNode client = sim.addNode(world -> clients.add(new GatewayClient(world)), NoDiskDevice.FACTORY);

    private void onClient(Consumer<GatewayClient> action) {
        client.world().loop().execute(() -> action.accept(clients.getLast()));
    }

    private void runUntil(long ms) {
        sim.at(millis(ms), () -> { });
        assertThat(sim.run(millis(ms), 2_000_000)).isIn(StopReason.TIME_LIMIT, StopReason.QUIESCENT);
    }

    @Test
    void acknowledgedIncrementsSurviveACrashAndRestart() {
        sim.startAll();
        runUntil(5);
        assertThat(duro.host()).isNotNull();
        List<Long> acked = new ArrayList<>();
        List<Long> ackTimesMs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int[] attempts = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (attempts[0] == 60) return;
            attempts[0]++;
            clients.getLast().fetch(SERVER, "COUNTERS", "c", Request.post("/inc", ""), millis(300)).whenComplete((r, e) -> {
                if (e == null) {
                    acked.add(Long.parseLong(r.bodyText()));
                    ackTimesMs.add(sim.nowNanos() / 1_000_000);
                } else {
                    failures.add(((DuroException) e).code() + " " + ((DuroException) e).isRetryable());
                }
                client.world().loop().schedule(millis(20), next[0]);
            });
        };
        onClient(c -> next[0].run());
        sim.at(millis(300), server::crash);
        sim.at(millis(700), server::restart);
        runUntil(4000);
        assertThat(attempts[0]).isEqualTo(60);
        assertThat(duro.incarnations()).isEqualTo(2);
        assertThat(ackTimesMs).anyMatch(t -> t < 300).anyMatch(t -> t > 700);
        assertThat(failures).isNotEmpty().allMatch(f -> f.endsWith(" true"), "every failure is retryable");
        for (int i = 1; i < acked.size(); i++) {
            assertThat(acked.get(i)).as("counter values only grow").isGreaterThan(acked.get(i - 1));
        }
        Promise<?>[] read = new Promise<?>[1];
        onClient(c -> read[0] = c.fetch(SERVER, "COUNTERS", "c", Request.get("/get"), millis(500)));
        runUntil(4600);
        long finalValue = Long.parseLong(((Response) read[0].value()).bodyText());
        assertThat(finalValue).as("no acknowledged increment is lost").isGreaterThanOrEqualTo(acked.getLast());
        assertThat(finalValue).as("no increment counted twice").isLessThanOrEqualTo(attempts[0]);
    }

    @Test
    void aWebSocketEchoesThroughTheGatewayAndTheHost() {
        sim.startAll();
        runUntil(5);
        List<String> heard = new ArrayList<>();
        List<String> closes = new ArrayList<>();
        ClientWebSocket.Listener listener = new ClientWebSocket.Listener() {
            @Override
            public void onMessage(WebSocketMessage m) {
                heard.add(m.asText());
            }

            @Override
            public void onClose(int code, String reason, boolean wasClean) {
                closes.add(code + " " + wasClean);
            }
        };
        onClient(c -> c.connect(SERVER, "COUNTERS", "room", Request.webSocketUpgrade("/ws"), listener, millis(500))
                .onSuccess(ws -> {
                    ws.send("one");
                    ws.send("two");
                }));
        runUntil(300);
        assertThat(heard).containsExactly("echo:one", "echo:two");
        assertThat(closes).isEmpty();
        sim.at(millis(310), server::crash);
        runUntil(7000);
        assertThat(closes).containsExactly("1006 false");
    }
}
