package dev.duro.runtime.node;

import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.World;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.edge.FrontDoor;
import dev.duro.runtime.edge.NodeFrontDoor;
import dev.duro.runtime.gateway.Gateway;
import dev.duro.runtime.gateway.GatewayOptions;
import dev.duro.runtime.host.ObjectHost;
import dev.duro.runtime.log.DiskLogStore;
import dev.duro.runtime.log.LogOptions;

import java.util.Objects;

/**
 * A runtime node: on each (re)start mounts the disk-backed log store, the object host, the front
 * door and the binary gateway on the incarnation's {@link World}, in that order, then starts the host (which re-arms
 * persisted alarms). Everything an incarnation holds in memory is rebuilt from its disk by the next
 * one; only the deployment, the settings and the references below outlive a crash.
 *
 * <p>The gateway owns the transport's receiver (see {@code docs/gateway.md} for how a later cluster
 * layer can share it).
 */
public final class DuroNode implements NodeProgram {
    private final Deployment deployment;
    private final RuntimeConfig config;
    private final GatewayOptions gatewayOptions;
    private ObjectHost host;
    private NodeFrontDoor frontDoor;
    private Gateway gateway;
    private int incarnations;

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
        // drop the previous incarnation's objects first, so nothing can reach them if building fails
        host = null;
        frontDoor = null;
        gateway = null;
        incarnations++;
        LogOptions logOptions = LogOptions.defaults()
                .withRetentionMillis(config.retentionMillis())
                .withPlantedBugs(config.plantedBugs());
        DiskLogStore logs = new DiskLogStore(world, logOptions);
        ObjectHost newHost = new ObjectHost(world, deployment, logs, config);
        NodeFrontDoor newDoor = new NodeFrontDoor(world, deployment, newHost, Gateway.frontDoorOptions(gatewayOptions), null);
        Gateway newGateway = new Gateway(world, newDoor, gatewayOptions);
        host = newHost;
        frontDoor = newDoor;
        gateway = newGateway;
        newHost.start();
    }

    /**
     * The host of the most recent incarnation, for test hooks; null before the first start. A
     * program cannot observe its own crash, so after one this is still the dead incarnation's host
     * until the restart replaces it; callers ask the node whether it is up.
     */
    public ObjectHost host() {
        return host;
    }

    /** The front door of the most recent incarnation (what edge adapters call); null before the first start. */
    public FrontDoor frontDoor() {
        return frontDoor;
    }

    /** The gateway of the most recent incarnation; null before the first start. */
    public Gateway gateway() {
        return gateway;
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
}
