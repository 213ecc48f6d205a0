package dev.duro.faults;

import dev.duro.model.world.DiskFile;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.trace.TraceListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: {@code nodes} nodes chatter over the network and append-and-fsync to their own
 * jimfs disks, under a {@link Nemesis} with every fault kind on, healing at {@code healAtMs}. A node
 * whose fsync fails exits (fail-stop), so the supervisor's restart path runs too.
 */
final class NemesisRig {
    final Simulation sim;
    final NemesisPlan plan;
    final List<SimDiskDevice> disks = new ArrayList<>();
    final long healAtNanos;

    NemesisRig(long seed, int nodes, long healAtMs, TraceListener listener) {
        this(seed, nodes, healAtMs, listener, plain(seed));
    }

    /** With the plan adapted to a cluster of {@code nodes} (2 s leases, bound 1000 ppm), within the bound or beyond it. */
    static NemesisRig cluster(long seed, int nodes, long healAtMs, TraceListener listener, boolean beyondBound) {
        return cluster(seed, nodes, healAtMs, listener, 1_000, beyondBound);
    }

    static NemesisRig cluster(long seed, int nodes, long healAtMs, TraceListener listener, long boundPpm, boolean beyondBound) {
        NemesisPlan p = plain(seed).forCluster(new Simulation(Simulation.Options.seed(seed)).entropy("nemesis-plan"), nodes,
                2_000, boundPpm, beyondBound);
        return new NemesisRig(seed, nodes, healAtMs, listener, p);
    }

    private static NemesisPlan plain(long seed) {
        return NemesisPlan.draw(FaultSelection.ALL, new Simulation(Simulation.Options.seed(seed)).entropy("nemesis-plan"));
    }

    NemesisRig(long seed, int nodes, long healAtMs, TraceListener listener, NemesisPlan plan) {
        this.plan = plan;
        this.sim = new Simulation(Simulation.Options.seed(seed).withNetwork(plan.network()).withListener(listener));
        this.healAtNanos = Simulation.millis(healAtMs);
        for (int i = 0; i < nodes; i++) {
            sim.addNode(world -> new Chatter(world, nodes).start(), (id, entropy) -> {
                SimDiskDevice d = new SimDiskDevice(DiskFaultConfig.none(), entropy);
                disks.add(d);
                return d;
            });
        }
        new Nemesis(sim, plan, healAtNanos, nodes, disks).install();
        sim.startAll();
    }

    /** The node program: random messages on random timers, echoes, and a log it appends to and syncs. */
    private static final class Chatter {
        private final World world;
        private final int nodes;
        private DiskFile log;
        private long appended;

        Chatter(World world, int nodes) {
            this.world = world;
            this.nodes = nodes;
        }

        void start() {
            world.transport().onReceive((from, bytes) -> {
                long value = ByteBuffer.wrap(bytes).getLong();
                if (value % 3 == 0) world.transport().send(from, ByteBuffer.allocate(8).putLong(value + 1).array());
            });
            log = world.disk().open("log", true);
            world.disk().syncDirectory("");
            tick();
        }

        private void tick() {
            world.transport().send(NodeId.of(world.entropy().nextInt(nodes)),
                    ByteBuffer.allocate(8).putLong(world.entropy().nextLong(1000)).array());
            log.append(ByteBuffer.allocate(16).putLong(appended++).putLong(world.clock().monotonicNanos()).array());
            if (appended % 4 == 0) {
                log.sync().onFailure(error -> world.exit("fsync failed: " + error.getMessage()));
            }
            world.loop().schedule(1_000_000 + world.entropy().nextLong(20_000_000), this::tick);
        }
    }
}
