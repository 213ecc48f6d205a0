package dev.duro.runtime.replication;

import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.log.SimNodeDriver;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.BitFlip;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.random.SeededEntropy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bit flips in synced data (anywhere on the disk: segments, snapshots, the state file, the log's
 * meta, the node marker) are reported as damage or are harmless, never served: a healthy load
 * returns exactly the batches that were written, all of them, also when the flips land on the last
 * acknowledged records right after their acknowledgement (no later record vouches for them; the
 * state file's seqFloor must, docs/replica-store.md). Before appends waited for that vouch, such
 * flips were cut like a torn tail and the load came back healthy and shorter (scheduler seed 212).
 */
class DiskReplicaStoreBitFlipProperties {
    @Property(tries = 100)
    void bitFlipsInSyncedDataAreReportedNeverServed(@ForAll long seed) {
        Run run = new Run(seed, Set.of());
        assertThat(run.violation).as("seed %d, flips %s", seed, run.flips).isNull();
    }

    /** Not vacuous: the flips land in places that matter, and damage is reported. */
    @Test
    void flipsAreReportedAsDamageInMostSeeds() {
        int damaged = 0;
        for (long seed = 1; seed <= 30; seed++) {
            Run run = new Run(seed, Set.of());
            assertThat(run.violation).as("seed %d, flips %s", seed, run.flips).isNull();
            if (run.damaged) damaged++;
        }
        assertThat(damaged).as("seeds (of 30) whose load reported damage").isGreaterThan(10);
    }

    /** The test has teeth: with {@code NO_CHECKSUM} planted, the same check sees corrupt batches served. */
    @Test
    void noChecksumIsCaught() {
        int caught = 0;
        for (long seed = 1; seed <= 30; seed++) {
            Run run = new Run(seed, Set.of(PlantedBug.NO_CHECKSUM));
            if (run.violation != null && run.violation.contains("served")) caught++;
        }
        assertThat(caught).as("seeds (of 30) that served a bit-flipped batch").isGreaterThan(0);
    }

    private static final class Run {
        List<BitFlip> flips = List.of();
        String violation;
        boolean damaged;

        Run(long seed, Set<PlantedBug> bugs) {
            SeededEntropy draws = new SeededEntropy(seed).derive("bit-flips");
            LogOptions options = LogOptions.defaults().withSegmentBytes(200 + draws.nextInt(3000)).withPlantedBugs(bugs);
            ReplicaRig rig = new ReplicaRig(Simulation.Options.seed(seed), DiskFaultConfig.none(), options, true);
            List<byte[]> log = ReplicaRig.payloads(draws, 1, 2 + draws.nextInt(40));
            int installed = draws.nextInt(log.size());
            rig.awaitValue(r -> DiskReplicaStoreInstallCrashProperties.install(r, 1, log.subList(0, installed), -1));
            for (int i = installed; i < log.size(); i++) { // one at a time: each record vouches for the ones before
                LogEntry e = new LogEntry(i + 1, 0, log.get(i));
                rig.awaitValue(r -> r.replica().append(ReplicaRig.epoch(1), e));
                if (draws.chance(0.05)) {
                    rig.awaitValue(r -> r.replica().snapshot(new Snapshot(e.seq(), 0,
                            SimNodeDriver.encodeImage(log.subList(0, (int) e.seq())))));
                }
            }
            // Then a promise (a state-file write), an idle pause, or nothing: flipped at once after the
            // last acknowledgement, the last records still must not be cut silently.
            int after = draws.nextInt(3);
            if (after == 0) rig.awaitValue(r -> r.replica().promise(ReplicaRig.epoch(2)));
            else if (after == 1) rig.runMillis(20);

            flips = rig.device.injectBitFlips(1 + draws.nextInt(3));
            SimNodeDriver.crashAndRestart(rig.sim, rig.node);
            ReplicaState state = rig.load();
            if (state.damaged()) {
                damaged = true;
                return;
            }
            List<byte[]> content = ReplicaRig.content(state);
            for (int i = 0; i < Math.min(content.size(), log.size()); i++) {
                if (!Arrays.equals(content.get(i), log.get(i))) {
                    violation = "served a corrupt batch " + (i + 1) + " as healthy";
                    return;
                }
            }
            if (content.size() > log.size()) violation = "served more batches than were written";
            if (content.size() < log.size()) {
                violation = "a healthy load lost acknowledged batches: " + content.size() + " of " + log.size();
            }
        }
    }
}
