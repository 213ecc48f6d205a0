package dev.duro.examples;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.EngineFilter;

import dev.duro.scenarios.testkit.ClusterTestKit;
import dev.duro.scenarios.testkit.FaultPlan;
import dev.duro.testkit.DuroCheck;
import dev.duro.testkit.DuroFailure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs {@link BuggyLeaderboardCheck}, which fails on purpose, through the JUnit Platform (as an IDE
 * would) and asserts how it fails: the lost score found, shrunk, with Duro's repro line and a run
 * folder. So the build passes while the buggy board's property keeps failing.
 */
class BuggyLeaderboardTest {
    @Test
    void theWriteBehindBoardLosesAcknowledgedScoresAndJqwikShrinksTheFailure() {
        List<Throwable> failures = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(BuggyLeaderboardCheck.class))
                .filters(EngineFilter.includeEngines("jqwik"))
                .configurationParameter("jqwik.reporting.onlyfailures", "true")
                // jqwik's report to the listener below, not to the console: a passing build prints nothing.
                .configurationParameter("jqwik.reporting.usejunitplatform", "true")
                .build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failures.add(result.getThrowable().orElseThrow());
                }
            }

            @Override
            public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                reports.add(entry.getKeyValuePairs().toString());
            }
        });
        assertThat(failures).as("the deliberately buggy board's property must fail, once").hasSize(1);
        Throwable failure = failures.getFirst();
        String message = failure.getMessage();
        assertThat(failure).isInstanceOf(DuroFailure.class);
        assertThat(message)
                .as("the check's own message, Duro's repro line, jqwik's seed and the run folder")
                .contains("lost an acknowledged score")
                .contains("duro repro: seed=")
                .contains("jqwik seed: 20261207")
                .contains("duro run folder: ");
        // The shrunk plan still holds the fault that lost the score: without faults the board is right.
        Matcher faults = Pattern.compile("faults=\"([^\"]*)\"").matcher(message);
        assertThat(faults.find()).isTrue();
        assertThat(FaultPlan.parse(faults.group(1)).faults()).isNotEmpty();
        Matcher folder = Pattern.compile("duro run folder: (\\S+report\\.html)").matcher(message);
        assertThat(folder.find()).as(message).isTrue();
        Path page = Path.of(folder.group(1));
        assertThat(page).isRegularFile();
        assertThat(page.resolveSibling("summary.json")).isRegularFile();
        assertThat(page.resolveSibling("trace.jsonl.gz")).isRegularFile();
        assertThat(String.join("\n", reports)).as("jqwik's report shows the shrunk sample").contains("Shrunk Sample");
    }

    /**
     * The shrunk sample, pasted from the report above into a plain test: the kit's repro line and
     * jqwik's shrunk scores rebuild the run exactly, so it is a regression test for the fix.
     */
    @Test
    void theShrunkFailureReplaysAsAPlainTestAndTheRealBoardPassesIt() {
        List<Score> scores = List.of(new Score("ann", 1, 0), new Score("ann", 1, 0), new Score("ann", 1, 0), new Score("ann", 2, 0));
        FaultPlan plan = FaultPlan.parse("crash n4 at 43ms for 100ms");
        assertThatThrownBy(() -> DuroCheck.run(ClusterTestKit.builder().seed(2).nodes(5)
                .namespace(LeaderboardWorkload.NS, WriteBehindLeaderboard::new).faults(plan), kit -> LeaderboardWorkload.run(kit, scores)))
                .isInstanceOf(DuroFailure.class)
                .hasMessageContaining("lost an acknowledged score: ann was acknowledged at 2 but the board shows 1");
        DuroCheck.run(ClusterTestKit.builder().seed(2).nodes(5).namespace(LeaderboardWorkload.NS, Leaderboard::new).faults(plan),
                kit -> LeaderboardWorkload.run(kit, scores));
    }
}
