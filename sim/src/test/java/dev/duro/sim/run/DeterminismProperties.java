package dev.duro.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** P7 at the kernel level: the same seed and configuration give the same trace, event by event. */
class DeterminismProperties {
    /** Determinism: two runs of any seed and budget give identical digests and no divergence. */
    @Property(tries = 25)
    void sameSeedSameDigest(@ForAll long seed, @ForAll @LongRange(min = 50, max = 2_000) long untilMs) {
        RunConfig config = RunConfig.of(seed, "chatter").withUntilMs(untilMs);
        DoubleRun.Result result = DoubleRun.run(new ChatterScenario(false), config, 8);
        assertThat(result.deterministic())
                .as("P7 determinism: seed %s untilMs %d diverged: %s; repro: mvn -pl sim test -Dtest=DeterminismProperties "
                        + "(seed %s)", Long.toUnsignedString(seed), untilMs,
                        result.divergence() == null ? "verdicts differ" : String.join("\n", result.divergence().lines()),
                        Long.toUnsignedString(seed))
                .isTrue();
        assertThat(result.first().traceEvents()).isGreaterThan(10);
    }

    /** Separate single runs (not interleaved) agree with each other too. */
    @Property(tries = 10)
    void separateRunsAgree(@ForAll long seed) {
        RunConfig config = RunConfig.of(seed, "chatter").withUntilMs(500);
        RunResult a = new ChatterScenario(false).run(config);
        RunResult b = new ChatterScenario(false).run(config);
        assertThat(a.digest()).as("P7: seed %s; repro: %s", Long.toUnsignedString(seed), a.repro()).isEqualTo(b.digest());
        assertThat(a.events()).isEqualTo(b.events());
    }

    @Test
    void differentSeedsGiveDifferentDigests() {
        RunResult a = new ChatterScenario(false).run(RunConfig.of(1, "chatter").withUntilMs(300));
        RunResult b = new ChatterScenario(false).run(RunConfig.of(2, "chatter").withUntilMs(300));
        assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    /** The deliberately non-deterministic fixture is caught, and the first divergent event is named. */
    @Test
    void doubleRunCatchesAWallClockReadAndNamesTheFirstDivergentEvent() {
        RunConfig config = RunConfig.of(7, "chatter-nondeterministic").withUntilMs(2_000);
        DoubleRun.Result result = DoubleRun.run(new ChatterScenario(true), config, 5);
        assertThat(result.deterministic()).isFalse();
        DoubleRun.Divergence d = result.divergence();
        assertThat(d).isNotNull();
        assertThat(d.index()).isPositive();
        assertThat(d.contextFirst()).hasSize(5);
        assertThat(d.contextSecond()).hasSize(5);
        // The context before the divergence is identical in both runs.
        for (int i = 0; i < 5; i++) assertThat(d.contextFirst().get(i).chain()).isEqualTo(d.contextSecond().get(i).chain());
        assertThat(d.first()).isNotNull();
        assertThat(d.second()).isNotNull();
        assertThat(d.first().chain()).isNotEqualTo(d.second().chain());
        Violation v = result.violation();
        assertThat(v.failureClass()).isEqualTo(FailureClass.DETERMINISM);
        assertThat(v.message()).contains("event #" + d.index()).contains("t=");
        assertThat(String.join("\n", d.lines())).contains("first divergent event: #" + d.index()).contains("<== differs");
        // Which node: the divergent timer was set by n1, so the first difference is an n1 event.
        assertThat(d.first().node()).isEqualTo(1);
    }
}
