package dev.duro.scenarios.testkit;

import dev.duro.client.ClusterClient;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.TraceListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Your Durable Objects on a simulated, replicated Duro cluster under a {@link FaultPlan}.
 *
 * <p>The kit boots {@code nodes} (default 5) {@link ClusterNode}s on simulated disks, each object's
 * log replicated on 3 of them with leases, fencing and failover, exactly as the scenarios run, plus
 * one client node whose {@link ClusterClient} reaches any member (it retries another gateway when
 * one does not answer, as a real client would). The plan's faults happen at their virtual times
 * after {@link Builder#build()}: crashes (the node restarts on its disk after the fault's
 * duration), pauses, and partitions among the runtime nodes. Every method runs the simulation until
 * its answer arrives, bounded by {@link Builder#maxWait}; a call that fails under the faults throws
 * the {@link DuroException} the client got (UNAVAILABLE after its call timeout, for instance): the
 * write may or may not have happened, as for any real client. The same seed, plan and calls give
 * the same run ({@link #traceDigest()}).
 *
 * <pre>{@code
 * ClusterTestKit kit = ClusterTestKit.builder().seed(7)
 *         .namespace("BOARDS", Leaderboard::new)
 *         .faults(FaultPlan.parse("crash n2 at 500ms for 3000ms"))
 *         .build();
 * kit.fetch("BOARDS", "b", Request.post("/score?player=ann&points=10", ""));  // may throw under faults
 * kit.runUntilHealed();                                                      // every fault is over
 * assertThat(kit.get("BOARDS", "b", "/top")).contains("ann");
 * }</pre>
 *
 * <p>Not thread-safe; use one kit per test (or per property try).
 */
public final class ClusterTestKit {
    private final Simulation sim;
    private final ClusterConfig cluster;
    private final SimulatedNode clientNode;
    private final List<ClusterClient> clients = new ArrayList<>();
    private final FaultPlan plan;
    private final long seed;
    private final long callTimeoutNanos;
    private final long maxWaitNanos;
    private final SimDriver driver;
    /** Partitions in force now, by their place in the plan: the network is rebuilt from them on every change. */
    private final List<Fault.Partition> partitions = new ArrayList<>();

    private ClusterTestKit(Builder b) {
        seed = b.seed;
        plan = b.faults;
        plan.checkFits(b.nodes);
        sim = new Simulation(Simulation.Options.seed(b.seed).withListener(b.listener));
        cluster = ClusterConfig.of(b.nodes);
        Deployment deployment = new Deployment(b.secret, b.bindings);
        for (int i = 0; i < b.nodes; i++) {
            sim.addNode(new ClusterNode(deployment, b.config, cluster),
                    (id, entropy) -> new SimDiskDevice(DiskFaultConfig.none(), entropy));
        }
        clientNode = sim.addNode(w -> clients.add(new ClusterClient(w, cluster.members())), NoDiskDevice.FACTORY);
        callTimeoutNanos = b.callTimeout.toNanos();
        maxWaitNanos = b.maxWait.toNanos();
        driver = new SimDriver(sim, clientNode, b.maxWait.toNanos(), b.settle.toNanos());
        sim.note("params", "ClusterTestKit " + repro());
        for (Fault f : plan.faults()) schedule(f);
        sim.startAll();
        driver.advanceNanos(Simulation.millis(1));
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ faults

    private void schedule(Fault fault) {
        long at = Simulation.millis(fault.atMs());
        long duration = Simulation.millis(fault.durationMs());
        switch (fault) {
            case Fault.Crash c -> sim.at(at, () -> {
                SimulatedNode node = sim.node(c.node());
                if (!node.isUp()) return;
                sim.note("fault", c.toString());
                node.crash();
                sim.after(duration, () -> {
                    if (!node.isUp()) node.restart();
                });
            });
            case Fault.Pause p -> sim.at(at, () -> {
                SimulatedNode node = sim.node(p.node());
                if (!node.isUp() || node.isPaused()) return;
                sim.note("fault", p.toString());
                node.pause(duration);
            });
            case Fault.Partition p -> sim.at(at, () -> {
                sim.note("fault", p.toString());
                partitions.add(p);
                applyPartitions();
                sim.after(duration, () -> {
                    partitions.remove(p);
                    applyPartitions();
                });
            });
        }
    }

    /** Heals the network and blocks again what the partitions in force cut, among runtime nodes only. */
    private void applyPartitions() {
        var net = sim.network();
        net.heal();
        for (Fault.Partition p : partitions) {
            net.blockWhere(cluster.members().size(), p.toString(), (a, b) -> p.side().contains(a) != p.side().contains(b));
        }
    }

    /**
     * Runs the simulation until every fault of the plan is over: crashed nodes restarted, pauses
     * ended, links open. Objects may still be electing owners; calls made now wait for that.
     */
    public void runUntilHealed() {
        long end = Simulation.millis(plan.endMs()) + 1;
        if (sim.nowNanos() < end) driver.advanceNanos(end - sim.nowNanos());
    }

    // ------------------------------------------------------------------ requests

    /** Sends {@code request} to the object {@code name} of {@code namespace} through any gateway; throws the {@link DuroException} the caller gets. */
    public Response fetch(String namespace, String name, Request request) {
        return driver.await(() -> client().fetch(namespace, name, request, callTimeoutNanos));
    }

    /** {@link #fetch} and the body as text. */
    public String fetchText(String namespace, String name, Request request) {
        return fetch(namespace, name, request).bodyText();
    }

    /** {@code GET path}, body as text. */
    public String get(String namespace, String name, String path) {
        return fetchText(namespace, name, Request.get(path));
    }

    /**
     * {@code GET path}, body as text, sent again (after 100 ms of virtual time) while the answer is
     * a retryable error (UNAVAILABLE: the owner moved, restarted, or the call timed out; or
     * OVERLOADED), until it is answered or {@link Builder#maxWait} has passed. For reads: sending a
     * read twice changes nothing, while a write retried after an unknown outcome may apply twice.
     */
    public String getEventually(String namespace, String name, String path) {
        long deadline = sim.nowNanos() + maxWaitNanos;
        while (true) {
            try {
                return get(namespace, name, path);
            } catch (DuroException e) {
                if (!(e.isRetryable() || e.isOverloaded()) || sim.nowNanos() >= deadline) throw e;
                driver.advanceNanos(Simulation.millis(100));
            }
        }
    }

    /** Starts a request without running the simulation (for concurrent requests); collect it with {@link #await}. */
    public Promise<Response> fetchAsync(String namespace, String name, Request request) {
        return driver.onClient(() -> client().fetch(namespace, name, request, callTimeoutNanos));
    }

    /** Runs the simulation until {@code promise} completes (bounded) and returns its value or throws its failure. */
    public <T> T await(Promise<T> promise) {
        return driver.await(promise);
    }

    /** Opens a WebSocket to the object (a GET upgrade to {@code /}) through any gateway. */
    public TestWebSocket connectWebSocket(String namespace, String name) {
        return connectWebSocket(namespace, name, Request.webSocketUpgrade("/"));
    }

    /** Opens a WebSocket with your own upgrade request (path, headers). */
    public TestWebSocket connectWebSocket(String namespace, String name, Request upgrade) {
        TestWebSocket ws = new TestWebSocket(driver);
        ws.socket = driver.await(() -> client().connect(namespace, name, upgrade, ws.listener(), callTimeoutNanos));
        return ws;
    }

    // ------------------------------------------------------------------ time and the run

    /** Advances virtual time by {@code duration}, running everything due (faults of the plan included). */
    public void advance(Duration duration) {
        driver.advanceNanos(duration.toNanos());
    }

    /** Virtual time since the kit started, in ms: the clock the plan's {@code atMs} are on. */
    public long nowMillis() {
        return sim.nowNanos() / 1_000_000;
    }

    public long seed() {
        return seed;
    }

    public FaultPlan faults() {
        return plan;
    }

    /** Runtime nodes ({@code n0..n(nodes-1)}); the client is the node after them. */
    public int nodes() {
        return cluster.members().size();
    }

    /**
     * What rebuilds this run: the seed, the nodes and the plan, in the words of the builder,
     * e.g. {@code seed=7 nodes=5 faults="crash n2 at 500ms for 3000ms"}.
     */
    public String repro() {
        return "seed=" + seed + " nodes=" + nodes() + " faults=\"" + plan + "\"";
    }

    /** A digest of everything that happened so far: equal for equal seeds, plans and calls. */
    public String traceDigest() {
        return sim.trace().digestHex();
    }

    /** The simulation, for what the kit does not wrap. */
    public Simulation simulation() {
        return sim;
    }

    /** The cluster's settings (members, replicas, lease). */
    public ClusterConfig cluster() {
        return cluster;
    }

    /** The client library on the client node (call it on the client's loop, e.g. via {@link #fetchAsync}). */
    public ClusterClient client() {
        return clients.getLast();
    }

    /** Settings of a cluster kit; every one but the namespaces has a default. The call timeout is 10 s (virtual). */
    public static final class Builder extends KitSettings<Builder> {
        private int nodes = 5;
        private FaultPlan faults = FaultPlan.none();
        private TraceListener listener = TraceListener.NONE;

        private Builder() {
            super("cluster test kit deployment secret", Duration.ofSeconds(10));
        }

        /** Runtime nodes: 3 to 9, default 5 (each object's log has 3 replicas). */
        public Builder nodes(int nodes) {
            if (nodes < 3 || nodes > 9) throw new IllegalArgumentException("nodes must be 3..9, got " + nodes);
            this.nodes = nodes;
            return this;
        }

        /** The faults to apply (default none). */
        public Builder faults(FaultPlan faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** Sees every trace event of the run (to write it to a file, say); default none. */
        public Builder traceListener(TraceListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** A new kit: may be called again for an identical fresh run (same settings, same seed). */
        public ClusterTestKit build() {
            checkBindings();
            return new ClusterTestKit(this);
        }
    }
}
