package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.DoubleRun;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * P7 over the real catalogue: every scenario, under random seeds, budgets and fault selections,
 * gives the same trace when run twice in lock step (the disk-backed ones exercise jimfs too).
 */
class CatalogueDeterminismProperties {
    @Property(tries = 40)
    @Label("P7: every catalogue scenario gives the same trace twice for the same seed, budget and faults")
    void sameConfigurationSameTrace(@ForAll("scenarios") Scenario scenario, @ForAll long seed,
                                    @ForAll @LongRange(min = 200, max = 8_000) long untilMs,
                                    @ForAll("faults") String faults) {
        RunConfig config = RunConfig.of(seed, scenario.name()).withUntilMs(untilMs)
                .withFaults(FaultSelection.parse(faults));
        DoubleRun.Result result = DoubleRun.run(scenario, config, 8);
        assertThat(result.deterministic())
                .as("%s diverged; reproduce: ./duro sim double-run --seed %s --scenario %s --until-ms %d --faults %s%n%s",
                        scenario.name(), config.seedText(), scenario.name(), untilMs, faults,
                        result.divergence() == null ? "" : String.join("\n", result.divergence().lines()))
                .isTrue();
        assertThat(result.first().events()).as("the run did something").isPositive();
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.of(ScenarioCatalogue.all());
    }

    @Provide
    Arbitrary<String> faults() {
        return Arbitraries.of(List.of("swarm", "all", "none", "crash,disk", "partition,loss,dup,reorder", "pause,clock,buggify"));
    }
}
