package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.World;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.edge.ClientSockets;
import dev.duro.runtime.ids.ObjectIds;
import dev.duro.runtime.log.DiskLogStore;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.LogStore;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.TraceEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One simulated node with a {@link SimDiskDevice}, the real {@link DiskLogStore} and an
 * {@link ObjectHost} per incarnation (a tiny NodeProgram). {@link #await} runs an action on the
 * node's loop and runs the simulation until its promise completes.
 */
final class HostRig {
    static final byte[] SECRET = "host-tests-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    static final String NS = "OBJ";

    final Simulation sim;
    final SimulatedNode node;
    final Deployment deployment;
    final RuntimeConfig config;
    final List<TraceEvent> events = new ArrayList<>();
    final RecordingSockets sockets = new RecordingSockets();
    SimDiskDevice device;
    World world;
    LogStore logs;
    ObjectHost host;
    /** Wraps the disk log store (failure injection); identity by default. */
    Function<LogStore, LogStore> logWrapper = l -> l;

    HostRig(long seed, RuntimeConfig config, NamespaceBinding... bindings) {
        this.config = config;
        this.deployment = new Deployment(SECRET, List.of(bindings));
        this.sim = new Simulation(Simulation.Options.seed(seed).withListener(events::add));
        this.node = sim.addNode(w -> {
            world = w;
            logs = logWrapper.apply(new DiskLogStore(w, LogOptions.defaults()));
            host = new ObjectHost(w, deployment, logs, config);
            host.attachClientSockets(sockets);
            host.start();
        }, (id, entropy) -> device = new SimDiskDevice(DiskFaultConfig.none(), entropy));
        sim.startAll();
        runMillis(1);
    }

    static RuntimeConfig config() {
        return RuntimeConfig.defaults();
    }

    static ObjectId id(String name) {
        return new ObjectIds(NS, SECRET).fromName(name);
    }

    void runMillis(long ms) {
        long until = sim.nowNanos() + Simulation.millis(ms);
        sim.at(until, () -> { });
        sim.run(until, Long.MAX_VALUE);
    }

    /** Runs the simulation in 1 ms steps until {@code done} holds, at most {@code maxMs}. */
    void runUntil(BooleanSupplier done, long maxMs) {
        for (long i = 0; i < maxMs && !done.getAsBoolean(); i++) runMillis(1);
    }

    /** Runs {@code action} on the node's loop now; does not run the simulation. */
    <T> Promise<T> start(Function<HostRig, Promise<T>> action) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<T>[] holder = new Promise[1];
        world.loop().execute(() -> holder[0] = action.apply(this));
        sim.run(sim.nowNanos(), Long.MAX_VALUE); // run tasks due now, so the action has run
        assertThat(holder[0]).as("action ran").isNotNull();
        return holder[0];
    }

    /** Runs {@code action} and the simulation until its promise completes (at most 60 s simulated). */
    <T> Promise<T> await(Function<HostRig, Promise<T>> action) {
        Promise<T> p = start(action);
        runUntil(p::isDone, 60_000);
        assertThat(p.isDone()).as("completed within 60 s").isTrue();
        return p;
    }

    <T> T value(Function<HostRig, Promise<T>> action) {
        Promise<T> p = await(action);
        if (p.isFailed()) throw new AssertionError("failed: " + p.failure(), p.failure());
        return p.value();
    }

    Throwable failure(Function<HostRig, Promise<?>> action) {
        Promise<?> p = await(action::apply);
        assertThat(p.isFailed()).as("expected a failure, got " + p).isTrue();
        return p.failure();
    }

    Promise<Response> fetchAsync(String name, Request request) {
        return start(r -> r.host.fetch(NS, id(name), request));
    }

    String fetch(String name, String path) {
        Response r = value(x -> x.host.fetch(NS, id(name), Request.get(path)));
        return r.bodyText();
    }

    void crash() {
        node.crash();
    }

    void restart() {
        node.restart();
        runMillis(1);
    }

    /** Details of the trace records of {@code kind} (a RuntimeTrace fact). */
    List<String> trace(String kind) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) if (kind.equals(e.label())) out.add(e.detail());
        return out;
    }

    /** Index in the trace of the first record of {@code kind} whose detail contains {@code text}; -1 if none. */
    long indexOf(String kind, String text) {
        for (TraceEvent e : events) {
            if (kind.equals(e.label()) && e.detail() != null && e.detail().contains(text)) return e.index();
        }
        return -1;
    }

    /** The runtime facts in order, as "kind detail-without-id", for reading failures. */
    List<String> facts() {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) {
            String l = e.label();
            if (l != null && (l.startsWith("obj-") || l.startsWith("alarm-"))) {
                out.add(l + " " + e.detail().replaceFirst("id=[0-9a-f]{64} ", ""));
            }
        }
        return out;
    }

    /** What the host sent to clients' WebSockets, as text lines. */
    static final class RecordingSockets implements ClientSockets {
        final List<String> lines = new ArrayList<>();

        @Override
        public void send(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
            lines.add(socketId + " send " + message.asText());
        }

        @Override
        public void close(String namespace, ObjectId id, long socketId, int code, String reason) {
            lines.add(socketId + " close " + code + " " + reason);
        }
    }
}
