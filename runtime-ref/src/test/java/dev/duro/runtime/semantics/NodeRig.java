package dev.duro.runtime.semantics;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.client.ClientWebSocket;
import dev.duro.client.GatewayClient;
import dev.duro.runtime.host.ObjectHost;
import dev.duro.runtime.node.DuroNode;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.TraceEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path in a simulation: node 0 runs a {@link DuroNode} on a {@link SimDiskDevice}, node 1
 * a {@link GatewayClient}. Calls run on the client's loop; {@link #await} runs the simulation until
 * the promise completes (bounded, in virtual time).
 */
final class NodeRig {
    static final byte[] SECRET = "semantics rig secret, 32 bytes!!".getBytes(StandardCharsets.UTF_8);
    static final NodeId SERVER = NodeId.of(0);
    static final long CALL_TIMEOUT_NANOS = Simulation.millis(2_000);

    final Simulation sim;
    final DuroNode duro;
    final SimulatedNode server;
    final SimulatedNode clientNode;
    final List<GatewayClient> clients = new ArrayList<>();
    final List<TraceEvent> events = new ArrayList<>();

    NodeRig(long seed, RuntimeConfig config, NamespaceBinding... bindings) {
        sim = new Simulation(Simulation.Options.seed(seed).withListener(events::add));
        duro = new DuroNode(new Deployment(SECRET, List.of(bindings)), config);
        server = sim.addNode(duro, (id, entropy) -> new SimDiskDevice(DiskFaultConfig.none(), entropy));
        clientNode = sim.addNode(w -> clients.add(new GatewayClient(w)), NoDiskDevice.FACTORY);
        sim.startAll();
        runMillis(1);
    }

    GatewayClient client() {
        return clients.getLast();
    }

    ObjectHost host() {
        return duro.host();
    }

    ObjectId id(String ns, String name) {
        return new dev.duro.runtime.ids.ObjectIds(ns, SECRET).fromName(name);
    }

    void runMillis(long ms) {
        long until = sim.nowNanos() + Simulation.millis(ms);
        sim.at(until, () -> { });
        sim.run(until, Long.MAX_VALUE);
    }

    /** Runs {@code action} on the client's loop, then the simulation until its promise is done (≤ 60 s virtual). */
    <T> Promise<T> await(Supplier<Promise<T>> action) {
        return awaitOn(clientNode, action);
    }

    /** As {@link #await}, on the server's loop (test hooks). */
    <T> Promise<T> awaitOnServer(Function<ObjectHost, Promise<T>> action) {
        return awaitOn(server, () -> action.apply(host()));
    }

    private <T> Promise<T> awaitOn(SimulatedNode node, Supplier<Promise<T>> action) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<T>[] holder = new Promise[1];
        node.world().loop().execute(() -> holder[0] = action.get());
        sim.run(sim.nowNanos(), Long.MAX_VALUE);
        for (int i = 0; i < 60_000 && (holder[0] == null || !holder[0].isDone()); i++) runMillis(1);
        assertThat(holder[0]).as("action ran").isNotNull();
        assertThat(holder[0].isDone()).as("completed within 60 s of virtual time").isTrue();
        return holder[0];
    }

    <T> T value(Supplier<Promise<T>> action) {
        Promise<T> p = await(action);
        if (p.isFailed()) throw new AssertionError("failed: " + p.failure(), p.failure());
        return p.value();
    }

    Response fetch(String ns, String name, Request request) {
        return value(() -> client().fetch(SERVER, ns, name, request, CALL_TIMEOUT_NANOS));
    }

    String text(String ns, String name, Request request) {
        return fetch(ns, name, request).bodyText();
    }

    DuroException error(Supplier<Promise<?>> action) {
        Promise<?> p = await(action::get);
        assertThat(p.isFailed()).as("expected a failure, got %s", p.isFailed() ? null : p.value()).isTrue();
        assertThat(p.failure()).isInstanceOf(DuroException.class);
        return (DuroException) p.failure();
    }

    DuroException fetchError(String ns, String name, Request request) {
        return error(() -> client().fetch(SERVER, ns, name, request, CALL_TIMEOUT_NANOS));
    }

    /** Opens a WebSocket; what the client hears goes to {@code heard} ("msg text" / "close code reason clean"). */
    ClientWebSocket connect(String ns, String name, List<String> heard) {
        ClientWebSocket.Listener listener = new ClientWebSocket.Listener() {
            @Override
            public void onMessage(WebSocketMessage m) {
                heard.add("msg " + m.asText());
            }

            @Override
            public void onClose(int code, String reason, boolean wasClean) {
                heard.add("close " + code + " " + reason + " " + wasClean);
            }
        };
        return value(() -> client().connect(SERVER, ns, name, Request.webSocketUpgrade("/ws"), listener, CALL_TIMEOUT_NANOS));
    }

    /** Runs {@code r} on the client's loop and lets the simulation settle for {@code ms}. */
    void onClient(Runnable r, long ms) {
        clientNode.world().loop().execute(r);
        runMillis(ms);
    }

    /** Trace details of {@code kind}. */
    List<String> trace(String kind) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) if (kind.equals(e.label())) out.add(e.detail());
        return out;
    }
}
