package dev.duro.scenarios.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogDemoScenarioTest {
    private static RunConfig config(long seed, String faults) {
        return RunConfig.of(seed, LogDemoScenario.NAME).withFaults(FaultSelection.parse(faults));
    }

    @Test
    @DisplayName("L1-L4 hold over 30 seeds, alternating every fault kind on and a swarm-drawn mix")
    void holdsUnderAllFaults() {
        List<String> failures = new ArrayList<>();
        int acked = 0;
        for (long seed = 1; seed <= Long.getLong("logdemo.seeds", 30); seed++) {
            RunResult r = new LogDemoScenario().run(config(seed, seed % 2 == 0 ? "all" : "swarm"));
            if (!r.violations().isEmpty()) failures.add(r.repro() + " -> " + r.violations());
            acked += Integer.parseInt(r.parameters().getOrDefault("acked", "0"));
        }
        assertThat(failures).as("failing seeds, each with its reproduction line").isEmpty();
        assertThat(acked).as("acknowledged records over all seeds: the check must have had work to judge").isGreaterThan(1000);
    }

    @Test
    @DisplayName("the durability check has teeth: acknowledging before fsync loses records that L1 reports")
    void catchesAckBeforeSync() {
        int caught = 0;
        List<String> messages = new ArrayList<>();
        for (long seed = 1; seed <= 10; seed++) {
            RunResult r = new LogDemoScenario(true).run(config(seed, "crash,disk"));
            if (r.violations().stream().anyMatch(v -> v.property().equals("L1"))) caught++;
            r.violations().forEach(v -> messages.add(v.message()));
        }
        assertThat(messages).as("the durability checker names the lost record and the final read")
                .anyMatch(m -> m.contains("lost write: ") && m.contains("append(") && m.contains("final "));
        assertThat(caught).as("seeds out of 10 in which the planted ack-before-sync bug lost an acknowledged record")
                .isGreaterThanOrEqualTo(8);
    }
}
