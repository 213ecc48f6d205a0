package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Disk;
import dev.duro.model.world.World;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.SimNodeDriver;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.TraceEvent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One simulated node with a {@link SimDiskDevice} and a {@link DiskReplicaStore} per incarnation.
 * The first start passes {@code firstBoot} as given (false on a fresh device = a node that lost its
 * disk), and so does every restart until a store started completely once; later restarts pass false. {@link #await} runs an action on the node's loop and the
 * simulation until its promise completes.
 */
final class ReplicaRig {
    static final String NS = "COUNTERS";
    static final ObjectId ID = id(1, "alice");

    final Simulation sim;
    final SimulatedNode node;
    final LogOptions options;
    final List<TraceEvent> events = new ArrayList<>();
    SimDiskDevice device;
    World world;
    DiskReplicaStore store;
    /** Runs on the loop after each (re)start, once the store exists. */
    Consumer<ReplicaRig> onStart = r -> { };
    private boolean booted;

    ReplicaRig(long seed, DiskFaultConfig config, LogOptions options) {
        this(Simulation.Options.seed(seed), config, options, true);
    }

    ReplicaRig(Simulation.Options simOptions, DiskFaultConfig config, LogOptions options, boolean firstBoot) {
        this.options = options;
        this.sim = new Simulation(simOptions.withListener(events::add));
        this.node = sim.addNode(w -> {
            world = w;
            DiskReplicaStore started = new DiskReplicaStore(w, options, firstBoot && !booted);
            store = started;
            started.ready().onSuccess(v -> booted = true);
            onStart.accept(this);
        }, (id, entropy) -> device = new SimDiskDevice(config, entropy));
        sim.startAll();
        runMillis(1);
        // Until the node marker is durable a restart is still the first boot (as an operator's
        // supervisor repeats the first-boot flag); from then on a crash is an ordinary restart.
        for (int i = 0; i < 1_000 && !booted; i++) runMillis(1);
        assertThat(booted).as("the store started").isTrue();
    }

    static ObjectId id(int n, String name) {
        byte[] bytes = new byte[ObjectId.BYTES];
        bytes[0] = (byte) n;
        bytes[31] = (byte) (n * 7);
        return ObjectId.of(bytes, name);
    }

    static Epoch epoch(long round) {
        return new Epoch(round, (int) (round % 3), 17 + round);
    }

    ReplicaLog replica() {
        return store.open(NS, ID);
    }

    static String statePath(ObjectId id) {
        return DiskReplicaStore.stateDir(NS) + "/" + id.hex();
    }

    static String logDir(ObjectId id) {
        return DiskReplicaStore.LOGS + "/" + NS + "/" + id.hex();
    }

    void runMillis(long ms) {
        SimNodeDriver.runMillis(sim, ms);
    }

    /** Runs the simulation one event at a time until {@code condition} holds (fails after 10 s of virtual time). */
    void stepUntil(BooleanSupplier condition) {
        sim.kernel().budget(sim.nowNanos() + Simulation.millis(10_000), Long.MAX_VALUE);
        while (!condition.getAsBoolean()) {
            assertThat(sim.step()).as("the simulation stopped before the condition held").isNull();
        }
    }

    /** Runs {@code action} on the node's loop and the simulation until its promise completes (or 10 s pass). */
    <T> Promise<T> await(Function<ReplicaRig, Promise<T>> action) {
        return SimNodeDriver.await(sim, world, () -> action.apply(this));
    }

    <T> T awaitValue(Function<ReplicaRig, Promise<T>> action) {
        return SimNodeDriver.awaitValue(sim, world, () -> action.apply(this));
    }

    ReplicaState load() {
        return awaitValue(r -> r.replica().load());
    }

    void crashAndRestart() {
        SimNodeDriver.crashAndRestart(sim, node);
    }

    /** Deletes every durable file whose path starts with {@code prefix}, and makes that durable. */
    void deleteFilesUnder(String prefix) {
        List<String> files = new ArrayList<>();
        for (String path : device.durableImage().keySet()) {
            if (path.startsWith(prefix) && !path.endsWith("/")) files.add(path);
        }
        assertThat(files).as("files under %s", prefix).isNotEmpty();
        awaitValue(r -> {
            Disk disk = r.world.disk();
            TreeSet<String> dirs = new TreeSet<>();
            for (String f : files) {
                disk.delete(f);
                dirs.add(f.substring(0, f.lastIndexOf('/')));
            }
            List<Promise<Void>> syncs = new ArrayList<>();
            for (String d : dirs) syncs.add(disk.syncDirectory(d));
            return Promise.all(r.world.loop(), syncs);
        });
    }

    static LogEntry entry(long seq) {
        return new LogEntry(seq, 1_000 + seq, payload(seq));
    }

    static List<LogEntry> entries(long from, long to) {
        List<LogEntry> out = new ArrayList<>();
        for (long s = from; s <= to; s++) out.add(entry(s));
        return out;
    }

    static byte[] payload(long seq) {
        byte[] p = new byte[(int) (5 + seq % 37)];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (seq * 31 + i);
        return p;
    }

    List<String> labels(String kind) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) if (kind.equals(e.label())) out.add(e.detail());
        return out;
    }

    static SimulatedNode.FaultPointSettings faultPointsOn(long seed) {
        return new SimulatedNode.FaultPointSettings(true, seed, 1.0, 0.2);
    }

    /** The payloads a loaded state holds: the snapshot image's, then the batches'. */
    static List<byte[]> content(ReplicaState state) {
        List<byte[]> out = new ArrayList<>();
        state.snapshot().ifPresent(s -> out.addAll(SimNodeDriver.decodeImage(s.image())));
        for (LogEntry e : state.entries()) out.add(e.payload());
        return out;
    }

    static boolean sameLog(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    static List<byte[]> payloads(SeededEntropy draws, long tag, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] random = new byte[draws.nextInt(120)];
            draws.nextBytes(random);
            out.add(ByteBuffer.allocate(12 + random.length).putLong(tag).putInt(i).put(random).array());
        }
        return out;
    }
}
