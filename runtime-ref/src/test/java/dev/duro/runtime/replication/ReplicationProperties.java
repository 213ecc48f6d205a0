package dev.duro.runtime.replication;

import dev.duro.runtime.PlantedBug;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The replicated log's safety properties under chaos ({@link ChaosRun}), and proof that each planted bug breaks one. */
class ReplicationProperties {
    @Property(tries = 25)
    void noAcknowledgedBatchIsLostOrOverwrittenAndLeasesNeverGoBack(@ForAll long seed) {
        ChaosRun run = new ChaosRun(seed, Set.of()).execute();
        assertThat(run.violations).as(run.summary()).isEmpty();
        assertThat(run.acked).as("progress: " + run.summary()).isGreaterThan(0);
        assertThat(run.recoveries).as("ownership moved: " + run.summary()).isGreaterThan(1);
    }

    /** The same, over the production disk store on simulated disks (torn unsynced writes, slow syncs, crashes). */
    @Property(tries = 8)
    void theSameHoldsOnRealReplicaDisks(@ForAll long seed) {
        ChaosRun run = new ChaosRun(seed, Set.of(), true).execute();
        assertThat(run.violations).as(run.summary()).isEmpty();
        assertThat(run.acked).as("progress: " + run.summary()).isGreaterThan(0);
    }

    /**
     * Power cuts (every node at once, also during elections' installs) over the disk store, seeds
     * 1..{@code -Dchaos.diskSeeds} (default 12): no violation, no replica damaged, and after the heal
     * and a last power cut every object recovers within {@link ChaosRun#LIVENESS_MS}.
     */
    @Test
    void powerCutsOnRealDisksLeaveEveryObjectElectable() {
        long seeds = Long.getLong("chaos.diskSeeds", 12);
        List<String> bad = new ArrayList<>();
        long acked = 0;
        long faults = 0;
        long retries = 0;
        long cuts = 0;
        long installs = 0;
        long rewrites = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            ChaosRun run = new ChaosRun(seed, Set.of(), true).execute();
            acked += run.acked;
            faults += run.faults;
            retries += run.finalRetries;
            cuts += run.powerCuts;
            installs += run.rig.records("repl-install").size();
            rewrites += run.rig.records("log-destroy").size() / 2; // a rewrite clears the new generation's directory, then the old one
            if (!run.violations.isEmpty()) bad.add(run.summary());
        }
        assertThat(bad).as("disk chaos with power cuts: %d seeds, %d batches acked, %d faults (%d power cuts), %d installs"
                + " acknowledged, ~%d log rewrites, %d final recoveries retried", seeds, acked, faults, cuts, installs, rewrites,
                retries).isEmpty();
    }

    /** One seed, one run: identical trace digests (every message and disk write is hashed into them). */
    @Property(tries = 5)
    void sameSeedSameTrace(@ForAll long seed) {
        ChaosRun first = new ChaosRun(seed, Set.of(), seed % 2 == 0).execute();
        ChaosRun second = new ChaosRun(seed, Set.of(), seed % 2 == 0).execute();
        assertThat(second.rig.sim.trace().digest()).as(first.params).isEqualTo(first.rig.sim.trace().digest());
        assertThat(second.rig.sim.trace().count()).isEqualTo(first.rig.sim.trace().count());
    }

    @Test
    void fixedSeedsPass() {
        for (long seed = 1; seed <= 10; seed++) {
            ChaosRun run = new ChaosRun(seed, Set.of(), seed % 3 == 0).execute();
            assertThat(run.violations).as(run.summary()).isEmpty();
        }
    }

    /** Runs seeds 1..{@code seeds} with {@code bug}; returns how many found a violation starting with one of {@code kinds}. */
    private static int caught(PlantedBug bug, int seeds, String... kinds) {
        int caught = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            ChaosRun run = new ChaosRun(seed, Set.of(bug)).execute();
            boolean found = run.violations.stream().anyMatch(v -> java.util.Arrays.stream(kinds).anyMatch(v::startsWith));
            if (found) caught++;
        }
        return caught;
    }

    @Test
    void ackBeforeQuorumLosesAcknowledgedBatches() {
        assertThat(caught(PlantedBug.ACK_BEFORE_QUORUM, 20, "lost:")).isGreaterThan(0);
    }

    @Test
    void staleEpochLetsADeposedOwnerOverwrite() {
        assertThat(caught(PlantedBug.STALE_EPOCH, 60, "lost:", "conflict:")).isGreaterThan(0);
    }

    @Test
    void replayOutOfOrderIsSeenByTheNextRecovery() {
        assertThat(caught(PlantedBug.REPLAY_OUT_OF_ORDER, 5, "lost:")).isGreaterThan(0);
    }

    @Test
    void splitBrainAfterHealOverwritesTheNewerOwner() {
        assertThat(caught(PlantedBug.SPLIT_BRAIN_AFTER_HEAL, 60, "lost:", "conflict:")).isGreaterThan(0);
    }
}
