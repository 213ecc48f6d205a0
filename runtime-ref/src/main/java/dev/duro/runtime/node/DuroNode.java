package dev.duro.runtime.node;

import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.edge.FrontDoor;
import dev.duro.runtime.gateway.Gateway;
import dev.duro.runtime.gateway.GatewayOptions;
import dev.duro.runtime.host.ObjectHost;

import java.util.Objects;

/**
 * The single-node runtime: a {@link ClusterNode} with one member and one replica, on the node's own
 * disk log (unreplicated, no failure detector or ownership sweeps: there is no one else). One node
 * program serves both shapes; docs/design-decisions.md "One node program". On each (re)start the
 * cluster node mounts the log store, the object host, the router (every object is local), the
 * front door and the binary gateway, then starts the host (which re-arms persisted alarms).
 * Everything an incarnation holds in memory is rebuilt from its disk by the next one.
 */
public final class DuroNode implements NodeProgram {
    private final Deployment deployment;
    private final RuntimeConfig config;
    private final GatewayOptions gatewayOptions;
    /** Built at the first start, when the node's id is known. */
    private ClusterNode node;

    public DuroNode(Deployment deployment, RuntimeConfig config) {
        this(deployment, config, GatewayOptions.defaults());
    }

    public DuroNode(Deployment deployment, RuntimeConfig config, GatewayOptions gatewayOptions) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.config = Objects.requireNonNull(config, "config");
        this.gatewayOptions = Objects.requireNonNull(gatewayOptions, "gatewayOptions");
    }

    @Override
    public void start(World world) {
        if (node == null) node = ClusterNode.single(deployment, config, gatewayOptions, world.self());
        node.start(world);
    }

    /**
     * The host of the most recent incarnation, for test hooks; null before the first start. A
     * program cannot observe its own crash, so after one this is still the dead incarnation's host
     * until the restart replaces it; callers ask the node whether it is up.
     */
    public ObjectHost host() {
        return node == null ? null : node.host();
    }

    /** The front door of the most recent incarnation (what edge adapters call); null before the first start. */
    public FrontDoor frontDoor() {
        return node == null ? null : node.frontDoor();
    }

    /** The gateway of the most recent incarnation; null before the first start. */
    public Gateway gateway() {
        return node == null ? null : node.gateway();
    }

    /** How many times {@link #start} ran (1 after the first boot, +1 per restart). */
    public int incarnations() {
        return node == null ? 0 : node.incarnations();
    }

    public Deployment deployment() {
        return deployment;
    }

    public RuntimeConfig config() {
        return config;
    }
}
