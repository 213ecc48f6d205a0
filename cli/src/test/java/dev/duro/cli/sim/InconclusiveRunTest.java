package dev.duro.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import org.junit.jupiter.api.Test;

/**
 * A run that the event budget ends before its workload is INCONCLUSIVE with exit 6, never a PASS;
 * a pass that could not judge liveness says so on its verdict line.
 */
class InconclusiveRunTest {
    @Test
    void anEventBudgetSpentBeforeTheWorkloadIsInconclusiveWithExitSix() {
        for (String scenario : new String[] {"kv", "ping", "log-demo"}) {
            CliRun r = CliRun.of("sim", "run", "--seed", "1", "--scenario", scenario, "--max-events", "1", "--json");
            assertThat(r.exit()).as(r.all()).isEqualTo(6);
            assertThat(r.out()).as(r.all()).contains("verdict: INCONCLUSIVE", "no verdict (raise --max-events)")
                    .doesNotContain("verdict: PASS");
            assertThat(r.last()).contains("\"verdict\":\"INCONCLUSIVE\"", "\"exitCode\":6");
            assertThat(r.showsStackTrace()).isFalse();
        }
    }

    @Test
    void theShortestRunAllowedRunsEveryScenarioWithoutATrace() {
        for (String scenario : new String[] {"kv", "counter", "bank", "chat", "rate-limiter", "scheduler", "log-demo", "ping"}) {
            CliRun r = CliRun.of("sim", "run", "--seed", "2", "--scenario", scenario, "--until-ms", "100");
            assertThat(r.showsStackTrace()).as(r.all()).isFalse();
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.out()).contains("verdict: ");
        }
    }

    @Test
    void aPassThatDidNotJudgeLivenessSaysSo() {
        CliRun r = CliRun.of("sim", "run", "--seed", "42", "--scenario", "counter", "--until-ms", "1000", "--faults", "none");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("verdict: PASS (safety only: liveness was not judged, see 'param liveness')");
    }

    @Test
    void sweepExitCodesRankInconclusiveLast() {
        assertThat(SimSweepCommand.worse(0, 6)).isEqualTo(6);
        assertThat(SimSweepCommand.worse(6, 4)).isEqualTo(4);
        assertThat(SimSweepCommand.worse(1, 6)).isEqualTo(1);
        assertThat(SimSweepCommand.worse(6, 5)).isEqualTo(5);
    }
}
