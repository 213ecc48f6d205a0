package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.TraceEvent;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One simulated node with a {@link SimDiskDevice} and a {@link DiskLogStore} per incarnation, for
 * driving the log from a test: {@link #await} runs an action on the node's loop and runs the
 * simulation until its promise completes.
 */
final class LogRig {
    static final String NS = "COUNTERS";
    static final ObjectId ID = id(1, "alice");

    final Simulation sim;
    final SimulatedNode node;
    SimDiskDevice device;
    World world;
    DiskLogStore store;
    final LogOptions options;
    final List<TraceEvent> events = new ArrayList<>();
    /** Runs on the loop after each (re)start, once the store exists. */
    Consumer<LogRig> onStart = r -> { };

    LogRig(long seed, DiskFaultConfig config, LogOptions options) {
        this(Simulation.Options.seed(seed), config, options);
    }

    LogRig(Simulation.Options simOptions, DiskFaultConfig config, LogOptions options) {
        this.options = options;
        this.sim = new Simulation(simOptions.withListener(events::add));
        this.node = sim.addNode(w -> {
            world = w;
            store = new DiskLogStore(w, options);
            onStart.accept(this);
        }, (id, entropy) -> device = new SimDiskDevice(config, entropy));
        sim.startAll();
        runMillis(1);
    }

    static ObjectId id(int n, String name) {
        byte[] bytes = new byte[ObjectId.BYTES];
        bytes[0] = (byte) n;
        bytes[31] = (byte) (n * 7);
        return ObjectId.of(bytes, name);
    }

    static String hex(ObjectId id) {
        return HexFormat.of().formatHex(id.bytes());
    }

    ObjectLog log() {
        return store.open(NS, ID);
    }

    String objectDir() {
        return LogLayout.objectDir(NS, ID);
    }

    void runMillis(long ms) {
        SimNodeDriver.runMillis(sim, ms);
    }

    /** Runs {@code action} on the node's loop and the simulation until its promise completes (or 10 s pass). */
    <T> Promise<T> await(Function<LogRig, Promise<T>> action) {
        return SimNodeDriver.await(sim, world, () -> action.apply(this));
    }

    <T> T awaitValue(Function<LogRig, Promise<T>> action) {
        return SimNodeDriver.awaitValue(sim, world, () -> action.apply(this));
    }

    Recovery recover() {
        return awaitValue(r -> r.log().recover());
    }

    void crashAndRestart() {
        SimNodeDriver.crashAndRestart(sim, node);
    }

    static LogEntry entry(long seq, long wallMillis) {
        return new LogEntry(seq, wallMillis, payload(seq));
    }

    static byte[] payload(long seq) {
        byte[] p = new byte[(int) (5 + seq % 37)];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (seq * 31 + i);
        return p;
    }

    /** The parts one after another, for crafted file contents. */
    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    List<String> labels(String kind) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) if (kind.equals(e.label())) out.add(e.detail());
        return out;
    }

    static SimulatedNode.FaultPointSettings faultPointsOn(long seed) {
        return new SimulatedNode.FaultPointSettings(true, seed, 1.0, 0.2);
    }
}
