package dev.duro.runtime.cluster;

import dev.duro.client.*;
import dev.duro.model.async.Promise;
import dev.duro.model.object.AlarmHandler;
import dev.duro.model.object.AlarmInfo;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.gateway.GatewayOptions;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster in one simulation: nodes 0..members−1 run {@link ClusterNode}s on their own simulated
 * disks, node {@code members} runs a {@link ClusterClient} (not a member). Storage under the hosts
 * is pluggable ({@link SharedLogs} until replication lands). Objects of {@link #NS} are
 * {@link Probe}s: a counter with an alarm and WebSockets.
 */
final class ClusterRig {
    static final byte[] SECRET = "cluster rig secret, 32 bytes!!!!".getBytes(StandardCharsets.UTF_8);
    static final String NS = "PROBES";
    static final long CALL_TIMEOUT_NANOS = Simulation.millis(2_000);

    final long seed;
    final Simulation sim;
    final ClusterConfig cluster;
    final Placement placement;
    final List<ClusterNode> programs = new ArrayList<>();
    final List<SimulatedNode> servers = new ArrayList<>();
    final SimulatedNode clientNode;
    final List<ClusterClient> clients = new ArrayList<>();
    final List<TraceEvent> events = new ArrayList<>();
    /** The members' disks, by node index. */
    final List<SimDiskDevice> disks = new ArrayList<>();

    ClusterRig(long seed, int members, RuntimeConfig config, NetworkConfig network, RoutingOptions routing,
               NodeStorage.Factory storage) {
        this(seed, members, config, network, routing, storage, java.util.Set.of());
    }

    /** {@code existingMembers}: nodes whose programs start as members that booted before ({@link ClusterNode#asExistingMember}). */
    ClusterRig(long seed, int members, RuntimeConfig config, NetworkConfig network, RoutingOptions routing,
               NodeStorage.Factory storage, java.util.Set<Integer> existingMembers) {
        this(seed, ClusterConfig.of(members), config, network, routing, storage, existingMembers);
    }

    /** A cluster of {@code cluster}'s members (for example one with locations). */
    ClusterRig(long seed, ClusterConfig cluster, NodeStorage.Factory storage) {
        this(seed, cluster, RuntimeConfig.defaults(), NetworkConfig.DEFAULT, RoutingOptions.defaults(), storage, java.util.Set.of());
    }

    ClusterRig(long seed, ClusterConfig cluster, RuntimeConfig config, NetworkConfig network, RoutingOptions routing,
               NodeStorage.Factory storage, java.util.Set<Integer> existingMembers) {
        this.seed = seed;
        this.sim = new Simulation(Simulation.Options.seed(seed).withNetwork(network).withListener(events::add));
        this.cluster = cluster;
        this.placement = new Placement(cluster);
        int members = cluster.members().size();
        Deployment deployment = new Deployment(SECRET, List.of(new NamespaceBinding(NS, (ObjectFactory) Probe::new)));
        for (int i = 0; i < members; i++) {
            ClusterNode node = new ClusterNode(deployment, config, cluster, GatewayOptions.defaults(), routing, storage);
            if (existingMembers.contains(i)) node.asExistingMember();
            programs.add(node);
            servers.add(sim.addNode(node, (id, entropy) -> {
                SimDiskDevice disk = new SimDiskDevice(DiskFaultConfig.none(), entropy);
                disks.add(disk);
                return disk;
            }));
        }
        clientNode = sim.addNode(w -> clients.add(new ClusterClient(w, cluster.members())), NoDiskDevice.FACTORY);
        sim.startAll();
        runMillis(1);
    }

    /** Members with the replicated storage of production on their simulated disks. */
    static ClusterRig onDisks(long seed, int members) {
        return new ClusterRig(seed, members, RuntimeConfig.defaults(), NetworkConfig.DEFAULT, RoutingOptions.defaults(),
                NodeStorage::replicated);
    }

    /** {@code cluster}'s members (for example with locations) on the production replicated storage. */
    static ClusterRig onLocatedDisks(long seed, ClusterConfig cluster) {
        return new ClusterRig(seed, cluster, NodeStorage::replicated);
    }

    ClusterRig(long seed, int members, SharedLogs logs) {
        this(seed, members, RuntimeConfig.defaults(), NetworkConfig.DEFAULT, RoutingOptions.defaults(), logs.factory());
    }

    ClusterClient client() {
        return clients.getLast();
    }

    ObjectId id(String name) {
        return new dev.duro.runtime.ids.ObjectIds(NS, SECRET).fromName(name);
    }

    List<NodeId> replicas(String name) {
        return placement.replicas(NS, id(name));
    }

    ClusterNode program(NodeId node) {
        return programs.get(node.index());
    }

    SimulatedNode server(NodeId node) {
        return servers.get(node.index());
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

    /** Runs {@code action} on {@code node}'s loop, then the simulation until its promise is done (≤ 60 s virtual). */
    <T> Promise<T> awaitOn(SimulatedNode node, Supplier<Promise<T>> action) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<T>[] holder = new Promise[1];
        node.world().loop().execute(() -> holder[0] = action.get());
        sim.run(sim.nowNanos(), Long.MAX_VALUE);
        for (int i = 0; i < 60_000 && (holder[0] == null || !holder[0].isDone()); i++) runMillis(1);
        assertThat(holder[0]).as("action ran (seed %d)", seed).isNotNull();
        assertThat(holder[0].isDone()).as("completed within 60 s of virtual time (seed %d)", seed).isTrue();
        return holder[0];
    }

    <T> T value(Supplier<Promise<T>> action) {
        Promise<T> p = await(action);
        if (p.isFailed()) throw new AssertionError("failed (seed " + seed + "): " + p.failure(), p.failure());
        return p.value();
    }

    DuroException error(Supplier<Promise<?>> action) {
        Promise<?> p = await(action::get);
        assertThat(p.isFailed()).as("expected a failure (seed %d), got %s", seed, p.isFailed() ? null : p.value()).isTrue();
        assertThat(p.failure()).isInstanceOf(DuroException.class);
        return (DuroException) p.failure();
    }

    /** Through the cluster client. */
    String text(String name, String path) {
        return value(() -> client().fetch(NS, name, Request.get(path), CALL_TIMEOUT_NANOS)).bodyText();
    }

    /**
     * An idempotent request through the cluster client, sent again after UNAVAILABLE (right after a
     * crash the client's first choice may be the dead node) up to 5 times.
     */
    String read(String name, String path) {
        for (int attempt = 0; ; attempt++) {
            Promise<Response> p = await(() -> client().fetch(NS, name, Request.get(path), CALL_TIMEOUT_NANOS));
            if (p.isSucceeded()) return p.value().bodyText();
            boolean unavailable = p.failure() instanceof DuroException e && e.code() == dev.duro.model.object.ErrorCode.UNAVAILABLE;
            if (!unavailable || attempt == 4) throw new AssertionError("failed (seed " + seed + "): " + p.failure(), p.failure());
        }
    }

    /** What {@link #crashOwnerAndIncrement} saw: the first answer, when it came, and the failures before it. */
    record Takeover(List<NodeId> replicas, String answer, long afterNanos, List<DuroException> failures) {
    }

    /**
     * Counts {@code name} up to 3, crashes its first replica, then sends {@code /inc} through the
     * cluster client (each call with {@code callTimeoutMs}) until one succeeds, at most 30 times.
     */
    Takeover crashOwnerAndIncrement(String name, long callTimeoutMs) {
        List<NodeId> replicas = replicas(name);
        for (int i = 1; i <= 3; i++) assertThat(text(name, "/inc")).isEqualTo(Integer.toString(i));
        server(replicas.getFirst()).crash();
        long crashed = sim.nowNanos();
        List<DuroException> failures = new ArrayList<>();
        for (int attempt = 0; attempt < 30; attempt++) {
            Promise<Response> p = await(() -> client().fetch(NS, name, Request.get("/inc"), Simulation.millis(callTimeoutMs)));
            if (p.isSucceeded()) return new Takeover(replicas, p.value().bodyText(), sim.nowNanos() - crashed, failures);
            failures.add((DuroException) p.failure());
        }
        throw new AssertionError("seed " + seed + ": not served again after 30 calls: " + failures);
    }

    /** Sets {@code name}'s alarm 3 s ahead, crashes its first replica 0.5 s later, runs {@code ms} with no request. */
    List<NodeId> alarmThenCrashOwner(String name, long ms) {
        assertThat(text(name, "/alarm?in=3000")).isEqualTo("set");
        runMillis(500);
        server(replicas(name).getFirst()).crash();
        runMillis(ms);
        return nodesOf("alarm-fire", name);
    }

    /** Through the gateway of {@code node}, whoever owns the object. */
    String textVia(NodeId node, String name, String path) {
        return value(() -> client().gateway().fetch(node, NS, name, Request.get(path), CALL_TIMEOUT_NANOS)).bodyText();
    }

    /** Trace records of {@code label}: "n<node> <detail>", in order. */
    List<String> records(String label) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.kind() == EventKind.RECORD && label.equals(e.label())) out.add("n" + e.node() + " " + e.detail());
        }
        return out;
    }

    /** Nodes at which {@code label} was recorded for the object, in order. */
    List<NodeId> nodesOf(String label, String name) {
        String hex = id(name).hex();
        List<NodeId> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.kind() == EventKind.RECORD && label.equals(e.label()) && e.detail().contains("id=" + hex)) out.add(NodeId.of(e.node()));
        }
        return out;
    }

    /**
     * The test object: {@code /inc} adds one to "n" and answers it, {@code /get} answers it,
     * {@code /alarm?in=<ms>} sets the alarm that far ahead, {@code /slow?ms=<n>} answers after a
     * timer, {@code /fail?a=<n>[&pair=1]} fails with a message that long, {@code /big?bytes=<n>}
     * answers a body that large; the alarm adds one to "fired"; upgrades are accepted (with
     * {@code greet} the object sends "hello" at once); a socket message is echoed ("close" closes
     * the socket with 4000, "big" answers 70,000 characters), and {@code /closed} tells the last
     * close the object heard.
     */
    static final class Probe implements DurableObject, AlarmHandler, WebSocketHandler {
        private final ObjectContext ctx;

        Probe(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            if (r.isWebSocketUpgrade()) {
                WebSocket socket = ctx.acceptWebSocket(r);
                if (r.query("greet") != null) socket.send("hello"); // before the 101 has left
                return ctx.completed(Response.switchingProtocols());
            }
            return switch (r.pathOnly()) {
                case "/inc" -> {
                    long n = get("n") + 1;
                    ctx.storage().put("n", n);
                    yield ctx.completed(Response.ok(Long.toString(n)));
                }
                case "/get" -> ctx.completed(Response.ok(Long.toString(get("n"))));
                case "/mint" -> {
                    // a unique id made by this object, located by the hint "at" if given (docs/cluster.md "Locations")
                    String at = r.query("at");
                    try {
                        ObjectNamespace ns = ctx.namespace(NS);
                        yield ctx.completed(Response.ok((at == null ? ns.newUniqueId() : ns.newUniqueId(at)).hex()));
                    } catch (DuroException e) {
                        yield ctx.completed(Response.status(400, e.code() + ": " + e.getMessage()));
                    }
                }
                case "/fired" -> ctx.completed(Response.ok(Long.toString(get("fired"))));
                case "/call" -> {
                    // calls object "name" through a stub, "times" times in a row, and answers what the calls answered
                    ObjectNamespace ns = ctx.namespace(NS);
                    var stub = ns.get(ns.idFromName(r.query("name")));
                    int times = r.query("times") == null ? 1 : Integer.parseInt(r.query("times"));
                    List<Promise<Response>> calls = new ArrayList<>();
                    for (int i = 0; i < times; i++) calls.add(stub.fetch(Request.get(r.query("path"))));
                    Promise<Response> answer = ctx.promise();
                    calls.getLast().whenComplete((last, failure) -> {
                        StringBuilder out = new StringBuilder();
                        for (Promise<Response> c : calls) {
                            out.append(out.isEmpty() ? "" : ",").append(c.isSucceeded() ? c.value().bodyText() : "error");
                        }
                        answer.complete(Response.ok(out.toString()));
                    });
                    yield answer;
                }
                case "/closed" -> {
                    String closed = ctx.storage().get("closed", String.class);
                    yield ctx.completed(Response.ok(closed == null ? "open" : closed));
                }
                case "/alarm" -> {
                    ctx.storage().setAlarm(ctx.nowMillis() + Long.parseLong(r.query("in")));
                    yield ctx.completed(Response.ok("set"));
                }
                case "/fail" -> {
                    // fails with a message of "a" × a, then (pair=1) an emoji and 100 "b"s
                    String pair = "1".equals(r.query("pair")) ? "\uD83D\uDE00" + "b".repeat(100) : "";
                    String message = "a".repeat(Integer.parseInt(r.query("a"))) + pair;
                    throw new DuroException(dev.duro.model.object.ErrorCode.OBJECT_ERROR, message);
                }
                case "/big" -> ctx.completed(new Response(200, null, new byte[Integer.parseInt(r.query("bytes"))]));
                case "/slow" -> {
                    Promise<Response> p = ctx.promise();
                    ctx.setTimeout(Long.parseLong(r.query("ms")), () -> p.complete(Response.ok("slow")));
                    yield p;
                }
                default -> ctx.completed(Response.status(404, "no " + r.path()));
            };
        }

        private long get(String key) {
            Long v = ctx.storage().get(key, Long.class);
            return v == null ? 0 : v;
        }

        @Override
        public Promise<Void> alarm(AlarmInfo info) {
            ctx.storage().put("fired", get("fired") + 1);
            return ctx.completed(null);
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
            if (message.asText().equals("close")) socket.close(4000, "asked to");
            else if (message.asText().equals("big")) socket.send("x".repeat(70_000)); // more than a cluster frame's string

            else socket.send("echo " + message.asText());
            return ctx.completed(null);
        }

        /** Remembers the last close it heard as "code wasClean" ({@code /closed}). */
        @Override
        public Promise<Void> webSocketClose(WebSocket socket, int code, String reason, boolean wasClean) {
            ctx.storage().put("closed", code + " " + wasClean);
            return ctx.completed(null);
        }
    }
}
