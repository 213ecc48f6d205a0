package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.cluster.Placement;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.trace.EventKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated nodes running only {@link Replication}, each over a {@link MemoryReplicaStore} whose
 * disk survives the node's crashes. Test code drives owner handles on a node's loop with
 * {@link #on} / {@link #await}.
 */
final class ReplicationRig {
    static final String NS = "COUNTERS";

    final Simulation sim;
    final ClusterConfig cluster;
    final Placement placement;
    final RuntimeConfig runtime;
    final List<MemoryReplicaStore.Disk> disks = new ArrayList<>();
    final Replication[] replication;
    final int[] boots;
    /** {@code n<k> <kind> <detail>} of every trace record. */
    final List<String> records = new ArrayList<>();
    /** Runs on a node's loop after each (re)start, once its Replication exists. */
    NodeHook onStart = (node, world, r) -> { };

    interface NodeHook {
        void started(int node, World world, Replication replication);
    }

    ReplicationRig(long seed, int nodes, int replicas, NetworkConfig network, Set<PlantedBug> bugs) {
        this(seed, nodes, replicas, network, bugs, null);
    }

    /**
     * @param disk null: each node's replicas live in a {@link MemoryReplicaStore}; otherwise each
     *             node has a simulated disk with these faults and runs the production
     *             {@link DiskReplicaStore} (the constructor the cluster node uses)
     */
    ReplicationRig(long seed, int nodes, int replicas, NetworkConfig network, Set<PlantedBug> bugs, DiskFaultConfig disk) {
        cluster = ClusterConfig.of(nodes).withReplicas(replicas);
        placement = new Placement(cluster);
        runtime = RuntimeConfig.defaults().withPlantedBugs(bugs);
        replication = new Replication[nodes];
        boots = new int[nodes];
        sim = new Simulation(Simulation.Options.seed(seed).withNetwork(network).withListener(e -> {
            if (e.kind() == EventKind.CRASH || e.kind() == EventKind.START) records.add("n" + e.node() + " " + e.kind() + " - @" + e.timeNanos() / 1_000_000);
            if (e.kind() == EventKind.RECORD) records.add("n" + e.node() + " " + e.label() + " " + e.detail() + " @" + e.timeNanos() / 1_000_000);
        }));
        for (int i = 0; i < nodes; i++) {
            disks.add(new MemoryReplicaStore.Disk());
            int index = i;
            sim.addNode(world -> {
                boots[index]++;
                Replication r = disk == null
                        ? new Replication(world, cluster, placement, runtime, boots[index] == 1,
                                new MemoryReplicaStore(world, disks.get(index)))
                        : new Replication(world, cluster, placement, LogOptions.defaults().withPlantedBugs(bugs), runtime,
                                boots[index] == 1);
                world.transport().onReceive((from, bytes) -> {
                    if (bytes.length > 0 && bytes[0] == Replication.FAMILY) r.receive(from, bytes);
                });
                r.start();
                replication[index] = r;
                onStart.started(index, world, r);
            }, disk == null ? NoDiskDevice.FACTORY : (id, entropy) -> new SimDiskDevice(disk, entropy));
        }
        sim.startAll();
        runMillis(1);
    }

    ReplicationRig(long seed) {
        this(seed, 3, 3, NetworkConfig.DEFAULT, Set.of());
    }

    SimulatedNode node(int i) {
        return sim.node(i);
    }

    World world(int i) {
        return sim.node(i).world();
    }

    static ObjectId id(int n) {
        byte[] b = new byte[ObjectId.BYTES];
        b[0] = (byte) n;
        b[31] = (byte) (n * 13 + 1);
        return ObjectId.of(b, "obj" + n);
    }

    ObjectKey key(ObjectId id) {
        return new ObjectKey(NS, id);
    }

    /** Opens an owner handle on {@code node} (on its loop). */
    ObjectLog open(int node, ObjectId id) {
        ObjectLog[] out = new ObjectLog[1];
        world(node).loop().execute(() -> out[0] = replication[node].logStore().open(NS, id));
        runMillis(0);
        assertThat(out[0]).as("opened").isNotNull();
        return out[0];
    }

    void runMillis(long ms) {
        long until = sim.nowNanos() + Simulation.millis(ms);
        sim.at(until, () -> { });
        sim.run(until, Long.MAX_VALUE);
    }

    /** Runs {@code action} on {@code node}'s loop now and the simulation until its promise completes or {@code maxMs} pass. */
    <T> Promise<T> await(int node, long maxMs, Function<World, Promise<T>> action) {
        @SuppressWarnings("unchecked")
        Promise<T>[] holder = new Promise[1];
        World w = world(node);
        w.loop().execute(() -> holder[0] = action.apply(w));
        long deadline = sim.nowNanos() + Simulation.millis(maxMs);
        while (sim.nowNanos() < deadline && (holder[0] == null || !holder[0].isDone())) runMillis(1);
        assertThat(holder[0]).as("action ran on n%d", node).isNotNull();
        return holder[0];
    }

    <T> T value(int node, Function<World, Promise<T>> action) {
        Promise<T> p = await(node, 20_000, action);
        assertThat(p.isDone()).as("completed within 20 s").isTrue();
        if (p.isFailed()) throw new AssertionError("failed: " + p.failure(), p.failure());
        return p.value();
    }

    /** Evaluates {@code read} on the node's loop (handles are touched only there). */
    <T> T read(int node, java.util.function.Supplier<T> read) {
        List<T> out = new ArrayList<>(1);
        world(node).loop().execute(() -> out.add(read.get()));
        runMillis(0);
        return out.getFirst();
    }

    /** Appends batches {@code from..to} (payloads tagged {@code tag}) through {@code log} and waits until all are durable. */
    void appendAll(int node, ObjectLog log, long from, long to, String tag) {
        value(node, w -> {
            List<Promise<Void>> ps = new ArrayList<>();
            for (long s = from; s <= to; s++) ps.add(log.append(entry(s, tag)));
            return Promise.all(w.loop(), ps);
        });
    }

    /** An owner on {@code node} that recovered {@code id} and appended batches 1..{@code batches} tagged "a". */
    ObjectLog owner(int node, ObjectId id, int batches) {
        ObjectLog log = open(node, id);
        value(node, w -> log.recover());
        if (batches > 0) appendAll(node, log, 1, batches, "a");
        return log;
    }

    /** Closes {@code log} on its node's loop. */
    void close(int node, ObjectLog log) {
        read(node, () -> {
            log.close();
            return null;
        });
    }

    static LogEntry entry(long seq, String tag) {
        return new LogEntry(seq, 1_000 + seq, payload(seq, tag));
    }

    static byte[] payload(long seq, String tag) {
        return (tag + "#" + seq).getBytes(StandardCharsets.UTF_8);
    }

    /** The payloads of a recovery's batches, as text. */
    static List<String> payloads(dev.duro.runtime.log.Recovery r) {
        List<String> out = new ArrayList<>();
        for (LogEntry e : r.entries()) out.add(text(e.payload()));
        return out;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    List<String> records(String kind) {
        List<String> out = new ArrayList<>();
        for (String r : records) if (r.split(" ", 3)[1].equals(kind)) out.add(r);
        return out;
    }

    void crash(int node) {
        sim.node(node).crash();
    }

    void restart(int node) {
        sim.node(node).restart();
        runMillis(1);
    }
}
