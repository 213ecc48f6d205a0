package dev.duro.scenarios.ping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.DoubleRun;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Verdict;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PingScenarioTest {
    private static String explain(RunResult r) {
        return String.join("\n", r.lines());
    }

    /** D1-D4 hold for random seeds under the swarm fault mix. */
    @Property(tries = 12)
    void pingPassesUnderSwarmFaults(@ForAll long seed) {
        RunResult r = new PingScenario().run(RunConfig.of(seed, PingScenario.NAME));
        assertThat(r.verdict()).as("ping seed %s failed:\n%s\nrepro: %s", Long.toUnsignedString(seed), explain(r), r.repro())
                .isEqualTo(Verdict.PASS);
    }

    @Test
    void pingPassesWithEveryFaultOn() {
        for (long seed = 1; seed <= 4; seed++) {
            RunResult r = new PingScenario().run(RunConfig.of(seed, PingScenario.NAME).withFaults(FaultSelection.ALL));
            assertThat(r.verdict()).as("%s", explain(r)).isEqualTo(Verdict.PASS);
            assertThat(r.parameters().get("faults.on")).contains("crash").contains("partition");
        }
    }

    @Test
    void plantedMissingDedupIsCaughtAsSafetyViolation() {
        int caught = 0;
        for (long seed = 1; seed <= 5; seed++) {
            RunResult r = new PingScenario(PingScenario.Planted.NO_DEDUP).run(RunConfig.of(seed, PingScenario.NAME).withFaults(FaultSelection.parse("loss,dup")));
            if (r.verdict() == Verdict.FAIL) {
                caught++;
                assertThat(r.violations()).anyMatch(v -> v.property().equals("D1") && v.failureClass() == FailureClass.SAFETY);
                assertThat(r.exitCode()).isEqualTo(1);
            }
        }
        assertThat(caught).as("the planted no-dedup bug must be caught in most seeds").isGreaterThanOrEqualTo(4);
    }

    @Test
    void plantedMissingProbeIsCaughtAsLivenessFailure() {
        int caught = 0;
        for (long seed = 1; seed <= 10; seed++) {
            RunResult r = new PingScenario(PingScenario.Planted.NO_PROBE)
                    .run(RunConfig.of(seed, PingScenario.NAME).withFaults(FaultSelection.parse("crash")));
            if (r.verdict() == Verdict.FAIL) {
                caught++;
                assertThat(r.violations()).allMatch(v -> v.property().equals("D4") && v.failureClass() == FailureClass.LIVENESS);
                assertThat(r.exitCode()).isEqualTo(4);
            }
        }
        assertThat(caught).as("the planted no-probe bug must be caught in most crash seeds").isGreaterThanOrEqualTo(5);
    }

    @Test
    void drawnParametersArePrintedAndRunIsReproducible() {
        RunConfig config = RunConfig.of(42, PingScenario.NAME).withUntilMs(3_000);
        RunResult a = new PingScenario().run(config);
        RunResult b = new PingScenario().run(config);
        assertThat(a.digest()).isEqualTo(b.digest());
        assertThat(a.parameters()).containsKeys("nodes", "messagesPerPeer", "faults.on", "net", "liveness");
        assertThat(a.parameters().get("liveness")).startsWith("not judged");
        assertThat(a.repro()).isEqualTo("./duro sim run --seed 42 --scenario ping --until-ms 3000 --max-events 20000000 --faults swarm");
    }

    @Test
    void doubleRunOfPingIsDeterministic() {
        DoubleRun.Result r = DoubleRun.run(new PingScenario(), RunConfig.of(99, PingScenario.NAME).withUntilMs(5_000), 5);
        assertThat(r.deterministic()).as("%s", r.divergence() == null ? "" : String.join("\n", r.divergence().lines())).isTrue();
    }

    @Test
    void eventBudgetStopsEarlyAndLivenessIsNotJudged() {
        RunResult r = new PingScenario().run(RunConfig.of(3, PingScenario.NAME).withMaxEvents(5_000));
        assertThat(r.stopReason().name()).isEqualTo("EVENT_LIMIT");
        assertThat(r.events()).isEqualTo(5_000);
        assertThat(r.violations()).noneMatch(v -> v.failureClass() == FailureClass.LIVENESS);
    }
}
