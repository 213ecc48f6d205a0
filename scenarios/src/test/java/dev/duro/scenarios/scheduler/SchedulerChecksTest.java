package dev.duro.scenarios.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerChecksTest {
    private static final Map<String, Long> SENT = Map.of("j0-1", 1000L, "j0-2", 2000L, "j1-1", 9000L);

    @Test
    void parsesTheFinalRead() {
        var fin = SchedulerChecks.FinalState.parse("now=5000\nj0-1 1000 1001\nj0-2 2000 -\nrun j0-1 1001\n");
        assertThat(fin.nowMs()).isEqualTo(5000);
        assertThat(fin.jobs()).containsOnlyKeys("j0-1", "j0-2");
        assertThat(fin.jobs().get("j0-2")[1]).isEqualTo(Long.MIN_VALUE);
        assertThat(fin.runs()).hasSize(1);
    }

    @Test
    void dueJobsThatRanOnTimePass() {
        var fin = SchedulerChecks.FinalState.parse("now=5000\nj0-1 1000 1001\nj0-2 2000 2100\nj1-1 9000 -\n"
                + "run j0-1 1001\nrun j0-2 2100\nrun j0-2 2300\n");
        assertThat(SchedulerChecks.check("s", SENT, SENT, fin, 1000, true)).isEmpty();
    }

    @Test
    void anEarlyRunIsCaught() {
        var fin = SchedulerChecks.FinalState.parse("now=5000\nj0-1 1000 999\nrun j0-1 999\n");
        assertThat(SchedulerChecks.check("s", SENT, Map.of("j0-1", 1000L), fin, 1000, true))
                .extracting(Violation::property).containsExactly("S3");
    }

    @Test
    void aDueJobThatNeverRanIsALivenessFailureOnlyAtTheEnd() {
        var fin = SchedulerChecks.FinalState.parse("now=5000\nj0-1 1000 -\n");
        assertThat(SchedulerChecks.check("s", SENT, Map.of("j0-1", 1000L), fin, 1000, true)).singleElement()
                .satisfies(v -> {
                    assertThat(v.property()).isEqualTo("S4");
                    assertThat(v.failureClass()).isEqualTo(FailureClass.LIVENESS);
                });
        assertThat(SchedulerChecks.check("s", SENT, Map.of("j0-1", 1000L), fin, 1000, false)).isEmpty();
    }

    @Test
    void lostAndPhantomJobsAreCaught() {
        var fin = SchedulerChecks.FinalState.parse("now=5000\nj7-7 1000 1000\nrun j7-7 1000\n");
        assertThat(SchedulerChecks.check("s", SENT, Map.of("j0-2", 2000L), fin, 1000, false))
                .extracting(Violation::property).containsExactly("S1", "S2");
    }
}
