package dev.duro.sim;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.sim.disk.DiskDevice;
import dev.duro.sim.kernel.Kernel;
import dev.duro.sim.kernel.SimulatedClock;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.net.SimulatedNetwork;
import dev.duro.sim.node.DiskDeviceFactory;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.Trace;
import dev.duro.sim.trace.TraceEvent;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A deterministic simulated cluster: the kernel (virtual time, one ordered event queue), the
 * network, the nodes and the trace, all driven by one seed. Typical use:
 *
 * <pre>{@code
 * Simulation sim = new Simulation(Simulation.Options.seed(42));
 * for (int i = 0; i < 3; i++) sim.addNode(world -> new MyProgram(world), NoDiskDevice.FACTORY);
 * sim.startAll();
 * sim.at(millis(500), () -> sim.node(2).crash());
 * sim.at(millis(900), () -> sim.node(2).restart());
 * sim.at(millis(300), () -> sim.network().isolate(0));
 * sim.at(millis(800), () -> sim.network().heal());
 * StopReason why = sim.run(millis(10_000), 1_000_000);
 * String digest = sim.trace().digestHex();
 * }</pre>
 *
 * <p><b>Entropy streams.</b> The root stream is seeded with the run's seed; every consumer derives
 * its own by purpose: {@code "network"}, {@code "node/n3"} (then {@code "incarnation/2"} →
 * {@code "program"} / {@code "fault-points"}, and {@code "disk"}), {@code "clock/n3"},
 * {@code "fault-points"}, and whatever the scenario asks for through {@link #entropy(String)}.
 *
 * <p>Not thread-safe by design: one thread owns a simulation (two simulations may run interleaved
 * on that thread, as the double-run check does).
 */
public final class Simulation {
    /** How to build a simulation; {@link #seed(long)} gives the defaults. */
    public record Options(long seed, int ringCapacity, TraceListener listener, NetworkConfig network,
                          SimulatedNode.FaultPointSettings faultPoints) {
        public static Options seed(long seed) {
            return new Options(seed, 1024, TraceListener.NONE, NetworkConfig.DEFAULT, SimulatedNode.FaultPointSettings.OFF);
        }

        public Options withRingCapacity(int capacity) {
            return new Options(seed, capacity, listener, network, faultPoints);
        }

        public Options withListener(TraceListener l) {
            return new Options(seed, ringCapacity, l, network, faultPoints);
        }

        public Options withNetwork(NetworkConfig config) {
            return new Options(seed, ringCapacity, listener, config, faultPoints);
        }

        public Options withFaultPoints(SimulatedNode.FaultPointSettings settings) {
            return new Options(seed, ringCapacity, listener, network, settings);
        }
    }

    private final Options options;
    private final SeededEntropy root;
    private final Trace trace;
    private final Kernel kernel;
    private final SimulatedNetwork network;
    private final List<SimulatedNode> nodes = new ArrayList<>();

    public Simulation(Options options) {
        this.options = options;
        this.root = new SeededEntropy(options.seed());
        this.trace = new Trace(options.ringCapacity(), options.listener());
        this.kernel = new Kernel(trace);
        this.network = new SimulatedNetwork(kernel, root.derive("network"), options.network());
    }

    public long seed() {
        return options.seed();
    }

    public Kernel kernel() {
        return kernel;
    }

    public Trace trace() {
        return trace;
    }

    public SimulatedNetwork network() {
        return network;
    }

    /**
     * A fault the harness injects the instant a node records the fact {@code label} (see
     * {@link Trace#onRecord}); unlike a listener, it changes the run, deterministically.
     */
    public void onRecord(String label, Consumer<TraceEvent> action) {
        trace.onRecord(label, action);
    }

    /** An entropy stream for {@code purpose} (a pure function of the seed and the name). */
    public SeededEntropy entropy(String purpose) {
        return root.derive(purpose);
    }

    /**
     * Adds a node running {@code program}, with a disk device from {@code disks}. Its monotonic
     * clock starts at a random origin (code must only use differences) with no drift.
     */
    public SimulatedNode addNode(NodeProgram program, DiskDeviceFactory disks) {
        int index = kernel.registerNode();
        network.addNode(index);
        NodeId id = NodeId.of(index);
        SeededEntropy nodeRoot = root.derive("node/" + id);
        DiskDevice device = disks.create(id, nodeRoot.derive("disk"));
        long originNanos = root.derive("clock/" + id).nextLong(1L << 50);
        SimulatedClock clock = new SimulatedClock(kernel, originNanos, 0, 0);
        SimulatedNode.FaultPointSettings fp = options.faultPoints();
        SimulatedNode node = new SimulatedNode(kernel, network, index, program, device, clock, nodeRoot, fp);
        nodes.add(node);
        Invariants.check(nodes.size() == kernel.nodeCount(), "node registry out of step with the kernel");
        return node;
    }

    public SimulatedNode node(int index) {
        Invariants.check(index >= 0 && index < nodes.size(), "no node n%d (have %d)", index, nodes.size());
        return nodes.get(index);
    }

    public List<SimulatedNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Starts every node that has not started yet, in index order. */
    public void startAll() {
        for (SimulatedNode n : nodes) {
            if (n.state() == dev.duro.sim.node.NodeState.NEW) n.start();
        }
    }

    public long nowNanos() {
        return kernel.nowNanos();
    }

    /** Runs {@code action} (harness code, no node) at virtual time {@code timeNanos}. */
    public void at(long timeNanos, Runnable action) {
        kernel.scheduleAction(timeNanos, Kernel.NO_NODE, Kernel.ANY_INCARNATION, seq -> action.run());
    }

    /** Runs {@code action} (harness code) {@code delayNanos} from now. */
    public void after(long delayNanos, Runnable action) {
        at(kernel.nowNanos() + delayNanos, action);
    }

    /** Records a harness note (phase changes, drawn parameters) in the trace. */
    public void note(String label, String detail) {
        trace.record(kernel.nowNanos(), Kernel.NO_NODE, EventKind.NOTE, 0, 0, 0, label, detail);
    }

    /** Sets the budgets and runs to a stop. */
    public StopReason run(long untilNanos, long maxEvents) {
        kernel.budget(untilNanos, maxEvents);
        return kernel.run();
    }

    /** Runs one queue entry under the budgets set by {@link Kernel#budget}; null while running. */
    public StopReason step() {
        return kernel.step();
    }

    public static long millis(long ms) {
        return Math.multiplyExact(ms, 1_000_000L);
    }
}
