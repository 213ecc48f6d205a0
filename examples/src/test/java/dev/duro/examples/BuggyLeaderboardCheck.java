package dev.duro.examples;

import dev.duro.scenarios.testkit.ClusterTestKit;
import dev.duro.scenarios.testkit.FaultPlan;
import dev.duro.testkit.DuroCheck;
import dev.duro.testkit.DuroRunFolders;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.List;

/**
 * FAILS ON PURPOSE: {@link LeaderboardProperties}' property on {@link WriteBehindLeaderboard}.
 * Its name keeps it out of the build's test run (the build runs {@code *Test}, {@code *Tests} and
 * {@code *Properties}); {@link BuggyLeaderboardTest} runs it and asserts that it fails, with a
 * shrunk sample, Duro's repro line and a run folder. Run it alone from an IDE to see the report.
 */
@AddLifecycleHook(DuroRunFolders.class)
class BuggyLeaderboardCheck {
    @Provide
    static Arbitrary<List<Score>> scores() {
        return LeaderboardProperties.scores();
    }

    @Provide
    static Arbitrary<FaultPlan> faults() {
        return LeaderboardProperties.faults();
    }

    // A fixed jqwik seed, and after a failure the same seed again (not the stored sample first): the
    // build asserts on this search, so it must be the same search every time.
    @Property(tries = 40, seed = "20261207", afterFailure = AfterFailureMode.PREVIOUS_SEED)
    void theWriteBehindBoardKeepsEveryAcknowledgedScore(@ForAll("scores") List<Score> scores, @ForAll("faults") FaultPlan faults,
                                                        @ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        DuroCheck.run(ClusterTestKit.builder().seed(seed).nodes(LeaderboardProperties.NODES)
                .namespace(LeaderboardWorkload.NS, WriteBehindLeaderboard::new).faults(faults), kit -> LeaderboardWorkload.run(kit, scores));
    }
}
