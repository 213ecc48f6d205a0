package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.runtime.PlantedBug;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.random.SeededEntropy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log's promise under crashes: every acknowledged append survives any number of crashes at
 * any instant (with torn and corrupted unsynced writes, failing and slow fsyncs, early segment
 * rotation, snapshots and truncation in between), recovery returns whole batches only, and every
 * batch it returns is one that was written for that sequence number.
 *
 * <p>The model lives outside the node: the payloads written for each sequence number (across
 * incarnations) and the payload acknowledged for it. Each recovery is checked against it.
 */
class LogDurabilityProperties {
    private static final int WINDOW = 4;
    private static final int LAST_SEQ = 400;

    @Property(tries = 60)
    void acknowledgedAppendsSurviveCrashesAtAnyInstant(@ForAll long seed) {
        Run run = new Run(seed, Set.of());
        run.execute();
        assertThat(run.violations).as("seed %d", seed).isEmpty();
        assertThat(run.maxAcked).as("the workload made progress, seed %d", seed).isGreaterThan(0);
        assertThat(run.crashes).as("the run crashed the node, seed %d", seed).isGreaterThan(0);
    }

    /** The test has teeth: with the log acknowledging before its fsync, the same check finds lost batches. */
    @Test
    void ackBeforeFsyncIsCaught() {
        int caught = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Run run = new Run(seed, Set.of(PlantedBug.LOG_ACK_BEFORE_FSYNC));
            run.execute();
            if (run.violations.stream().anyMatch(v -> v.contains("lost acknowledged batches"))) caught++;
        }
        assertThat(caught).as("seeds (of 20) whose check caught the planted bug").isGreaterThan(0);
    }

    @Test
    void aCorrectLogPassesTheSameSeeds() {
        for (long seed = 1; seed <= 20; seed++) {
            Run run = new Run(seed, Set.of());
            run.execute();
            assertThat(run.violations).as("seed %d", seed).isEmpty();
        }
    }

    /** The same seed gives the same run: identical trace digests (disk writes are hashed into it). */
    @Property(tries = 10)
    void sameSeedSameTrace(@ForAll long seed) {
        Run first = new Run(seed, Set.of());
        first.execute();
        Run second = new Run(seed, Set.of());
        second.execute();
        assertThat(second.rig.sim.trace().digest()).as("seed %d", seed).isEqualTo(first.rig.sim.trace().digest());
        assertThat(second.rig.sim.trace().count()).isEqualTo(first.rig.sim.trace().count());
    }

    /** Not vacuous: over a few seeds the runs cut torn tails, drop segments, fail-stop and rotate early. */
    @Test
    void theWorkloadReachesTheInterestingPaths() {
        int tailsCut = 0;
        int segmentsDropped = 0;
        int exits = 0;
        int earlyRotations = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Run run = new Run(seed, Set.of());
            run.execute();
            tailsCut += (int) run.rig.labels("log-cut").stream().filter(d -> !d.endsWith(" bytes=0")).count();
            segmentsDropped += (int) run.rig.labels("log-snapshot").stream().filter(d -> !d.contains("droppedSegments=0")).count();
            exits += run.rig.labels("exit").size();
            earlyRotations += (int) run.rig.events.stream().filter(e -> DiskObjectLog.FAULT_ROTATE_EARLY.equals(e.detail())).count();
        }
        assertThat(tailsCut).as("torn tails cut").isGreaterThan(0);
        assertThat(segmentsDropped).as("snapshots that dropped segments").isGreaterThan(0);
        assertThat(exits).as("fail-stops after failed fsyncs").isGreaterThan(0);
        assertThat(earlyRotations).as("early rotations").isGreaterThan(0);
    }

    /** One simulated run: a node appending with {@link #WINDOW} batches in flight, crashed at drawn instants. */
    private static final class Run {
        final long seed;
        final SeededEntropy draws;
        final boolean plantedBug;
        final LogRig rig;
        final List<String> violations = new ArrayList<>();
        final TreeMap<Long, List<byte[]>> written = new TreeMap<>();
        final TreeMap<Long, byte[]> acked = new TreeMap<>();
        long maxAcked;
        int crashes;
        int lastRecoveredIncarnation;

        Run(long seed, Set<PlantedBug> bugs) {
            this.seed = seed;
            this.draws = new SeededEntropy(seed).derive("workload");
            this.plantedBug = !bugs.isEmpty();
            boolean syncFailures = !plantedBug && draws.chance(0.3);
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
            Simulation.Options sim = Simulation.Options.seed(seed).withFaultPoints(LogRig.faultPointsOn(seed));
            this.rig = new LogRig(sim, disk, options);
        }

        void execute() {
            rig.onStart = r -> new Incarnation(r.node.incarnation()).start();
            rig.crashAndRestart(); // the first incarnation ran before onStart was set; start afresh
            SimNodeDriver.scheduleCrashes(rig.sim, rig.node, draws, 2 + draws.nextInt(5), 300, () -> crashes++);
            rig.runMillis(600);
            // A final crash and recovery, so that the last acknowledgements are checked too; without
            // injected fsync failures, so the final incarnation is not itself killed by one.
            rig.device.reconfigure(rig.device.config().withSyncFailureProbability(0));
            if (rig.node.isUp()) {
                rig.node.crash();
                crashes++;
            }
            rig.node.restart();
            for (int i = 0; i < 20 && lastRecoveredIncarnation != rig.node.incarnation(); i++) rig.runMillis(50);
            crashes += rig.labels("exit").size(); // fail-stops after injected fsync failures
            if (lastRecoveredIncarnation != rig.node.incarnation()) {
                violations.add("the final incarnation " + rig.node.incarnation() + " did not recover (node up: "
                        + rig.node.isUp() + ")");
            }
        }

        /** One life of the node; its fields die with it. */
        private final class Incarnation {
            final int incarnation;
            final List<byte[]> state = new ArrayList<>();
            int inFlight;
            boolean stopped;

            Incarnation(int incarnation) {
                this.incarnation = incarnation;
            }

            void start() {
                rig.log().recover().whenComplete((recovery, failure) -> {
                    if (failure != null) {
                        violations.add("incarnation " + incarnation + ": recovery failed: " + failure);
                        return;
                    }
                    check(recovery);
                    lastRecoveredIncarnation = incarnation;
                    pump();
                });
            }

            void check(Recovery recovery) {
                recovery.snapshot().ifPresent(s -> state.addAll(SimNodeDriver.decodeImage(s.image())));
                for (LogEntry e : recovery.entries()) state.add(e.payload());
                long recoveredThrough = state.size();
                if (recoveredThrough < maxAcked) {
                    violations.add("incarnation " + incarnation + ": lost acknowledged batches: recovered through "
                            + recoveredThrough + ", acknowledged through " + maxAcked);
                }
                for (int i = 0; i < state.size(); i++) {
                    long seq = i + 1;
                    byte[] got = state.get(i);
                    byte[] ack = acked.get(seq);
                    if (ack != null && !Arrays.equals(ack, got)) {
                        violations.add("incarnation " + incarnation + ": batch " + seq + " differs from the acknowledged one");
                    }
                    List<byte[]> candidates = written.getOrDefault(seq, List.of());
                    if (candidates.stream().noneMatch(c -> Arrays.equals(c, got))) {
                        violations.add("incarnation " + incarnation + ": batch " + seq + " was never written");
                    }
                }
                // What this incarnation builds on is what it recovered; later acks replace lost ones.
                acked.tailMap(recoveredThrough, false).clear();
                maxAcked = Math.min(maxAcked, recoveredThrough);
            }

            void pump() {
                while (!stopped && inFlight < WINDOW && state.size() < LAST_SEQ) {
                    long seq = state.size() + 1;
                    byte[] payload = payload(seq);
                    state.add(payload);
                    written.computeIfAbsent(seq, k -> new ArrayList<>()).add(payload);
                    inFlight++;
                    Promise<Void> p = rig.log().append(new LogEntry(seq, rig.world.clock().wallMillis(), payload));
                    p.whenComplete((v, e) -> {
                        inFlight--;
                        if (e != null) {
                            stopped = true;
                            return;
                        }
                        acked.put(seq, payload);
                        maxAcked = Math.max(maxAcked, seq);
                        if (seq % 9 == 0) {
                            rig.log().snapshot(new Snapshot(seq, rig.world.clock().wallMillis(),
                                    SimNodeDriver.encodeImage(state.subList(0, (int) seq))));
                        }
                        pump();
                    });
                }
            }

            byte[] payload(long seq) {
                byte[] random = new byte[draws.nextInt(200)];
                draws.nextBytes(random);
                return ByteBuffer.allocate(12 + random.length).putLong(seq).putInt(incarnation).put(random).array();
            }
        }
    }
}
