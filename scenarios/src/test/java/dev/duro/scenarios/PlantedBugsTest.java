package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.runtime.PlantedBug;
import dev.duro.scenarios.counter.CounterScenario;
import dev.duro.scenarios.kv.KvScenario;
import dev.duro.scenarios.scheduler.SchedulerScenario;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The testbed has teeth: with each planted runtime bug on, a bounded seed search of the scenario
 * best placed to see it finds a run whose checkers report the property the bug breaks. Prints the
 * first failing seed (the figure the project tracks per bug).
 */
class PlantedBugsTest {
    static final int MAX_SEEDS = 200;

    /** The first seed in 1..MAX_SEEDS whose run reports a violation of one of {@code properties}. */
    private static long firstCatch(PlantedBug bug, Function<Set<PlantedBug>, Scenario> scenario, String faults,
                                   List<String> properties) {
        Scenario s = scenario.apply(Set.of(bug));
        long startNanos = System.nanoTime();
        for (long seed = 1; seed <= MAX_SEEDS; seed++) {
            RunResult r = s.run(RunConfig.of(seed, s.name()).withFaults(FaultSelection.parse(faults)));
            for (Violation v : r.violations()) {
                if (properties.contains(v.property())) {
                    System.out.printf("%s caught by %s at seed %d after %.0f ms: %s%n    repro: ./duro sim run --scenario %s"
                                    + " --seed %d --faults %s (with the bug planted)%n", bug, s.name(), seed,
                            (System.nanoTime() - startNanos) / 1e6, v, s.name(), seed, faults);
                    return seed;
                }
            }
        }
        return -1;
    }

    @Test
    void outputGateOpenEarlyIsCaughtByTheGateChecker() {
        assertThat(firstCatch(PlantedBug.OUTPUT_GATE_OPEN_EARLY, KvScenario::new, "none", List.of("P4-output")))
                .as("an output leaving before its batch is durable").isPositive();
    }

    @Test
    void inputGateOpenIsCaughtByTheGateChecker() {
        assertThat(firstCatch(PlantedBug.INPUT_GATE_OPEN, CounterScenario::new, "none", List.of("P4-input")))
                .as("an event delivered while the state loads").isPositive();
    }

    @Test
    void alarmClearedBeforeHandlerIsCaught() {
        assertThat(firstCatch(PlantedBug.ALARM_CLEARED_BEFORE_HANDLER, SchedulerScenario::new, "crash,disk",
                List.of("P5-lost"))).as("an alarm whose failed or interrupted handler is never retried").isPositive();
    }

    @Test
    void logAckBeforeFsyncIsCaughtAsLostWrites() {
        assertThat(firstCatch(PlantedBug.LOG_ACK_BEFORE_FSYNC, CounterScenario::new, "crash,disk",
                List.of("C1", "C2-lost", "C2-duplicate"))).as("an acknowledged increment lost in a crash").isPositive();
    }

    // The same gates, judged only by what clients observed (no trace facts): the history checkers
    // alone find the damage each missing gate does.

    @Test
    void outputGateOpenEarlyIsCaughtByTheClientsHistory() {
        assertThat(firstCatch(PlantedBug.OUTPUT_GATE_OPEN_EARLY, KvScenario::new, "crash,disk", List.of("K1", "K2")))
                .as("an acknowledged put lost or a read not linearizable after a crash").isPositive();
    }

    @Test
    void inputGateOpenIsCaughtByTheClientsHistory() {
        assertThat(firstCatch(PlantedBug.INPUT_GATE_OPEN, CounterScenario::new, "crash,disk",
                List.of("C1", "C2-lost", "C2-duplicate"))).as("a stale read or a lost increment").isPositive();
    }
}
