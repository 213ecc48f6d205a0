package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Deadlines and step budgets give UNKNOWN, never a hang or a guess; a full memo only slows down. */
class BudgetsTest {
    // etcd_002 needs over a million steps to prove linearizable.
    private final History hard = PorcupineCorpus.load("jepsen/etcd_002.log");

    @Test
    void aTinyStepBudgetGivesUnknownAndSaysWhy() {
        CheckResult r = LinearizabilityChecker.check(hard, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withMaxSteps(1_000));
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.reason()).contains("step budget");
        assertThat(r.steps()).isEqualTo(1_000);
    }

    @Test
    void aPassedDeadlineGivesUnknown() {
        AtomicLong fakeNanos = new AtomicLong();
        CheckResult r = LinearizabilityChecker.check(hard, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withDeadline(5_000_000, () -> fakeNanos.getAndAdd(1_000_000)));
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.reason()).contains("deadline of 5 ms");
    }

    @Test
    void aStepBudgetMakesTheVerdictDeterministic() {
        CheckResult a = LinearizabilityChecker.check(hard, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withMaxSteps(50_000));
        CheckResult b = LinearizabilityChecker.check(hard, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withMaxSteps(50_000));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void aFullMemoIsReportedAndTheVerdictStaysRight() {
        History small = PorcupineCorpus.load("jepsen/etcd_000.log");
        CheckResult r = LinearizabilityChecker.check(small, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withMemoBytes(1));
        assertThat(r.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(r.memoSaturated()).isTrue();
    }

    @Test
    void c50BadByKeyFindsTheIllegalPartitionWithoutSolvingTheHardOnes() {
        History c50 = PorcupineCorpus.load("kv/c50-bad.txt");
        CheckResult r = LinearizabilityChecker.check(c50, Models.create("kv", null),
                LinearizabilityChecker.Options.unbounded().withMaxSteps(5_000_000));
        assertThat(r.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(r.counterexample().partitionName()).startsWith("key ");
    }
}
