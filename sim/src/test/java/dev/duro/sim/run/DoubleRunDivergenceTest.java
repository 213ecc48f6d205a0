package dev.duro.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.Simulation;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the double run reports the first divergence: at the very first event, at the last one, and
 * when one run simply has more events (by more than the ring holds, which used to crash the report).
 */
class DoubleRunDivergenceTest {

    /** A scenario whose first setUp plays {@code first} and whose second plays {@code second}: one note per ms. */
    private record Scripted(List<String> first, List<String> second, int[] setUps) implements Scenario {
        Scripted(List<String> first, List<String> second) {
            this(first, second, new int[1]);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String description() {
            return "test fixture: a fixed list of notes, different per setUp";
        }

        @Override
        public long defaultUntilMs() {
            return 1_000_000;
        }

        @Override
        public ScenarioRun setUp(RunConfig config, TraceListener listener) {
            List<String> script = setUps[0]++ == 0 ? first : second;
            Simulation sim = new Simulation(Simulation.Options.seed(config.seed()).withRingCapacity(config.ringCapacity()));
            for (int i = 0; i < script.size(); i++) {
                String label = script.get(i);
                sim.at(Simulation.millis(i + 1), () -> sim.note(label, null));
            }
            return ScenarioRun.of(sim, new LinkedHashMap<>(), reason -> List.of());
        }
    }

    private static DoubleRun.Result run(List<String> first, List<String> second) {
        return DoubleRun.run(new Scripted(first, second), RunConfig.of(1, "scripted"), 3);
    }

    @Test
    void divergenceAtTheFirstEventHasNoContextAndNamesBothEvents() {
        DoubleRun.Result r = run(List.of("x", "b", "c"), List.of("y", "b", "c"));
        assertThat(r.deterministic()).isFalse();
        DoubleRun.Divergence d = r.divergence();
        assertThat(d.index()).isZero();
        assertThat(d.first().label()).isEqualTo("x");
        assertThat(d.second().label()).isEqualTo("y");
        assertThat(d.contextFirst()).isEmpty();
        assertThat(d.contextSecond()).isEmpty();
        assertThat(d.lines()).hasSize(3).last().asString().contains("note x", "note y", "<== differs");
        assertThat(r.violation().message()).startsWith("traces diverge at event #0 ");
    }

    @Test
    void divergenceAtTheLastEventKeepsTheContextBeforeIt() {
        DoubleRun.Result r = run(List.of("a", "b", "c", "d"), List.of("a", "b", "c", "z"));
        DoubleRun.Divergence d = r.divergence();
        assertThat(d.index()).isEqualTo(3);
        assertThat(d.first().label()).isEqualTo("d");
        assertThat(d.second().label()).isEqualTo("z");
        assertThat(d.contextFirst()).extracting(e -> e.label()).containsExactly("a", "b", "c");
        assertThat(d.contextSecond()).isEqualTo(d.contextFirst());
    }

    @Test
    void aLongerSecondRunDivergesWhereTheFirstEnded() {
        List<String> longer = new ArrayList<>(List.of("a", "b", "c"));
        for (int i = 0; i < 3 * DoubleRun.RING; i++) longer.add("extra" + i); // far more than the ring holds
        DoubleRun.Result r = run(List.of("a", "b", "c"), longer);
        DoubleRun.Divergence d = r.divergence();
        assertThat(d.index()).isEqualTo(3);
        assertThat(d.first()).isNull();
        assertThat(d.second().label()).isEqualTo("extra0");
        assertThat(d.contextFirst()).extracting(e -> e.label()).containsExactly("a", "b", "c");
        assertThat(d.contextSecond()).extracting(e -> e.label()).containsExactly("a", "b", "c");
        assertThat(d.lines()).last().asString().startsWith("(run ended)").contains("extra0");
        // The longer run was stopped at the divergence, not run to its end.
        assertThat(r.second().traceEvents()).isLessThan(10);
    }

    @Test
    void aLongerFirstRunDivergesWhereTheSecondEnded() {
        DoubleRun.Result r = run(List.of("a", "b", "c", "d"), List.of("a", "b"));
        DoubleRun.Divergence d = r.divergence();
        assertThat(d.index()).isEqualTo(2);
        assertThat(d.first().label()).isEqualTo("c");
        assertThat(d.second()).isNull();
        assertThat(d.lines()).last().asString().contains("(run ended)");
        assertThat(r.violation().failureClass()).isEqualTo(FailureClass.DETERMINISM);
    }

    @Test
    void identicalScriptsAgree() {
        DoubleRun.Result r = run(List.of("a", "b"), List.of("a", "b"));
        assertThat(r.divergence()).isNull();
        assertThat(r.deterministic()).isTrue();
        assertThat(r.violation()).isNull();
    }
}
