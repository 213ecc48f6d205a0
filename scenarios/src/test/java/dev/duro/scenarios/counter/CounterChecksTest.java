package dev.duro.scenarios.counter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.check.LinearizabilityChecker;
import dev.duro.model.check.Verdict;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import dev.duro.sim.run.Violation;
import org.junit.jupiter.api.Test;

class CounterChecksTest {
    /** Two clients: p0 increments to 1 and 2, p1 reads 2 at the end; p2's increment is indeterminate. */
    private static HistoryRecorder base() {
        HistoryRecorder h = new HistoryRecorder();
        var a = h.invoke(0, "increment", null, 0);
        h.ok(a, 1L, 10);
        var b = h.invoke(0, "increment", null, 20);
        h.ok(b, 2L, 30);
        h.invoke(2, "increment", null, 25); // never answered
        return h;
    }

    private static Verdict lin(History h) {
        return LinearizabilityChecker.check(h, new IncrementModel(), LinearizabilityChecker.Options.unbounded()).verdict();
    }

    @Test
    void finalReadCoveringEveryAckPasses() {
        HistoryRecorder h = base();
        h.ok(h.invoke(1, "read", null, 100), 3L, 110); // the unknown increment took effect: allowed
        History history = h.build();
        assertThat(CounterChecks.durability("c", history)).isEmpty();
        assertThat(lin(history)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aLostAcknowledgedIncrementIsCaughtByBothCheckers() {
        HistoryRecorder h = base();
        h.ok(h.invoke(1, "read", null, 100), 1L, 110);
        History history = h.build();
        assertThat(CounterChecks.durability("c", history)).extracting(Violation::property).containsExactly("C2-lost");
        assertThat(lin(history)).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void moreThanWasEverSentIsAPhantom() {
        HistoryRecorder h = base();
        h.ok(h.invoke(1, "read", null, 100), 4L, 110);
        assertThat(CounterChecks.durability("c", h.build())).extracting(Violation::property).containsExactly("C2-phantom");
    }

    @Test
    void twoAcksWithOneValueAreADuplicate() {
        HistoryRecorder h = new HistoryRecorder();
        h.ok(h.invoke(0, "increment", null, 0), 1L, 10);
        h.ok(h.invoke(1, "increment", null, 20), 1L, 30);
        History history = h.build();
        assertThat(CounterChecks.durability("c", history)).extracting(Violation::property).contains("C2-duplicate");
        assertThat(lin(history)).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void concurrentIncrementsMayAnswerInEitherOrder() {
        HistoryRecorder h = new HistoryRecorder();
        var a = h.invoke(0, "increment", null, 0);
        var b = h.invoke(1, "increment", null, 1);
        h.ok(b, 1L, 5);
        h.ok(a, 2L, 6);
        assertThat(lin(h.build())).isEqualTo(Verdict.LINEARIZABLE);
    }
}
