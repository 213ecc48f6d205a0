package dev.duro.runtime.gateway;

import dev.duro.client.*;
import dev.duro.wire.*;
import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.EventKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Node 0 runs a {@link Gateway} over a {@link FakeEndpoint}; node 1 runs a {@link GatewayClient}. */
final class GatewayRig {
    static final byte[] SECRET = "gateway test secret, 32 bytes!!!".getBytes(StandardCharsets.UTF_8);
    /** The fake endpoint stands in for the host, so the bound classes never run. */
    static final ObjectFactory UNUSED = context -> request -> {
        throw new AssertionError("the fake endpoint runs no objects");
    };
    static final Deployment DEPLOYMENT = new Deployment(SECRET, List.of(
            new NamespaceBinding("COUNTERS", UNUSED), new NamespaceBinding("ROOMS", UNUSED)));
    static final NodeId GATEWAY = NodeId.of(0);

    final Simulation sim;
    final SimulatedNode gatewayNode;
    final SimulatedNode clientNode;
    final List<FakeEndpoint> endpoints = new ArrayList<>();
    final List<Gateway> gateways = new ArrayList<>();
    final List<GatewayClient> clients = new ArrayList<>();
    final List<String> records = new ArrayList<>();

    GatewayRig(long seed) {
        this(seed, NetworkConfig.DEFAULT, GatewayOptions.defaults(), ClientOptions.defaults());
    }

    GatewayRig(long seed, NetworkConfig network, GatewayOptions gatewayOptions, ClientOptions clientOptions) {
        sim = new Simulation(Simulation.Options.seed(seed).withNetwork(network).withListener(e -> {
            if (e.kind() == EventKind.RECORD) records.add(e.label() + " " + e.detail());
        }));
        gatewayNode = sim.addNode(world -> {
            FakeEndpoint endpoint = new FakeEndpoint(world);
            endpoints.add(endpoint);
            gateways.add(new Gateway(world, DEPLOYMENT, endpoint, gatewayOptions));
        }, NoDiskDevice.FACTORY);
        clientNode = sim.addNode(world -> clients.add(new GatewayClient(world, clientOptions)), NoDiskDevice.FACTORY);
        sim.startAll();
        runFor(1);
    }

    FakeEndpoint endpoint() {
        return endpoints.getLast();
    }

    Gateway gateway() {
        return gateways.getLast();
    }

    GatewayClient client() {
        return clients.getLast();
    }

    World clientWorld() {
        return clientNode.world();
    }

    /** Runs {@code action} on the client's loop now and the simulation until everything it started settles (or {@code ms} pass). */
    <T> Promise<T> onClient(java.util.function.Function<GatewayClient, Promise<T>> action) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<T>[] holder = new Promise[1];
        clientWorld().loop().execute(() -> holder[0] = action.apply(client()));
        runFor(0);
        return holder[0];
    }

    void onClientLoop(Consumer<GatewayClient> action) {
        clientWorld().loop().execute(() -> action.accept(client()));
    }

    void runFor(long ms) {
        long until = sim.nowNanos() + Simulation.millis(ms) + 1;
        sim.at(until, () -> { });
        StopReason why = sim.run(until, 10_000_000);
        assertThat(why).isIn(StopReason.TIME_LIMIT, StopReason.QUIESCENT);
    }
}
