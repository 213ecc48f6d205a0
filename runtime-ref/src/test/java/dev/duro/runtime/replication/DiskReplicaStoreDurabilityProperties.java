package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.SimNodeDriver;
import dev.duro.runtime.log.Snapshot;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.random.SeededEntropy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's promise under crashes: a node drives one replica through promises, installs (of
 * fresh logs and of extended ones, with and without a snapshot), relabels, pipelined appends and snapshots,
 * and is crashed at drawn instants (torn and corrupted unsynced writes, slow syncs, in some seeds
 * failing fsyncs with fail-stop). Every load must then show:
 * <ul>
 *   <li>a promise at least the highest acknowledged one;</li>
 *   <li>if healthy: a log epoch at least the last acknowledged one; under that epoch every
 *       acknowledged batch unchanged; under a newer epoch (an install that completed but was not
 *       acknowledged) the whole install; and only batches written for their seq under that epoch;</li>
 *   <li>never damaged: a crash inside an install leaves the old log or the new one.</li>
 * </ul>
 * The model lives outside the node (what was written per epoch and seq, what was acknowledged).
 */
class DiskReplicaStoreDurabilityProperties {
    private static final int MAX_BATCHES = 300;

    /**
     * Safety holds for every seed. Non-vacuity is asserted over the tries, not per seed: with the
     * slow-sync fault points on, a seed may stall every append until its first crash and so
     * acknowledge none (seed 79 does), which says nothing against the store.
     */
    @Property(tries = 50)
    @StatisticsReport(onFailureOnly = true)
    void acknowledgedReplicaWritesSurviveCrashesAtAnyInstant(@ForAll long seed) {
        Run run = new Run(seed, Set.of());
        run.execute();
        assertThat(run.violations).as("seed %d", seed).isEmpty();
        assertThat(run.crashes).as("the run crashed the node, seed %d", seed).isGreaterThan(0);
        Statistics.label("appended").collect(run.appendsAcked > 0);
        Statistics.label("appended").coverage(c -> c.check(true).percentage(p -> p >= 80));
    }

    /** The test has teeth: with acknowledgements before fsyncs (batches and state files), the same check fails. */
    @Test
    void ackBeforeFsyncIsCaught() {
        int caught = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Run run = new Run(seed, Set.of(PlantedBug.LOG_ACK_BEFORE_FSYNC));
            run.execute();
            if (!run.violations.isEmpty()) caught++;
        }
        assertThat(caught).as("seeds (of 20) whose check caught the planted bug").isGreaterThan(0);
    }

    @Test
    void aCorrectStorePassesTheSameSeeds() {
        for (long seed = 1; seed <= 20; seed++) {
            Run run = new Run(seed, Set.of());
            run.execute();
            assertThat(run.violations).as("seed %d", seed).isEmpty();
        }
    }

    /** Not vacuous: over a few seeds, crashes cut installs (leaving the old log), nodes fail-stop, tails are cut, relabels happen. */
    @Test
    void theWorkloadReachesTheInterestingPaths() {
        int relabels = 0;
        int oldLogsAfterAnUnfinishedInstall = 0;
        int exits = 0;
        int tailsCut = 0;
        int snapshots = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Run run = new Run(seed, Set.of());
            run.execute();
            relabels += run.relabelsAcked;
            oldLogsAfterAnUnfinishedInstall += run.oldAfterUnfinishedInstall;
            exits += run.rig.labels("exit").size();
            tailsCut += (int) run.rig.labels("log-cut").stream().filter(d -> !d.endsWith(" bytes=0")).count();
            snapshots += run.snapshotsAcked;
        }
        assertThat(relabels).as("relabels").isGreaterThan(0);
        assertThat(oldLogsAfterAnUnfinishedInstall).as("loads that found the old log after an unfinished install").isGreaterThan(0);
        assertThat(exits).as("fail-stops after failed fsyncs").isGreaterThan(0);
        assertThat(tailsCut).as("torn tails cut").isGreaterThan(0);
        assertThat(snapshots).as("snapshots stored").isGreaterThan(0);
    }

    /** The same seed gives the same run: identical trace digests. */
    @Property(tries = 5)
    void sameSeedSameTrace(@ForAll long seed) {
        Run first = new Run(seed, Set.of());
        first.execute();
        Run second = new Run(seed, Set.of());
        second.execute();
        assertThat(second.rig.sim.trace().digest()).as("seed %d", seed).isEqualTo(first.rig.sim.trace().digest());
    }

    /** One simulated run of one replica, crashed at drawn instants. */
    private static final class Run {
        final SeededEntropy draws;
        final ReplicaRig rig;
        final List<String> violations = new ArrayList<>();
        // ---- the model
        Epoch ackedPromise = Epoch.ZERO;
        Epoch ackedLogEpoch = Epoch.ZERO;
        List<byte[]> ackedContent = new ArrayList<>();
        /** Epoch → seq → every payload written for it. */
        final TreeMap<Epoch, TreeMap<Long, List<byte[]>>> written = new TreeMap<>();
        /** Epoch → the whole log its install wrote. */
        final TreeMap<Epoch, List<byte[]>> installs = new TreeMap<>();
        /** An install or relabel was issued and none acknowledged since: a load may find the old log. */
        boolean cutPossible;
        /** After a damaged load: a healthy load needs a log epoch above this (a later install). */
        Epoch healthyOnlyAbove;
        long nextRound = 1;
        // ---- counters
        int crashes;
        int relabelsAcked;
        int newerEpochLoads;
        int oldAfterUnfinishedInstall;
        int appendsAcked;
        int snapshotsAcked;
        int lastLoadedIncarnation;

        Run(long seed, Set<PlantedBug> bugs) {
            this.draws = new SeededEntropy(seed).derive("workload");
            boolean syncFailures = bugs.isEmpty() && draws.chance(0.3);
            DiskFaultConfig disk = DiskFaultConfig.none()
                    .withSectorBytes(64)
                    .withTornWriteProbability(0.5)
                    .withCorruptSectorProbability(0.3)
                    .withSyncFailureProbability(syncFailures ? 0.01 : 0)
                    .withSlowSync(0.1, 10);
            LogOptions options = LogOptions.defaults()
                    .withSegmentBytes(300 + draws.nextInt(2000))
                    .withRetentionMillis(draws.chance(0.5) ? 0 : LogOptions.DEFAULT_RETENTION_MILLIS)
                    .withPlantedBugs(bugs);
            Simulation.Options sim = Simulation.Options.seed(seed).withFaultPoints(ReplicaRig.faultPointsOn(seed));
            this.rig = new ReplicaRig(sim, disk, options, true);
        }

        void execute() {
            rig.onStart = r -> new Incarnation(r.node.incarnation()).start();
            rig.crashAndRestart(); // the first incarnation ran before onStart was set; start afresh
            SimNodeDriver.scheduleCrashes(rig.sim, rig.node, draws, 2 + draws.nextInt(6), 400, () -> crashes++);
            rig.runMillis(700);
            // A last crash and load, so the last acknowledgements are checked too (no fsync failures now).
            rig.device.reconfigure(rig.device.config().withSyncFailureProbability(0));
            if (rig.node.isUp()) {
                rig.node.crash();
                crashes++;
            }
            rig.node.restart();
            for (int i = 0; i < 20 && lastLoadedIncarnation != rig.node.incarnation(); i++) rig.runMillis(50);
            crashes += rig.labels("exit").size();
            if (lastLoadedIncarnation != rig.node.incarnation()) {
                violations.add("the final incarnation " + rig.node.incarnation() + " did not load");
            }
        }

        void check(int incarnation, ReplicaState state) {
            String at = "incarnation " + incarnation + ": ";
            if (state.promised().compareTo(ackedPromise) < 0) {
                violations.add(at + "promise went back from " + ackedPromise + " to " + state.promised());
            }
            if (ackedPromise.compareTo(state.promised()) < 0) ackedPromise = state.promised(); // durable now
            if (state.damaged()) {
                violations.add(at + "damaged after crashes alone: " + state.damage());
                healthyOnlyAbove = installs.isEmpty() ? Epoch.ZERO : installs.lastKey();
                ackedLogEpoch = Epoch.ZERO;
                ackedContent = new ArrayList<>();
                return;
            }
            Epoch e = state.logEpoch();
            List<byte[]> content = ReplicaRig.content(state);
            if (healthyOnlyAbove != null && !e.isAfter(healthyOnlyAbove)) {
                violations.add(at + "healthy again under " + e + " without a newer install after the damage");
            }
            if (e.compareTo(ackedLogEpoch) < 0) {
                violations.add(at + "lost an acknowledged install: log epoch " + e + " below " + ackedLogEpoch);
            } else if (e.equals(ackedLogEpoch)) {
                if (cutPossible) oldAfterUnfinishedInstall++;
                if (content.size() < ackedContent.size()) {
                    violations.add(at + "lost acknowledged batches: holds " + content.size() + ", acknowledged "
                            + ackedContent.size() + " under " + e);
                }
                for (int i = 0; i < Math.min(content.size(), ackedContent.size()); i++) {
                    if (!Arrays.equals(content.get(i), ackedContent.get(i))) {
                        violations.add(at + "batch " + (i + 1) + " differs from the acknowledged one");
                        break;
                    }
                }
            } else {
                newerEpochLoads++;
                List<byte[]> install = installs.get(e);
                if (install == null) {
                    violations.add(at + "log epoch " + e + " was never installed");
                } else if (content.size() < install.size() || !ReplicaRig.sameLog(content.subList(0, install.size()), install)) {
                    violations.add(at + "the install under " + e + " is not whole");
                }
            }
            TreeMap<Long, List<byte[]>> candidates = written.getOrDefault(e, new TreeMap<>());
            for (int i = 0; i < content.size(); i++) {
                byte[] got = content.get(i);
                if (candidates.getOrDefault(i + 1L, List.of()).stream().noneMatch(c -> Arrays.equals(c, got))) {
                    violations.add(at + "batch " + (i + 1) + " was never written under " + e);
                    break;
                }
            }
            // What the next incarnation builds on is what this load found (recovery synced it).
            ackedLogEpoch = e;
            ackedContent = new ArrayList<>(content);
            healthyOnlyAbove = null;
        }

        void wrote(Epoch e, long seq, byte[] payload) {
            written.computeIfAbsent(e, k -> new TreeMap<>()).computeIfAbsent(seq, k -> new ArrayList<>()).add(payload);
        }

        /** One life of the node; its fields die with it. */
        private final class Incarnation {
            final int incarnation;
            Epoch logEpoch = Epoch.ZERO;
            Epoch promised = Epoch.ZERO;
            boolean damaged;
            final List<byte[]> content = new ArrayList<>();
            long latestSnapshot;

            Incarnation(int incarnation) {
                this.incarnation = incarnation;
            }

            void start() {
                rig.replica().load().whenComplete((state, failure) -> {
                    if (failure != null) {
                        violations.add("incarnation " + incarnation + ": load failed: " + failure);
                        return;
                    }
                    check(incarnation, state);
                    lastLoadedIncarnation = incarnation;
                    damaged = state.damaged();
                    logEpoch = state.logEpoch();
                    promised = state.promised();
                    content.addAll(ReplicaRig.content(state));
                    latestSnapshot = state.snapshot().map(Snapshot::seq).orElse(0L);
                    step();
                });
            }

            Epoch nextEpoch() {
                return ReplicaRig.epoch(nextRound++);
            }

            void step() {
                int r = draws.nextInt(100);
                if (damaged || logEpoch.equals(Epoch.ZERO) || r < 8 || content.size() >= MAX_BATCHES) {
                    install();
                } else if (r < 16) {
                    Epoch e = nextEpoch();
                    rig.replica().promise(e).whenComplete((v, failure) -> {
                        if (failure != null) return;
                        promised = e;
                        if (ackedPromise.compareTo(e) < 0) ackedPromise = e;
                        step();
                    });
                } else if (r < 28 && r >= 24) {
                    relabel();
                } else if (r < 24 && content.size() > latestSnapshot) {
                    long seq = content.size();
                    Snapshot s = new Snapshot(seq, rig.world.clock().wallMillis(), SimNodeDriver.encodeImage(content.subList(0, (int) seq)));
                    rig.replica().snapshot(s).whenComplete((v, failure) -> {
                        if (failure != null) return;
                        latestSnapshot = seq;
                        snapshotsAcked++;
                        step();
                    });
                } else {
                    appendBurst(1 + draws.nextInt(8));
                }
            }

            void install() {
                Epoch e = nextEpoch();
                List<byte[]> log = new ArrayList<>();
                if (!damaged && draws.chance(0.5)) log.addAll(content); // the adopted log, extended
                log.addAll(ReplicaRig.payloads(draws, e.round(), draws.nextInt(25)));
                int snapshotAt = draws.chance(0.5) ? draws.nextInt(log.size() + 1) : -1;
                installs.put(e, List.copyOf(log));
                for (int i = 0; i < log.size(); i++) wrote(e, i + 1, log.get(i));
                cutPossible = true;
                DiskReplicaStoreInstallCrashProperties.install(rig, e.round(), log, snapshotAt).whenComplete((v, failure) -> {
                    if (failure != null) return;
                    cutPossible = false;
                    if (ackedPromise.compareTo(e) < 0) ackedPromise = e;
                    ackedLogEpoch = e;
                    ackedContent = new ArrayList<>(log);
                    healthyOnlyAbove = null;
                    damaged = false;
                    logEpoch = e;
                    content.clear();
                    content.addAll(log);
                    latestSnapshot = Math.max(snapshotAt, 0);
                    step();
                });
            }

            /** A newer owner adopts this log as it is: a relabel; a crash leaves either label on the same batches. */
            void relabel() {
                Epoch from = logEpoch;
                Epoch e = nextEpoch();
                installs.put(e, List.copyOf(content));
                for (int i = 0; i < content.size(); i++) wrote(e, i + 1, content.get(i));
                cutPossible = true;
                rig.replica().relabel(from, e, content.size()).whenComplete((v, failure) -> {
                    if (failure != null) return;
                    cutPossible = false;
                    relabelsAcked++;
                    if (ackedPromise.compareTo(e) < 0) ackedPromise = e;
                    ackedLogEpoch = e;
                    logEpoch = e;
                    if (promised.compareTo(e) < 0) promised = e;
                    step();
                });
            }

            void appendBurst(int count) {
                List<Promise<Void>> all = new ArrayList<>();
                Epoch e = logEpoch;
                for (int i = 0; i < count; i++) {
                    long seq = content.size() + 1;
                    byte[] payload = ReplicaRig.payloads(draws, incarnation * 1_000_000L + seq, 1).getFirst();
                    content.add(payload);
                    wrote(e, seq, payload);
                    Promise<Void> p = rig.replica().append(e, new LogEntry(seq, rig.world.clock().wallMillis(), payload));
                    p.onSuccess(v -> {
                        appendsAcked++;
                        if (!e.equals(ackedLogEpoch)) {
                            violations.add("incarnation " + incarnation + ": append acknowledged under " + e
                                    + " while the model's log epoch is " + ackedLogEpoch);
                        } else if (ackedContent.size() == seq - 1) {
                            ackedContent.add(payload);
                        } else if (ackedContent.size() < seq - 1) {
                            violations.add("incarnation " + incarnation + ": append " + seq + " acknowledged before "
                                    + ackedContent.size() + 1);
                        }
                    });
                    all.add(p);
                }
                Promise.all(rig.world.loop(), all).whenComplete((v, failure) -> {
                    if (failure == null) step();
                });
            }
        }
    }
}
