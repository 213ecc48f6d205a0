package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.random.SeededEntropy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * One seeded run: every node repeatedly tries to own each of a few objects (open, recover, append
 * a burst of batches with several in flight, sometimes snapshot, sometimes linger holding the
 * lease, close), while a nemesis drops, duplicates and reorders messages, partitions, crashes
 * (one node, or all at once as in a power cut) and pauses nodes, and clocks drift within the bound ε. The model lives outside the nodes:
 *
 * <ul>
 *   <li><b>lost</b>: every batch acknowledged under epoch {@code a} is, with its payload, in every
 *       successful recovery under an epoch above {@code a} (checked both ways round: at the
 *       recovery and at a late acknowledgement), and in the final recovery after the heal;</li>
 *   <li><b>conflict</b>: no two owners get different payloads acknowledged for one seq;</li>
 *   <li><b>lease</b>: once an owner of a newer epoch held a valid lease, no owner of an older
 *       epoch holds one again (single activation, P3, at the log level);</li>
 *   <li><b>errors</b>: a failed append fails with RESET; a failed recovery with UNAVAILABLE or RESET.</li>
 * </ul>
 */
final class ChaosRun {
    static final int OBJECTS = 2;
    private static final long CHAOS_MS = 12_000;
    private static final long SETTLE_MS = 3_000;

    final long seed;
    final Set<PlantedBug> bugs;
    final ReplicationRig rig;
    final String params;
    private final SeededEntropy nemesis;
    private final NetworkConfig faulty;
    private final boolean partitions;
    private final boolean crashes;
    private final boolean pauses;
    /**
     * All nodes crash at once. Only over the memory store: the disk store marks an install cut by a
     * crash as damage, so a power cut during installs can leave a majority of one object's replicas
     * damaged, and the object then (by design) never elects again — a loss of availability, not of
     * safety, outside the "minority faulty" assumption.
     */
    private final boolean powerCuts;

    final List<String> violations = new ArrayList<>();
    long acked;
    long recoveries;
    long fencedResets;
    long unavailable;
    int faults;
    boolean stopping;
    private int handles;

    private final Model[] models = new Model[OBJECTS];

    /** Per object: what was acknowledged, what recoveries returned, the newest epoch seen holding a lease. */
    private static final class Model {
        final TreeMap<Long, byte[]> ackedPayload = new TreeMap<>();
        final TreeMap<Long, Epoch> ackedEpoch = new TreeMap<>();
        final List<Epoch> recoveredEpochs = new ArrayList<>();
        final List<List<byte[]>> recoveredStates = new ArrayList<>();
        Epoch newestLeased = Epoch.ZERO;
    }

    ChaosRun(long seed, Set<PlantedBug> bugs) {
        this(seed, bugs, false);
    }

    /** @param realDisks run the production {@link DiskReplicaStore} on simulated disks (with torn writes and slow syncs) */
    ChaosRun(long seed, Set<PlantedBug> bugs, boolean realDisks) {
        this.seed = seed;
        this.bugs = bugs;
        SeededEntropy draw = new SeededEntropy(seed).derive("parameters");
        int nodes = draw.chance(0.5) ? 3 : 5;
        int replicas = nodes == 5 && draw.chance(0.3) ? 5 : 3;
        double[] losses = {0, 0.01, 0.05, 0.1};
        double loss = losses[draw.nextInt(losses.length)];
        double dup = draw.chance(0.5) ? 0.05 : 0;
        double reorder = draw.chance(0.5) ? 0.2 : 0;
        faulty = NetworkConfig.DEFAULT.withLossRate(loss).withDuplicateRate(dup).withReorder(reorder, 5_000_000);
        partitions = draw.chance(0.8);
        crashes = draw.chance(0.7);
        pauses = draw.chance(0.4);
        powerCuts = !realDisks;
        params = "seed=" + seed + " nodes=" + nodes + " replicas=" + replicas + " net=[" + faulty + "] partitions=" + partitions
                + " crashes=" + crashes + " pauses=" + pauses + " bugs=" + bugs + " disks=" + (realDisks ? "sim" : "memory");
        for (int i = 0; i < OBJECTS; i++) models[i] = new Model();
        rig = new ReplicationRig(seed, nodes, replicas, faulty, bugs, realDisks
                ? DiskFaultConfig.none().withTornWriteProbability(0.2).withSlowSync(0.05, 20)
                : null);
        nemesis = rig.sim.entropy("nemesis");
        for (int i = 0; i < nodes; i++) rig.node(i).clock().setDriftPpm(nemesis.between(-1_000, 1_000));
        rig.onStart = (node, world, r) -> {
            for (int o = 0; o < OBJECTS; o++) new Driver(world, r, o).start();
        };
        // The nodes started before the hook was set.
        for (int i = 0; i < nodes; i++) {
            int node = i;
            World w = rig.world(i);
            w.loop().execute(() -> {
                for (int o = 0; o < OBJECTS; o++) new Driver(w, rig.replication[node], o).start();
            });
        }
    }

    static ObjectId object(int o) {
        return ReplicationRig.id(100 + o);
    }

    ChaosRun execute() {
        long end = rig.sim.nowNanos() + Simulation.millis(CHAOS_MS);
        scheduleNemesis(end);
        rig.sim.run(end, Long.MAX_VALUE);
        // Heal everything, stop the drivers, let leases lapse.
        rig.sim.network().configure(faulty.healed());
        rig.sim.network().heal();
        for (int i = 0; i < rig.replication.length; i++) if (!rig.node(i).isUp()) rig.restart(i);
        stopping = true;
        rig.runMillis(SETTLE_MS);
        finalCheck();
        return this;
    }

    private void scheduleNemesis(long endNanos) {
        long at = rig.sim.nowNanos() + Simulation.millis(nemesis.between(200, 1_200));
        if (at >= endNanos - Simulation.millis(500)) return;
        rig.sim.at(at, () -> {
            int n = nemesis.nextInt(rig.replication.length);
            int kind = nemesis.nextInt(4);
            if (kind == 0 && partitions) {
                long ms = nemesis.between(300, 3_000);
                rig.sim.network().isolate(n);
                rig.sim.note("nemesis", "isolate n" + n + " " + ms + "ms");
                faults++;
                rig.sim.after(Simulation.millis(ms), () -> rig.sim.network().heal());
            } else if (kind == 1 && crashes && rig.node(n).isUp()) {
                rig.node(n).crash();
                faults++;
                long ms = nemesis.between(50, 2_000);
                rig.sim.after(Simulation.millis(ms), () -> {
                    if (!rig.node(n).isUp()) rig.node(n).restart();
                });
            } else if (kind == 3 && crashes && powerCuts && nemesis.chance(0.3)) {
                // A power cut: every node at once (what only durable writes survive).
                for (int i = 0; i < rig.replication.length; i++) {
                    int victim = i;
                    if (!rig.node(i).isUp()) continue;
                    rig.node(i).crash();
                    rig.sim.after(Simulation.millis(nemesis.between(50, 1_000)), () -> {
                        if (!rig.node(victim).isUp()) rig.node(victim).restart();
                    });
                }
                faults++;
            } else if (kind == 2 && pauses && rig.node(n).isUp()) {
                rig.node(n).pause(Simulation.millis(nemesis.between(100, 1_500)));
                faults++;
            }
            scheduleNemesis(endNanos);
        });
    }

    private void finalCheck() {
        for (int o = 0; o < OBJECTS; o++) {
            int obj = o;
            int node = 0;
            ObjectLog log = rig.open(node, object(o));
            Promise<Recovery> p = rig.await(node, 30_000, w -> log.recover());
            if (!p.isDone() || p.isFailed()) {
                StringBuilder open = new StringBuilder();
                for (Replication r : rig.replication) open.append(r.openHandles()).append(' ');
                violations.add("final recovery of object " + o + " did not succeed after the heal: " + (p.isDone() ? p.failure() : "pending")
                        + "; open handles per node: " + open);
                continue;
            }
            List<byte[]> state = rebuild(o, p.value());
            if (state == null) continue;
            Model m = models[obj];
            for (var e : m.ackedPayload.entrySet()) {
                long seq = e.getKey();
                if (seq > state.size() || !Arrays.equals(state.get((int) seq - 1), e.getValue())) {
                    violations.add("lost: the final recovery of object " + o + " lacks acknowledged batch " + seq + " ("
                            + text(e.getValue()) + ", acked under " + m.ackedEpoch.get(seq) + "), has "
                            + (seq > state.size() ? "nothing" : text(state.get((int) seq - 1))));
                }
            }
        }
    }

    // ------------------------------------------------------------------ model checks

    private void onRecovered(int o, Epoch epoch, List<byte[]> state) {
        recoveries++;
        Model m = models[o];
        m.recoveredEpochs.add(epoch);
        m.recoveredStates.add(state);
        for (var e : m.ackedPayload.entrySet()) {
            if (m.ackedEpoch.get(e.getKey()).compareTo(epoch) < 0) checkHas(o, epoch, state, e.getKey(), e.getValue());
        }
    }

    private void onAcked(int o, Epoch epoch, long seq, byte[] payload) {
        acked++;
        Model m = models[o];
        byte[] earlier = m.ackedPayload.get(seq);
        if (earlier != null && !Arrays.equals(earlier, payload)) {
            violations.add("conflict: object " + o + " seq " + seq + " acknowledged as " + text(earlier) + " under "
                    + m.ackedEpoch.get(seq) + " and as " + text(payload) + " under " + epoch);
            return;
        }
        if (earlier == null) {
            m.ackedPayload.put(seq, payload);
            m.ackedEpoch.put(seq, epoch);
        }
        for (int i = 0; i < m.recoveredEpochs.size(); i++) {
            if (epoch.compareTo(m.recoveredEpochs.get(i)) < 0) checkHas(o, m.recoveredEpochs.get(i), m.recoveredStates.get(i), seq, payload);
        }
    }

    private void checkHas(int o, Epoch recovered, List<byte[]> state, long seq, byte[] payload) {
        if (seq > state.size()) {
            violations.add("lost: recovery of object " + o + " under " + recovered + " ends at " + state.size()
                    + " but batch " + seq + " (" + text(payload) + ") was acknowledged under an older epoch");
        } else if (!Arrays.equals(state.get((int) seq - 1), payload)) {
            violations.add("lost: recovery of object " + o + " under " + recovered + " has " + text(state.get((int) seq - 1))
                    + " as batch " + seq + " but " + text(payload) + " was acknowledged under an older epoch");
        }
    }

    private void onLeaseHeld(int o, Epoch epoch) {
        Model m = models[o];
        if (epoch.compareTo(m.newestLeased) < 0) {
            violations.add("lease: object " + o + " owner of " + epoch + " held a valid lease at " + rig.sim.nowNanos() / 1_000_000
                    + " ms after the owner of " + m.newestLeased + " had one");
        } else {
            m.newestLeased = epoch;
        }
    }

    /** The state as the list of batch payloads 1..last, from a snapshot image and the batches after it; null (and a violation) if inconsistent. */
    private List<byte[]> rebuild(int o, Recovery r) {
        List<byte[]> state = new ArrayList<>();
        if (r.snapshot().isPresent()) {
            state.addAll(decode(r.snapshot().get().image()));
            if (state.size() != r.snapshot().get().seq()) {
                violations.add("snapshot of object " + o + " at " + r.snapshot().get().seq() + " holds " + state.size() + " batches");
                return null;
            }
        }
        for (LogEntry e : r.entries()) state.add(e.payload());
        return state;
    }

    static byte[] image(List<byte[]> state, int upTo) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < upTo; i++) {
            byte[] p = state.get(i);
            out.writeBytes(ByteBuffer.allocate(4).putInt(p.length).array());
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static List<byte[]> decode(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] p = new byte[b.getInt()];
            b.get(p);
            out.add(p);
        }
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    String summary() {
        return params + " | acked=" + acked + " recoveries=" + recoveries + " resets=" + fencedResets + " unavailable=" + unavailable
                + " faults=" + faults + " violations=" + violations;
    }

    // ------------------------------------------------------------------ the workload

    /** One node's attempts to own one object; lives as long as the node's incarnation. */
    private final class Driver {
        private final World world;
        private final Replication replication;
        private final int o;
        private final SeededEntropy rnd;
        private ObjectLog log;
        private Epoch epoch;
        private List<byte[]> state;
        private long appended;
        private long quota;
        private int inflight;
        private String tag;

        Driver(World world, Replication replication, int o) {
            this.world = world;
            this.replication = replication;
            this.o = o;
            this.rnd = new SeededEntropy(world.entropy().derive("driver-" + o).nextLong());
        }

        void start() {
            later(rnd.between(10, 800), this::tryToOwn);
            probe();
        }

        private void later(long ms, Runnable r) {
            world.loop().schedule(Simulation.millis(ms), r);
        }

        private void probe() {
            if (log != null && epoch != null && log.outputAllowed()) onLeaseHeld(o, Epoch.parse(log.fence()));
            later(5, this::probe);
        }

        private void tryToOwn() {
            if (stopping) return;
            ObjectLog mine = replication.logStore().open(ReplicationRig.NS, object(o));
            log = mine;
            epoch = null;
            tag = world.self() + "." + (++handles);
            mine.recover().whenComplete((r, e) -> {
                if (log != mine) return;
                if (e != null) {
                    ErrorCode code = e instanceof DuroException d ? d.code() : null;
                    if (code == ErrorCode.UNAVAILABLE) unavailable++;
                    if (code != ErrorCode.UNAVAILABLE && code != ErrorCode.RESET) {
                        violations.add("errors: recovery failed with " + e);
                    }
                    stop(rnd.between(100, 1_500));
                    return;
                }
                epoch = Epoch.parse(mine.fence());
                state = rebuild(o, r);
                if (state == null) state = new ArrayList<>();
                onRecovered(o, epoch, new ArrayList<>(state));
                appended = state.size();
                quota = appended + rnd.between(1, 40);
                pump();
            });
        }

        private void pump() {
            ObjectLog mine = log;
            if (mine == null) return;
            if (stopping) {
                stop(0);
                return;
            }
            int window = 1 + (int) rnd.nextLong(6);
            while (inflight < window && appended < quota) {
                long seq = ++appended;
                byte[] payload = (tag + "#" + seq).getBytes(StandardCharsets.UTF_8);
                state.add(payload);
                inflight++;
                mine.append(new LogEntry(seq, world.clock().wallMillis(), payload)).whenComplete((v, e) -> {
                    if (log != mine) return;
                    inflight--;
                    if (e != null) {
                        if (e instanceof DuroException d && d.code() == ErrorCode.RESET) {
                            fencedResets++;
                        } else {
                            violations.add("errors: append failed with " + e);
                        }
                        stop(rnd.between(50, 1_000));
                        return;
                    }
                    onAcked(o, Epoch.parse(mine.fence()), seq, payload);
                    if (rnd.chance(0.1) && inflight == 0) {
                        mine.snapshot(new Snapshot(seq, world.clock().wallMillis(), image(state, (int) seq)));
                    }
                    pump();
                });
            }
            if (inflight == 0 && appended >= quota) {
                if (rnd.chance(0.3)) {
                    // Linger holding the lease (renewals), then let go.
                    later(rnd.between(200, 3_000), () -> {
                        if (log == mine) stop(rnd.between(100, 1_000));
                    });
                } else {
                    stop(rnd.between(100, 1_500));
                }
            }
        }

        private void stop(long retryMs) {
            if (log != null) log.close();
            log = null;
            epoch = null;
            inflight = 0;
            later(retryMs, this::tryToOwn);
        }
    }
}
