package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.SimNodeDriver;
import dev.duro.runtime.log.Snapshot;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.random.SeededEntropy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An install replaces a replica's whole log, and a crash at any instant of it leaves exactly one of:
 * the old log (the one acknowledged before), the new log (whole), or a replica that reports
 * {@code damaged} with "install cut by a crash" — never another log that looks healthy (a part of
 * the new one, a mix, an empty log). Crashes tear and corrupt unsynced writes.
 *
 * <p>Each run installs an old log, measures how long the install of a new log takes on a twin run
 * of the same seed (the simulation is deterministic up to the crash), then installs the new log
 * again and crashes the node at a drawn instant inside that span.
 */
class DiskReplicaStoreInstallCrashProperties {
    enum Outcome { OLD, NEW, DAMAGED }

    @Property(tries = 80)
    void aCrashAtAnyInstantOfAnInstallLeavesTheOldLogTheNewLogOrDamage(@ForAll long seed) {
        SeededEntropy draws = new SeededEntropy(seed).derive("crash-point");
        Plan plan = new Plan(seed);
        long spanNanos = plan.installSpanNanos();
        long crashAfterNanos = draws.nextLong(spanNanos + spanNanos / 10 + 1);
        Result result = plan.runWithCrashAfter(crashAfterNanos);
        assertThat(result.violation).as("seed %d, crash %d ns into an install of %d ns", seed, crashAfterNanos, spanNanos)
                .isNull();
    }

    /** Every outcome happens, so the property above is not vacuous: crash points swept over one install. */
    @Test
    void sweepingTheCrashPointOverOneInstallReachesEveryOutcome() {
        TreeMap<Outcome, Integer> seen = new TreeMap<>();
        for (long seed = 1; seed <= 4; seed++) {
            Plan plan = new Plan(seed);
            long spanNanos = plan.installSpanNanos();
            int points = 30;
            for (int k = 0; k <= points + 2; k++) { // and a little past the end: the new log whole
                long at = spanNanos * k / points;
                Result result = plan.runWithCrashAfter(at);
                assertThat(result.violation).as("seed %d, crash %d ns into an install of %d ns", seed, at, spanNanos).isNull();
                seen.merge(result.outcome, 1, Integer::sum);
            }
        }
        assertThat(seen).as("outcomes over the sweep").containsKeys(Outcome.OLD, Outcome.NEW, Outcome.DAMAGED);
    }

    /** One seed's logs and disk faults; each run builds a fresh node from scratch. */
    private static final class Plan {
        final long seed;
        final List<byte[]> oldLog;
        final int oldSnapshotAt;
        final List<byte[]> newLog;
        final int newSnapshotAt;
        final DiskFaultConfig disk;
        final LogOptions options;

        Plan(long seed) {
            this.seed = seed;
            SeededEntropy draws = new SeededEntropy(seed).derive("plan");
            this.oldLog = ReplicaRig.payloads(draws, 1, 1 + draws.nextInt(30));
            this.oldSnapshotAt = draws.chance(0.5) ? draws.nextInt(oldLog.size() + 1) : -1;
            this.newLog = ReplicaRig.payloads(draws, 2, draws.nextInt(40));
            this.newSnapshotAt = draws.chance(0.5) ? draws.nextInt(newLog.size() + 1) : -1;
            this.disk = DiskFaultConfig.none()
                    .withSectorBytes(64)
                    .withTornWriteProbability(0.5)
                    .withCorruptSectorProbability(0.3)
                    .withSlowSync(0.1, 10);
            this.options = LogOptions.defaults().withSegmentBytes(200 + draws.nextInt(1500));
        }

        ReplicaRig setUp() {
            ReplicaRig rig = new ReplicaRig(Simulation.Options.seed(seed), disk, options, true);
            rig.awaitValue(r -> install(r, 1, oldLog, oldSnapshotAt));
            return rig;
        }

        /** How long the new install takes without a crash (virtual nanoseconds). */
        long installSpanNanos() {
            ReplicaRig rig = setUp();
            long[] times = new long[2];
            rig.awaitValue(r -> {
                times[0] = r.sim.nowNanos();
                Promise<Void> p = install(r, 2, newLog, newSnapshotAt);
                p.onSuccess(v -> times[1] = r.sim.nowNanos());
                return p;
            });
            rig.runMillis(1);
            assertThat(times[1]).as("the install completed").isGreaterThan(0);
            return times[1] - times[0];
        }

        Result runWithCrashAfter(long delayNanos) {
            ReplicaRig rig = setUp();
            rig.world.loop().execute(() -> {
                install(rig, 2, newLog, newSnapshotAt);
                rig.sim.after(delayNanos, () -> {
                    if (rig.node.isUp()) rig.node.crash();
                });
            });
            rig.runMillis(Math.max(1, delayNanos / 1_000_000 + 1));
            if (rig.node.isUp()) rig.node.crash();
            rig.node.restart();
            rig.runMillis(1);
            ReplicaState state = rig.load();
            return classify(state);
        }

        Result classify(ReplicaState state) {
            if (state.damaged()) {
                if (!state.damage().equals("install cut by a crash")) return Result.bad("damaged for another reason: " + state.damage());
                if (!state.promised().equals(ReplicaRig.epoch(2))) return Result.bad("a cut install lost its promise: " + state.promised());
                return new Result(Outcome.DAMAGED, null);
            }
            List<byte[]> content = ReplicaRig.content(state);
            if (state.logEpoch().equals(ReplicaRig.epoch(1)) && ReplicaRig.sameLog(content, oldLog)) {
                return new Result(Outcome.OLD, null);
            }
            if (state.logEpoch().equals(ReplicaRig.epoch(2)) && ReplicaRig.sameLog(content, newLog)
                    && state.promised().equals(ReplicaRig.epoch(2))) {
                return new Result(Outcome.NEW, null);
            }
            return Result.bad("a healthy-looking log that is neither the old nor the new one: epoch " + state.logEpoch()
                    + ", " + content.size() + " batches (old " + oldLog.size() + ", new " + newLog.size() + ")");
        }
    }

    private record Result(Outcome outcome, String violation) {
        static Result bad(String why) {
            return new Result(null, why);
        }
    }

    static Promise<Void> install(ReplicaRig rig, long round, List<byte[]> log, int snapshotAt) {
        int base = Math.max(snapshotAt, 0);
        Optional<Snapshot> snapshot = snapshotAt < 0 ? Optional.empty()
                : Optional.of(new Snapshot(snapshotAt, 0, SimNodeDriver.encodeImage(log.subList(0, snapshotAt))));
        List<LogEntry> entries = new ArrayList<>();
        for (int i = base; i < log.size(); i++) entries.add(new LogEntry(i + 1, 0, log.get(i)));
        return rig.replica().install(ReplicaRig.epoch(round), snapshot, entries);
    }
}
