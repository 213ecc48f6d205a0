package dev.duro.sim.run;

import dev.duro.model.util.AllowNondeterminism;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.TraceListener;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * Test fixture: nodes chatter (random messages on random timers, echoes) under every kernel fault
 * (loss, duplication, reordering, partitions, clogs, crashes, restarts, pauses, drift). It checks
 * nothing; it exists to exercise every path of the kernel for the determinism property.
 *
 * <p>With {@code nondeterministic} set, node n1 reads the wall clock once to choose a delay: the
 * deliberate bug the double-run check must catch.
 */
final class ChatterScenario implements Scenario {
    private final boolean nondeterministic;

    ChatterScenario(boolean nondeterministic) {
        this.nondeterministic = nondeterministic;
    }

    @Override
    public String name() {
        return nondeterministic ? "chatter-nondeterministic" : "chatter";
    }

    @Override
    public String description() {
        return "test fixture: random chatter under all kernel faults";
    }

    @Override
    public long defaultUntilMs() {
        return 2_000;
    }

    @Override
    public ScenarioRun setUp(RunConfig config, TraceListener listener) {
        SeededEntropy params = new SeededEntropy(config.seed()).derive("params");
        int nodes = 2 + params.nextInt(4);
        NetworkConfig net = new NetworkConfig(params.between(10_000, 2_000_000), params.between(0, 3_000_000),
                params.chance(0.5) ? NetworkConfig.Jitter.UNIFORM : NetworkConfig.Jitter.EXPONENTIAL,
                params.nextDouble() * 0.2, params.nextDouble() * 0.1, params.nextDouble() * 0.3, params.between(0, 5_000_000));
        Simulation sim = new Simulation(Simulation.Options.seed(config.seed()).withNetwork(net).withListener(listener)
                .withRingCapacity(config.ringCapacity())
                .withFaultPoints(new SimulatedNode.FaultPointSettings(true, config.seed(), 0.5, 0.1)));
        for (int i = 0; i < nodes; i++) {
            sim.addNode(world -> new Chatter(world, nodes, nondeterministic).start(), NoDiskDevice.FACTORY);
        }
        sim.startAll();
        SeededEntropy nemesis = sim.entropy("nemesis");
        long t = 0;
        while (t < Simulation.millis(1_500)) {
            t += nemesis.between(1_000_000, 60_000_000);
            int target = nemesis.nextInt(nodes);
            int op = nemesis.nextInt(7);
            long duration = nemesis.between(1_000_000, 50_000_000);
            long at = t;
            sim.at(at, () -> {
                SimulatedNode n = sim.node(target);
                switch (op) {
                    case 0 -> {
                        if (n.isUp()) n.crash();
                        sim.after(duration, () -> {
                            if (!n.isUp()) n.restart();
                        });
                    }
                    case 1 -> {
                        if (n.isUp()) n.pause(duration);
                    }
                    case 2 -> {
                        sim.network().isolate(target);
                        sim.after(duration, sim.network()::heal);
                    }
                    case 3 -> sim.network().clogNode(target, duration);
                    case 4 -> n.clock().setDriftPpm(duration % 2_000 - 1_000);
                    case 5 -> sim.network().block(target, (target + 1) % nodes);
                    default -> sim.network().heal();
                }
            });
        }
        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("nodes", String.valueOf(nodes));
        p.put("network", net.toString());
        return ScenarioRun.of(sim, p, reason -> List.of());
    }

    /** The node program: chatter on timers, echo what arrives. */
    private static final class Chatter {
        private final World world;
        private final int nodes;
        private final boolean nondeterministic;
        private int sent;

        Chatter(World world, int nodes, boolean nondeterministic) {
            this.world = world;
            this.nodes = nodes;
            this.nondeterministic = nondeterministic;
        }

        void start() {
            world.transport().onReceive((from, bytes) -> {
                long value = ByteBuffer.wrap(bytes).getLong();
                world.trace().record("got", from + " " + value);
                if (value % 3 == 0) world.transport().send(from, ByteBuffer.allocate(8).putLong(value + 1).array());
            });
            tick();
        }

        private void tick() {
            int to = world.entropy().nextInt(nodes);
            world.transport().send(NodeId.of(to), ByteBuffer.allocate(8).putLong(world.entropy().nextLong(1000)).array());
            if (world.faultPoints().fire("chatter.extra")) world.transport().send(NodeId.of(to), new byte[8]);
            sent++;
            world.loop().schedule(delayNanos(), this::tick);
        }

        @AllowNondeterminism("test fixture: the deliberate wall-clock read the double-run check must catch")
        private long delayNanos() {
            long d = 1_000_000 + world.entropy().nextLong(20_000_000);
            if (nondeterministic && world.self().index() == 1 && sent == 20) {
                d += System.nanoTime() % 1_000 + 1; // differs between the two runs
            }
            return d;
        }
    }
}
