package dev.duro.deploy.serve;

import dev.duro.deploy.http.EdgeTarget;
import dev.duro.deploy.http.HttpEdge;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.NodeConfig;
import dev.duro.deploy.node.RealNode;
import dev.duro.runtime.PlantedBug;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.worker.Worker;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.edge.FrontDoor;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One member as a process serves it: the runtime's {@link ClusterNode} on a {@link RealNode}, its
 * {@link FrontDoor} (resolution, duplicate suppression, routing to owners anywhere in the cluster,
 * WebSockets to objects on any member), and the member's own HTTP listener in front of it. {@code duro node} runs one; {@code duro dev} runs several in one
 * process.
 */
public final class ServedNode {
    /** A call to an object fails with UNAVAILABLE after the HTTP timeout and this much more, so the HTTP client sees 504 first. */
    private static final long CALL_TIMEOUT_MARGIN_MILLIS = 1_000;

    private final NodeId id;
    private final RealNode member;
    private final EdgeTarget target;
    private final HttpEdge http;
    private final boolean existing;

    /**
     * What one member needs.
     *
     * @param id            the member
     * @param cluster       every member, replicas, timing
     * @param deployment    the namespaces
     * @param worker        the deployment's worker
     * @param nodeListen    where it accepts the other members (port 0: any)
     * @param peers         where the members listen (read at every connection attempt; may be filled after start)
     * @param dataDir       its data directory; the edge client's is {@code dataDir/edge}
     * @param clusterSecret the node-to-node key
     * @param httpListen    where its HTTP listener binds (port 0: any)
     * @param http          HTTP limits
     */
    public record Spec(NodeId id, ClusterConfig cluster, Deployment deployment, Worker worker, InetSocketAddress nodeListen,
                       Map<NodeId, InetSocketAddress> peers, Path dataDir, byte[] clusterSecret, InetSocketAddress httpListen,
                       HttpOptions http) {
        public Spec {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(deployment, "deployment");
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(nodeListen, "nodeListen");
            Objects.requireNonNull(peers, "peers");
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(clusterSecret, "clusterSecret");
            Objects.requireNonNull(httpListen, "httpListen");
            Objects.requireNonNull(http, "http");
        }
    }

    private ServedNode(NodeId id, RealNode member, EdgeTarget target, HttpEdge http, boolean existing) {
        this.id = id;
        this.member = member;
        this.target = target;
        this.http = http;
        this.existing = existing;
    }

    /**
     * Starts the member, its edge client and its HTTP listener; blocks until all three run.
     * {@code onNodeBound} is told the member's node address as soon as it is bound (before the
     * edge client dials it).
     */
    public static ServedNode start(Spec spec, EventLoopGroup httpIo, RealNode.Options options,
                                   java.util.function.Consumer<InetSocketAddress> onNodeBound) {
        return start(spec, httpIo, options, onNodeBound, Set.of());
    }

    /**
     * {@link #start(Spec, EventLoopGroup, RealNode.Options, java.util.function.Consumer)} with
     * planted bugs switched on in the runtime: only {@code duro cluster test --planted-bug} asks
     * for any, to show that its checkers catch them on a real cluster.
     */
    public static ServedNode start(Spec spec, EventLoopGroup httpIo, RealNode.Options options,
                                   java.util.function.Consumer<InetSocketAddress> onNodeBound, Set<PlantedBug> plantedBugs) {
        boolean existing = hasRuntimeData(spec.dataDir());
        RuntimeConfig runtime = plantedBugs.isEmpty() ? RuntimeConfig.defaults() : RuntimeConfig.defaults().withPlantedBugs(plantedBugs);
        ClusterNode program = new ClusterNode(spec.deployment(), runtime, spec.cluster());
        // A member whose disk holds runtime files booted before: an empty disk after that would be a
        // lost disk. (A first boot killed before it wrote anything looks new again, which is right.)
        if (existing) program.asExistingMember();
        RealNode member = RealNode.start(new NodeConfig(spec.id(), spec.nodeListen(), spec.peers(), spec.dataDir(),
                spec.clusterSecret()), program, options);
        try {
            onNodeBound.accept(member.address());
            FrontDoor door = frontDoorOf(program, member);
            EdgeTarget target = new EdgeTarget(spec.id().toString(), member.world().loop(), door, spec.worker());
            HttpEdge http = HttpEdge.bind(spec.httpListen(), List.of(target), spec.http(), httpIo, options.log());
            return new ServedNode(spec.id(), member, target, http, existing);
        } catch (RuntimeException e) {
            member.stop();
            throw e;
        }
    }

    /** The node's front door, read on its loop once its start (queued before) has run. */
    private static FrontDoor frontDoorOf(ClusterNode program, RealNode member) {
        CompletableFuture<FrontDoor> door = new CompletableFuture<>();
        member.world().loop().execute(() -> door.complete(program.frontDoor()));
        try {
            FrontDoor d = door.get(30, TimeUnit.SECONDS);
            if (d == null) throw new IllegalStateException(member.world().self() + " did not start: it has no front door");
            return d;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(member.world().self() + " did not start within 30 s: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + member.world().self() + " started", e);
        }
    }

    /** True when {@code dataDir/disk} holds anything: the runtime wrote there before. */
    static boolean hasRuntimeData(Path dataDir) {
        Path disk = dataDir.resolve("disk");
        if (!Files.isDirectory(disk)) return false;
        try (Stream<Path> entries = Files.list(disk)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false; // the data directory's own checks report what is wrong with it
        }
    }

    public NodeId id() {
        return id;
    }

    /** Whether it started as an existing member (its disk held runtime data). */
    public boolean existing() {
        return existing;
    }

    public EdgeTarget target() {
        return target;
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    public InetSocketAddress nodeAddress() {
        return member.address();
    }

    public RealNode member() {
        return member;
    }

    /**
     * Waits until a call through the front door gets an answer that is not a retryable failure
     * (owners elected, peers connected), or {@code timeoutMillis}. The probe calls object
     * {@code duro-ready-<id>} of the first binding with {@code GET /duro-ready}.
     *
     * @param log told of each probe that failed with a retryable error
     * @return whether it became ready in time
     */
    public boolean awaitReady(long timeoutMillis, java.util.function.Consumer<String> log) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            target.loop().execute(() -> {
                FrontDoor door = target.door();
                String ns = door.workerEnv().bindings().first();
                Promise<Response> p = door.fetch(new FrontDoor.EdgeCall(ns, "duro-ready-" + id, true, Request.get("/duro-ready"), null));
                p.whenComplete((r, failure) -> {
                    boolean retry = failure instanceof DuroException e && (e.isRetryable() || e.isOverloaded());
                    if (retry) log.accept(id + " not ready yet: " + failure.getMessage());
                    ready.complete(!retry);
                });
            });
            try {
                if (ready.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L), TimeUnit.MILLISECONDS)) return true;
                Thread.sleep(100);
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Stops accepting HTTP (the listener closes, new requests get 503) and tells the door to drain. */
    public void beginDrain() {
        http.drain();
        target.loop().execute(() -> target.door().drain());
    }

    /** Requests accepted and not answered: the HTTP listener's and the door's. */
    public int inFlight() {
        CompletableFuture<Integer> n = new CompletableFuture<>();
        target.loop().execute(() -> n.complete(target.door().inFlight()));
        int door;
        try {
            door = n.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            door = 0; // the loop is gone: nothing more will be answered
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            door = 0;
        }
        return http.inFlight() + door;
    }

    /**
     * Drains (see {@link #beginDrain}), waits up to {@code timeoutMillis} for what is in flight, then
     * stops. Returns the requests still in flight when it gave up (0: a clean drain).
     */
    public int drainAndStop(long timeoutMillis) {
        beginDrain();
        int left = awaitQuiet(this::inFlight, timeoutMillis);
        stop();
        return left;
    }

    /** Polls {@code inFlight} every 10 ms until it is 0 or {@code timeoutMillis} passed; returns the last count. */
    static int awaitQuiet(java.util.function.IntSupplier inFlight, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int left = inFlight.getAsInt();
        while (left > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = inFlight.getAsInt();
        }
        return left;
    }

    /** Stops everything: HTTP connections, then the member (its leases lapse on the other members' clocks). */
    public void stop() {
        http.close();
        member.stop();
    }
}
