package dev.duro.faults;

import dev.duro.sim.plan.Standing;
import dev.duro.model.util.Invariants;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.trace.TraceListener;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.Set;

/**
 * The fault mix of one run, drawn from the seed (swarm testing): which fault kinds are on and, for
 * each, how often and how hard it strikes. A kind that is off has rate zero. Drawn before the
 * simulation is built, since some choices (fault points) shape it.
 *
 * @param on the fault kinds that are on (names from {@link FaultSelection#KNOWN})
 * @param network latency and per-message fault rates during the fault phase
 * @param partitionEveryMs mean time between partitions (0: off)
 * @param partitionMaxMs longest partition
 * @param clogEveryMs mean time between clogs (0: off)
 * @param clogMaxMs longest clog
 * @param crashEveryMs mean time between crashes (0: off)
 * @param downMaxMs longest time a crashed node stays down
 * @param pauseEveryMs mean time between pauses (0: off)
 * @param pauseMaxMs longest pause
 * @param driftMaxPpm bound on clock drift, |ppm| (0: off)
 * @param clockEveryMs mean time between clock faults (drift changes, wall jumps)
 * @param faultPointRate fire rate of active fault points (0: off)
 * @param disk the disks' standing fault rates (torn and corrupt unsynced sectors on crash, failed
 *     and slow fsyncs); {@link DiskFaultConfig#none()} when disk faults are off
 * @param diskEveryMs mean time between nemesis disk strikes (a burst of failed fsyncs or a window
 *     of slow ones on one disk; 0: off)
 * @param slowDiskMaxMs longest slow-fsync window
 * @param cluster the faults only a replicated cluster survives ({@link ClusterFaults#NONE} otherwise)
 * @param shape the run's fault profile, budget and composed strikes ({@link Shape#PLAIN} without a profile)
 */
public record NemesisPlan(Set<String> on, NetworkConfig network, long partitionEveryMs, long partitionMaxMs,
                          long clogEveryMs, long clogMaxMs, long crashEveryMs, long downMaxMs, long pauseEveryMs,
                          long pauseMaxMs, long driftMaxPpm, long clockEveryMs, double faultPointRate,
                          DiskFaultConfig disk, long diskEveryMs, long slowDiskMaxMs, ClusterFaults cluster,
                          Shape shape) {

    /**
     * How the run's faults are shaped beyond their kinds and rates.
     *
     * @param profile the fault profile's name ({@link FaultProfile}), "" when the run has none
     * @param budgeted crashes, pauses and partitions never leave fewer than a majority of a
     *     cluster's members up and connected (a strike that would is skipped), and loss stays mild
     * @param deepEveryMs mean time between composed sequences (isolate the owner with one replica,
     *     crash it, a short tenure elsewhere, another crash, the stale node back; 0: off)
     * @param faultPointActivation probability that a fault point is active for the run
     */
    public record Shape(String profile, boolean budgeted, long deepEveryMs, double faultPointActivation) {
        /** No profile, no budget, no composed strikes, fault points active a quarter of the time: as before profiles. */
        public static final Shape PLAIN = new Shape("", false, 0, 0.25);

        public Shape {
            Invariants.check(profile != null && deepEveryMs >= 0 && faultPointActivation > 0 && faultPointActivation <= 1,
                    "bad shape: %s %d %s", profile, deepEveryMs, faultPointActivation);
        }
    }

    /** Loss and duplication stay below this under a fault budget: a mildly lossy network, not a dead one. */
    static final double BUDGETED_LOSS_MAX = 0.05;

    /** The plan before profiles existed: {@link Shape#PLAIN}. */
    public NemesisPlan(Set<String> on, NetworkConfig network, long partitionEveryMs, long partitionMaxMs,
                       long clogEveryMs, long clogMaxMs, long crashEveryMs, long downMaxMs, long pauseEveryMs,
                       long pauseMaxMs, long driftMaxPpm, long clockEveryMs, double faultPointRate,
                       DiskFaultConfig disk, long diskEveryMs, long slowDiskMaxMs, ClusterFaults cluster) {
        this(on, network, partitionEveryMs, partitionMaxMs, clogEveryMs, clogMaxMs, crashEveryMs, downMaxMs, pauseEveryMs,
                pauseMaxMs, driftMaxPpm, clockEveryMs, faultPointRate, disk, diskEveryMs, slowDiskMaxMs, cluster, Shape.PLAIN);
    }

    /** Drift the nemesis draws with {@code --clock-drift-beyond-bound}: up to ±50 %, five hundred times the default bound. */
    public static final long BEYOND_BOUND_DRIFT_PPM = 500_000;

    /**
     * What a cluster of replicated nodes adds to the plan: the faults a single copy cannot survive,
     * struck on one "faulty-disk" node only (at most ⌊(replicas−1)/2⌋ = 1 of an object's 3 replicas,
     * as the fault model allows), and leases put to the test.
     *
     * @param faultyDisk index of the one node whose disk suffers bit flips in synced data, read
     *     errors and loss (wiped while down); −1 when disk faults are off
     * @param bitFlipEveryMs mean time between bit-flip strikes on the faulty disk (0: off)
     * @param readErrorEveryMs mean time between windows of read errors on the faulty disk (0: off)
     * @param readErrorMaxMs longest read-error window
     * @param wipeChance probability that a crash of the faulty-disk node also loses its disk
     * @param leaseMs the cluster's lease; pauses may outlast it
     * @param driftBoundPpm the cluster's drift bound ε; drawn drift stays within it unless
     *     {@code beyondBound}
     * @param beyondBound drift is drawn up to {@link #BEYOND_BOUND_DRIFT_PPM} on purpose
     * @param lostNode index of the node that does not come back from the full-cluster power cut
     *     (a machine that died for good: its objects must fail over and their alarms still fire);
     *     the faulty-disk node when there is one, so an object never has two faulty replicas; −1
     *     when every node restarts
     */
    public record ClusterFaults(int faultyDisk, long bitFlipEveryMs, long readErrorEveryMs, long readErrorMaxMs,
                                double wipeChance, long leaseMs, long driftBoundPpm, boolean beyondBound,
                                int lostNode) {
        /** Not a cluster: nothing added, nothing changed. */
        public static final ClusterFaults NONE = new ClusterFaults(-1, 0, 0, 0, 0, 0, 0, false, -1);

        public ClusterFaults {
            Invariants.check(lostNode < 0 || faultyDisk < 0 || lostNode == faultyDisk,
                    "the lost node n%d must be the faulty-disk node n%d: two faulty replicas of one object exceed the fault model",
                    lostNode, faultyDisk);
        }

        public boolean isCluster() {
            return leaseMs > 0;
        }
    }

    /**
     * Draws the plan: the fault profile (for {@code profiles}: from the seed), which faults are on
     * from {@code selection} or the profile, then every rate, from {@code entropy}. A run whose
     * profile is swarm draws exactly what {@code --faults swarm} draws.
     */
    public static NemesisPlan draw(FaultSelection selection, SeededEntropy entropy) {
        FaultProfile profile = FaultProfile.of(selection, entropy);
        if (profile == null) return drawPlain(selection, entropy, new Shape("", selection.budgeted(), 0, 0.25));
        Shape shape = new Shape(profile.cliName(), profile.budgeted(),
                profile.deep() ? entropy.derive("deep").between(1_500, 4_000) : 0, profile.heavyFaultPoints() ? 0.75 : 0.25);
        NemesisPlan plan = drawPlain(profile.selection(), entropy, shape);
        if (!profile.heavyFaultPoints()) return plan;
        // Heavy: fault points fire at 10..40 % (plain buggify: 1..20 %).
        double rate = rate(entropy.derive("buggify-heavy"), 0.1, 0.4);
        return new NemesisPlan(plan.on, plan.network, plan.partitionEveryMs, plan.partitionMaxMs, plan.clogEveryMs,
                plan.clogMaxMs, plan.crashEveryMs, plan.downMaxMs, plan.pauseEveryMs, plan.pauseMaxMs, plan.driftMaxPpm,
                plan.clockEveryMs, rate, plan.disk, plan.diskEveryMs, plan.slowDiskMaxMs, plan.cluster, shape);
    }

    private static NemesisPlan drawPlain(FaultSelection selection, SeededEntropy entropy, Shape profileShape) {
        Set<String> on = selection.draw(entropy.derive("swarm"));
        // Each knob draws from its own stream, so turning one fault on or off never shifts another's values.
        SeededEntropy latency = entropy.derive("latency");
        long baseNanos = latency.between(100_000, 5_000_000);
        long jitterNanos = latency.between(0, 5_000_000);
        NetworkConfig.Jitter shape = latency.chance(0.5) ? NetworkConfig.Jitter.UNIFORM : NetworkConfig.Jitter.EXPONENTIAL;
        double loss = on.contains("loss") ? rate(entropy.derive("loss"), 0.005, profileShape.budgeted() ? BUDGETED_LOSS_MAX : 0.25) : 0;
        double dup = on.contains("dup") ? rate(entropy.derive("dup"), 0.005, profileShape.budgeted() ? BUDGETED_LOSS_MAX : 0.15) : 0;
        SeededEntropy reorder = entropy.derive("reorder");
        double reorderRate = on.contains("reorder") ? rate(reorder, 0.05, 0.5) : 0;
        long reorderDelayNanos = on.contains("reorder") ? reorder.between(1_000_000, 30_000_000) : 0;
        NetworkConfig network = new NetworkConfig(baseNanos, jitterNanos, shape, loss, dup, reorderRate, reorderDelayNanos);
        SeededEntropy partition = entropy.derive("partition");
        SeededEntropy clog = entropy.derive("clog");
        SeededEntropy crash = entropy.derive("crash");
        SeededEntropy pause = entropy.derive("pause");
        SeededEntropy clock = entropy.derive("clock");
        SeededEntropy disk = entropy.derive("disk");
        boolean diskOn = on.contains("disk");
        return new NemesisPlan(on, network,
                on.contains("partition") ? partition.between(200, 3_000) : 0, partition.between(50, 2_000),
                on.contains("clog") ? clog.between(200, 3_000) : 0, clog.between(10, 1_000),
                on.contains("crash") ? crash.between(300, 4_000) : 0, crash.between(10, 2_000),
                on.contains("pause") ? pause.between(300, 4_000) : 0, pause.between(10, 1_500),
                on.contains("clock") ? clock.between(10, 500) : 0, clock.between(200, 3_000),
                on.contains("buggify") ? rate(entropy.derive("buggify"), 0.01, 0.2) : 0,
                diskOn ? drawDisk(disk) : DiskFaultConfig.none(),
                diskOn ? disk.between(300, 4_000) : 0, disk.between(10, 1_000), ClusterFaults.NONE, profileShape);
    }

    /**
     * This plan adapted to a cluster of {@code nodes} runtime nodes with leases of {@code leaseMs}
     * and drift bound {@code driftBoundPpm}: drift drawn within the bound (or far beyond it, on
     * purpose, when {@code beyondBound}: then drift is on whatever the swarm chose), pauses that
     * and partitions that sometimes outlast a lease (so failovers happen), and, when disk faults are on, one faulty-disk node drawn from the
     * seed that also suffers bit flips in synced data, read errors and the loss of its disk. Draws
     * from its own streams (under {@code entropy}), so the rest of the plan is the same as without.
     */
    public NemesisPlan forCluster(SeededEntropy entropy, int nodes, long leaseMs, long driftBoundPpm, boolean beyondBound) {
        Invariants.check(nodes >= 1 && leaseMs > 0 && driftBoundPpm >= 0, "bad cluster: %d nodes, lease %d, bound %d",
                nodes, leaseMs, driftBoundPpm);
        SeededEntropy c = entropy.derive("cluster");
        SeededEntropy pause = c.derive("pause");
        // Half the runs pause nodes past a lease (a long GC): the owner must find its lease gone.
        long pauseMax = pause.chance(0.5) ? pause.between(leaseMs, leaseMs * 5 / 2) : pauseMaxMs;
        // Half the runs keep partitions up past a lease plus a suspicion, long enough for a failover to finish.
        SeededEntropy partition = c.derive("partition");
        long partitionMax = partition.chance(0.5) ? partition.between(leaseMs, leaseMs * 3) : partitionMaxMs;
        long drift;
        long clockEvery = clockEveryMs;
        Set<String> kinds = on;
        if (beyondBound) {
            drift = BEYOND_BOUND_DRIFT_PPM;
            if (!on.contains("clock")) {
                kinds = new java.util.TreeSet<>(on);
                kinds.add("clock");
                kinds = java.util.Collections.unmodifiableSet(kinds);
            }
        } else {
            drift = Math.min(driftMaxPpm, driftBoundPpm);
        }
        ClusterFaults cf;
        // Half the runs with crashes lose one node for good at the power cut: without it, every object
        // ends on its first-ranked replica and nothing checks that a failover owner serves, and fires
        // alarms, to the end.
        SeededEntropy lost = c.derive("lost-node");
        boolean loseOne = on.contains("crash") && nodes >= 3 && lost.chance(0.5);
        if (on.contains("disk") && nodes >= 3) {
            SeededEntropy d = c.derive("faulty-disk");
            int faulty = d.nextInt(nodes);
            cf = new ClusterFaults(faulty, d.between(300, 3_000), d.between(500, 4_000), d.between(10, 1_000),
                    rate(d, 0.2, 0.8), leaseMs, driftBoundPpm, beyondBound, loseOne ? faulty : -1);
        } else {
            cf = new ClusterFaults(-1, 0, 0, 0, 0, leaseMs, driftBoundPpm, beyondBound, loseOne ? lost.nextInt(nodes) : -1);
        }
        return new NemesisPlan(kinds, network, partitionEveryMs, partitionMax, clogEveryMs, clogMaxMs, crashEveryMs,
                downMaxMs, pauseEveryMs, pauseMax, drift, clockEvery, faultPointRate, disk, diskEveryMs, slowDiskMaxMs, cf, shape);
    }

    /** The plan's standing fault rates, as a run's plan records them. */
    public Standing standing() {
        return new Standing(network.lossRate(), network.duplicateRate(), network.reorderRate(), faultPointRate,
                disk.tornWriteProbability(), disk.corruptSectorProbability(), disk.syncFailureProbability(),
                disk.slowSyncProbability(), cluster.lostNode());
    }

    /**
     * This plan with {@code s}'s standing rates instead of the drawn ones (a replayed plan's). A rate
     * of a kind that is off for this seed must stay zero, and the lost node must be a member (and
     * the faulty-disk node, when there is one): an {@link IllegalArgumentException} says which.
     */
    public NemesisPlan withStanding(Standing s) {
        boolean diskRates = s.tornWrite() > 0 || s.corruptSector() > 0 || s.syncFailure() > 0 || s.slowSync() > 0;
        if (diskRates && !on.contains("disk")) {
            throw new IllegalArgumentException("the plan sets disk rates, but disk faults are off for this seed and --faults");
        }
        if (s.reorder() > 0 && network.reorderDelayNanos() == 0) {
            throw new IllegalArgumentException("the plan sets a reorder rate, but reordering is off for this seed and --faults");
        }
        if (s.lostNode() >= 0 && (!cluster.isCluster() || (cluster.faultyDisk() >= 0 && s.lostNode() != cluster.faultyDisk()))) {
            throw new IllegalArgumentException("the plan's lost node n" + s.lostNode() + " is not allowed here: "
                    + (cluster.isCluster() ? "it must be the faulty-disk node n" + cluster.faultyDisk() : "not a cluster"));
        }
        NetworkConfig net = network.withLossRate(s.loss()).withDuplicateRate(s.duplicate())
                .withReorder(s.reorder(), network.reorderDelayNanos());
        DiskFaultConfig d = on.contains("disk") ? disk.toBuilder().tornWriteProbability(s.tornWrite())
                .corruptSectorProbability(s.corruptSector()).syncFailureProbability(s.syncFailure())
                .slowSync(s.slowSync(), disk.slowSyncFactor()).build() : disk;
        ClusterFaults cf = new ClusterFaults(cluster.faultyDisk(), cluster.bitFlipEveryMs(), cluster.readErrorEveryMs(),
                cluster.readErrorMaxMs(), cluster.wipeChance(), cluster.leaseMs(), cluster.driftBoundPpm(),
                cluster.beyondBound(), s.lostNode());
        return new NemesisPlan(on, net, partitionEveryMs, partitionMaxMs, clogEveryMs, clogMaxMs, crashEveryMs, downMaxMs,
                pauseEveryMs, pauseMaxMs, driftMaxPpm, clockEveryMs, s.faultPoints(), d, diskEveryMs, slowDiskMaxMs, cf, shape);
    }

    /**
     * Standing disk fault rates. Only faults a single copy survives: unsynced data torn or
     * corrupted on crash, failed and slow fsyncs. Corruption of synced data and read errors need
     * replicas to repair from, so they wait for the replicated log.
     */
    private static DiskFaultConfig drawDisk(SeededEntropy e) {
        return DiskFaultConfig.none().toBuilder()
                .tornWriteProbability(rate(e, 0.05, 0.6))
                .corruptSectorProbability(rate(e, 0.0, 0.2))
                .syncFailureProbability(rate(e, 0.0, 0.02))
                .slowSync(rate(e, 0.0, 0.1), 10 + e.nextInt(90))
                .build();
    }

    private static double rate(SeededEntropy e, double low, double high) {
        // Rounded to 4 decimals so that the printed value is the value used.
        double r = low + (high - low) * e.nextDouble();
        return Math.round(r * 10_000) / 10_000.0;
    }

    public NemesisPlan {
        Invariants.check(on != null && network != null, "plan must be complete");
        Invariants.check(driftMaxPpm >= 0 && driftMaxPpm < 1_000_000, "drift bound out of range: %d", driftMaxPpm);
        Invariants.check(cluster != null, "cluster faults must be set (ClusterFaults.NONE when not a cluster)");
        Invariants.check(shape != null, "shape must be set (Shape.PLAIN without a profile)");
        Invariants.check(cluster.beyondBound() || !cluster.isCluster() || driftMaxPpm <= cluster.driftBoundPpm(),
                "drift %d ppm drawn beyond the cluster's bound %d ppm without asking for it", driftMaxPpm,
                cluster.driftBoundPpm());
        Invariants.check(disk != null, "disk fault config must be set (none() when off)");
        Invariants.check(on.contains("disk") || (disk.equals(DiskFaultConfig.none()) && diskEveryMs == 0),
                "disk faults drawn while the disk kind is off");
    }

    /**
     * The simulation options a run under this plan needs: the run's seed, trace settings, and
     * fault points active when buggify is on (which points activate comes from the seed).
     */
    public Simulation.Options simulationOptions(RunConfig config, TraceListener listener) {
        SeededEntropy root = new SeededEntropy(config.seed());
        return Simulation.Options.seed(config.seed()).withListener(listener)
                .withRingCapacity(config.ringCapacity())
                .withFaultPoints(new SimulatedNode.FaultPointSettings(faultPointRate > 0,
                        root.derive("fault-points").seed(), shape.faultPointActivation(), faultPointRate));
    }

    /** Every drawn value, for the run's parameter lines. */
    public SequencedMap<String, String> describe() {
        SequencedMap<String, String> m = new LinkedHashMap<>();
        if (!shape.profile().isEmpty()) m.put("profile", shape.profile());
        if (shape.budgeted()) m.put("budget", "a majority of the members stays up and connected; loss and duplication <= "
                + BUDGETED_LOSS_MAX);
        if (shape.deepEveryMs() > 0) m.put("deep", "composed sequences every ~" + shape.deepEveryMs()
                + "ms (isolate the owner with one replica, crash it, short tenure elsewhere, stale node back)");
        m.put("faults.on", on.isEmpty() ? "(none)" : String.join(",", on));
        m.put("net", network.toString());
        if (partitionEveryMs > 0) m.put("partition", "every ~" + partitionEveryMs + "ms, up to " + partitionMaxMs + "ms");
        if (clogEveryMs > 0) m.put("clog", "every ~" + clogEveryMs + "ms, up to " + clogMaxMs + "ms");
        if (crashEveryMs > 0) m.put("crash", "every ~" + crashEveryMs + "ms, down up to " + downMaxMs + "ms");
        if (pauseEveryMs > 0) m.put("pause", "every ~" + pauseEveryMs + "ms, up to " + pauseMaxMs + "ms");
        if (driftMaxPpm > 0) {
            m.put("clock", "drift up to " + driftMaxPpm + "ppm, changes every ~" + clockEveryMs + "ms"
                    + (cluster.beyondBound() ? " (BEYOND the cluster's bound of " + cluster.driftBoundPpm()
                    + "ppm, on purpose: leases no longer guarantee single activation)"
                    : cluster.isCluster() ? " (within the cluster's bound of " + cluster.driftBoundPpm() + "ppm)" : ""));
        }
        if (faultPointRate > 0) m.put("buggify", String.format(Locale.ROOT, "fire rate %.4f", faultPointRate)
                + (shape.faultPointActivation() != Shape.PLAIN.faultPointActivation()
                ? String.format(Locale.ROOT, ", each point active with chance %.2f", shape.faultPointActivation()) : ""));
        if (on.contains("disk")) {
            m.put("disk", String.format(Locale.ROOT,
                    "torn %.4f, corrupt-sector %.4f, fsync-fail %.4f, slow-fsync %.4f x%.0f; strikes every ~%dms, slow up to %dms",
                    disk.tornWriteProbability(), disk.corruptSectorProbability(), disk.syncFailureProbability(),
                    disk.slowSyncProbability(), disk.slowSyncFactor(), diskEveryMs, slowDiskMaxMs));
        }
        if (cluster.faultyDisk() >= 0) {
            m.put("faulty-disk", String.format(Locale.ROOT,
                    "n%d only: bit flips in synced data every ~%dms, read errors every ~%dms up to %dms, disk lost on %.0f%% of its crashes",
                    cluster.faultyDisk(), cluster.bitFlipEveryMs(), cluster.readErrorEveryMs(), cluster.readErrorMaxMs(),
                    cluster.wipeChance() * 100));
        }
        if (cluster.lostNode() >= 0) {
            m.put("lost-node", "n" + cluster.lostNode() + " does not come back from the full restart (its objects fail over)");
        }
        return m;
    }
}
