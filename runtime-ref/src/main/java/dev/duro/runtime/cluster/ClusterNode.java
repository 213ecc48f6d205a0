package dev.duro.runtime.cluster;

import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterMessage.Activate;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.cluster.ClusterMessage.Heartbeat;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.edge.FrontDoor;
import dev.duro.runtime.edge.NodeFrontDoor;
import dev.duro.runtime.gateway.Gateway;
import dev.duro.runtime.gateway.GatewayOptions;
import dev.duro.wire.WireCodec;
import dev.duro.runtime.host.ObjectHost;
import dev.duro.runtime.replication.Replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A runtime node of a cluster (docs/cluster.md). On each (re)start it builds, on the incarnation's
 * {@link World}: the replication service and its log store, the {@link ObjectHost} on those logs,
 * the {@link Router} in front of the host, the front door ({@link NodeFrontDoor}) on the router and
 * the binary {@link Gateway} on the front door, the failure detector
 * and the ownership sweeps; then it takes the transport's receiver, which dispatches on byte 0
 * (gateway {@code 0x47}, replication {@code 0x52}, cluster {@code 0x43}; anything else is counted
 * and dropped), and starts the host (which re-arms the persisted alarms of the objects this node
 * ranks first for).
 *
 * <p>Only the deployment, the settings and the references below outlive a crash; the next
 * incarnation rebuilds everything else from its disk and its peers.
 */
public final class ClusterNode implements NodeProgram {
    private final Deployment deployment;
    private final RuntimeConfig config;
    private final ClusterConfig cluster;
    private final GatewayOptions gatewayOptions;
    private final RoutingOptions routingOptions;
    private final NodeStorage.Factory storageFactory;
    private Incarnation current;
    /**
     * Whether some incarnation's storage finished its start-up writes. Until then every start is a
     * first boot: a crash during the first boot leaves an empty disk that never promised anything,
     * and calling it a lost disk would make it an amnesic replica for no reason (with one damaged
     * peer, its objects could never elect an owner again). This object spans the node's restarts,
     * as the node's supervisor does in production, which keeps a new node's "new" flag until the
     * node reports its store ready. A process that restarts a member which booted before starts
     * with it set ({@link #asExistingMember}), so an empty disk there is a lost disk.
     */
    private boolean initialized;
    private int incarnations;

    public ClusterNode(Deployment deployment, RuntimeConfig config, ClusterConfig cluster) {
        this(deployment, config, cluster, GatewayOptions.defaults());
    }

    public ClusterNode(Deployment deployment, RuntimeConfig config, ClusterConfig cluster, GatewayOptions gatewayOptions) {
        this(deployment, config, cluster, gatewayOptions, RoutingOptions.defaults());
    }

    public ClusterNode(Deployment deployment, RuntimeConfig config, ClusterConfig cluster, GatewayOptions gatewayOptions,
                       RoutingOptions routingOptions) {
        this(deployment, config, cluster, gatewayOptions, routingOptions, NodeStorage::replicated);
    }

    /**
     * A one-member cluster on the node's own disk log, unreplicated: the single-node runtime
     * ({@code DuroNode}). {@code self} is the node it will run on.
     */
    public static ClusterNode single(Deployment deployment, RuntimeConfig config, GatewayOptions gatewayOptions, NodeId self) {
        ClusterConfig one = ClusterConfig.of(1);
        if (!self.equals(NodeId.of(0))) {
            one = new ClusterConfig(List.of(self), 1, one.leaseMillis(), one.driftBoundPpm(), one.heartbeatMillis(), one.suspectAfterMillis());
        }
        return new ClusterNode(deployment, config, one, gatewayOptions, RoutingOptions.defaults(), NodeStorage::local);
    }

    /** With other storage under the host than {@link Replication} (tests of routing and failover). */
    ClusterNode(Deployment deployment, RuntimeConfig config, ClusterConfig cluster, GatewayOptions gatewayOptions,
                RoutingOptions routingOptions, NodeStorage.Factory storageFactory) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.config = Objects.requireNonNull(config, "config");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.gatewayOptions = Objects.requireNonNull(gatewayOptions, "gatewayOptions");
        this.routingOptions = Objects.requireNonNull(routingOptions, "routingOptions");
        this.storageFactory = Objects.requireNonNull(storageFactory, "storageFactory");
    }

    @Override
    public void start(World world) {
        if (!cluster.isMember(world.self())) {
            throw new IllegalArgumentException(world.self() + " runs a cluster node but is not a member of the cluster "
                    + cluster.members() + "; give every runtime node an index in the configuration");
        }
        if (current != null && current.storage.initialized()) initialized = true;
        // drop the previous incarnation first, so nothing can reach it if building fails
        current = null;
        incarnations++;
        current = new Incarnation(world, !initialized);
    }

    /** One incarnation's parts, all on its world. */
    private final class Incarnation {
        final World world;
        final Placement placement = new Placement(cluster);
        final NodeStorage storage;
        final ObjectHost host;
        final FailureDetector detector;
        final Router router;
        final NodeFrontDoor frontDoor;
        final Gateway gateway;
        final OwnershipSweeper sweeper;
        long unknownFamily;
        long malformedCluster;

        Incarnation(World world, boolean firstBoot) {
            this.world = world;
            storage = storageFactory.open(world, cluster, placement, config, firstBoot);
            storage.start();
            host = new ObjectHost(world, deployment, storage.logStore(), config);
            host.setCluster(cluster); // ids its objects mint are located here (docs/cluster.md "Locations")
            NodeId self = world.self();
            host.setTakenOver((ns, id) -> !placement.replicas(ns, id).getFirst().equals(self));
            List<Runnable> onViewChange = new ArrayList<>();
            long incarnation = world.entropy().derive("cluster/incarnation").nextLong();
            if (incarnation == 0) incarnation = 1; // 0 means "not known" in a forward's stamp
            detector = new FailureDetector(world, cluster, incarnation, () -> onViewChange.forEach(Runnable::run));
            router = new Router(world, placement, detector, host, routingOptions, incarnation);
            boolean alone = cluster.members().size() == 1;
            // an object's call to another object runs at the callee's owner (alone, every callee is here)
            if (!alone) host.routeStubsThrough(router);
            frontDoor = new NodeFrontDoor(world, deployment, router, Gateway.frontDoorOptions(gatewayOptions), cluster);
            gateway = new Gateway(world, frontDoor, gatewayOptions);
            sweeper = new OwnershipSweeper(world, config, List.copyOf(deployment.namespaces().keySet()), host, storage,
                    router, routingOptions.sweepIntervalNanos());
            onViewChange.add(router::viewChanged);
            onViewChange.add(sweeper::viewChanged);
            world.transport().onReceive(this::dispatch); // replaces the gateway's own receiver
            host.start();
            if (!alone) {
                // alone there is no one to hear from or hand objects to; the host's start re-armed the alarms
                detector.start();
                sweeper.start();
            }
        }

        void dispatch(NodeId from, byte[] message) {
            byte family = message.length == 0 ? 0 : message[0];
            switch (family) {
                case WireCodec.FAMILY_GATEWAY -> gateway.receive(from, message);
                case Replication.FAMILY -> storage.receive(from, message);
                case ClusterCodec.FAMILY -> onCluster(from, message);
                default -> unknownFamily++;
            }
        }

        private void onCluster(NodeId from, byte[] bytes) {
            ClusterMessage message;
            try {
                message = ClusterCodec.decode(bytes);
            } catch (IllegalArgumentException e) {
                malformedCluster++;
                world.trace().record("cluster-malformed", "from=" + from + " bytes=" + bytes.length);
                return;
            }
            switch (message) {
                case Heartbeat h -> {
                    detector.heard(from);
                    if (cluster.isMember(from)) router.heard(from, h.incarnation());
                }
                case Forward f -> router.onForward(from, f);
                case ForwardReply r -> router.onForwardReply(from, r);
                case Activate a -> sweeper.claim(a.namespace(), a.id());
                case ClusterMessage.SocketFrame f -> {
                    if (cluster.isMember(from)) router.onSocketFrame(from, f);
                }
            }
        }
    }

    // ---------------------------------------------------------------- accessors (tests, tools)

    /** The host of the most recent incarnation; null before the first start (see {@code DuroNode#host}). */
    public ObjectHost host() {
        return current == null ? null : current.host;
    }

    /** The front door of the most recent incarnation (what edge adapters call); null before the first start. */
    public FrontDoor frontDoor() {
        return current == null ? null : current.frontDoor;
    }

    /** The gateway of the most recent incarnation; null before the first start. */
    public Gateway gateway() {
        return current == null ? null : current.gateway;
    }

    /**
     * This node joined the cluster before, in an earlier process: even its first start here is a
     * restart, and a disk without its node marker lost everything. A new process for an existing
     * member must call this before {@link #start}; the default (a new member until its store is
     * initialized) suits provisioning and the simulation, where this object spans the restarts.
     */
    public ClusterNode asExistingMember() {
        if (current != null) throw new IllegalStateException("asExistingMember() must come before the first start");
        initialized = true;
        return this;
    }

    /** The incarnation number the most recent incarnation's heartbeats carry and forwards to it are stamped with (tests). */
    long routingIncarnation() {
        return current.router.incarnation();
    }

    /** True once the current incarnation's storage finished its start-up writes (tests). */
    boolean storageInitialized() {
        return current != null && current.storage.initialized();
    }

    /** How many times {@link #start} ran (1 after the first boot, +1 per restart). */
    public int incarnations() {
        return incarnations;
    }

    public Deployment deployment() {
        return deployment;
    }

    public RuntimeConfig config() {
        return config;
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** The members the most recent incarnation's failure detector suspects now, in index order. */
    public java.util.SortedSet<NodeId> suspected() {
        return current == null ? java.util.Collections.emptySortedSet() : current.detector.suspected();
    }

    /** The node the most recent incarnation would route {@code (namespace, id)} to now. */
    public NodeId preferredOwner(String namespace, dev.duro.model.object.ObjectId id) {
        Objects.requireNonNull(current, "the node has not started");
        return current.router.preferredOwner(namespace, id);
    }

    /** Counters of the most recent incarnation, for tests and reports. */
    public Stats stats() {
        if (current == null) return new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0);
        Router.Stats r = current.router.stats();
        return new Stats(current.unknownFamily, current.malformedCluster, r.forwarded(), r.inFlight(), r.overloaded(),
                r.timedOut(), r.lateReplies(), r.refusals(), r.duplicateForwards());
    }

    /**
     * @param unknownFamilyFrames messages whose first byte names no family this node speaks (dropped)
     * @param malformedCluster    cluster-family messages that could not be decoded (dropped)
     * @param forwarded           requests forwarded to their owners
     * @param forwardsInFlight    forwards waiting for an answer now
     * @param forwardsOverloaded  requests refused with OVERLOADED because too many forwards were in flight
     * @param forwardsTimedOut    forwards given up with UNAVAILABLE (timeout, or the owner became suspected)
     * @param lateForwardReplies  answers to forwards that were no longer waiting
     * @param forwardRefusals     forwards refused without running (addressed to another incarnation, or to a
     *                            node that does not own the object) and sent again
     * @param duplicateForwards   forwards received again and not run again
     */
    public record Stats(long unknownFamilyFrames, long malformedCluster, long forwarded, int forwardsInFlight,
                        long forwardsOverloaded, long forwardsTimedOut, long lateForwardReplies, long forwardRefusals,
                        long duplicateForwards) {
    }
}
