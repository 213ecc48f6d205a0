package dev.duro.scenarios;

import org.junit.jupiter.api.Test;

/**
 * The mutation sweep's first seed on each of its six paths, in the normal build: PIT only runs
 * {@link MutationSweep} on demand, so a renamed profile or scenario would otherwise go unnoticed
 * until the next mutation run.
 */
class MutationSweepSmokeTest {
    @Test
    void theFirstSeedOfEveryPathPasses() {
        MutationSweep.sweep(1);
    }
}
