package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Deadlines and step budgets give UNKNOWN, never a hang or a guess; a full memo only slows down, and
 * states that no longer fit give UNKNOWN rather than an OutOfMemoryError.
 */
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
        // Room for the register's handful of states, not for many memo entries.
        CheckResult r = LinearizabilityChecker.check(small, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withMemoBytes(4_000));
        assertThat(r.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(r.memoSaturated()).isTrue();
    }

    @Test
    void aFullMemoOnAHardHistoryGivesUnknownThatSaysSo() {
        CheckResult r = LinearizabilityChecker.check(hard, Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded().withMemoBytes(4_000).withMaxSteps(200_000));
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.memoSaturated()).isTrue();
        assertThat(r.reason()).contains("step budget").contains("memo cache was full");
    }

    @Test
    void modelStatesThatNoLongerFitGiveUnknownNotOutOfMemory() {
        // Unpartitioned KV: every append makes a new state; with the memo full they would pile up.
        History kv = PorcupineCorpus.load("kv/c10-ok.txt");
        CheckResult r = LinearizabilityChecker.check(kv, Models.create("kv", null),
                LinearizabilityChecker.Options.unbounded().withPartition(false).withMemoBytes(256 << 10));
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.reason()).startsWith("memory budget of 256 KiB exhausted in partition all");
    }

    @Test
    void partitionsShareOneMemoryBudget() {
        MemoryBudget budget = new MemoryBudget(10_000);
        Memo a = new Memo(1, budget);
        Memo b = new Memo(1, budget);
        long[] bits = new long[1];
        for (int i = 0; i < 1_000; i++) {
            bits[0] = i;
            a.add(bits, i, 0);
            b.add(bits, i, 0);
        }
        assertThat(a.saturated()).isTrue();
        assertThat(b.saturated()).isTrue();
        // 56 bytes charged per one-word entry: together they hold what the budget holds, not twice.
        assertThat(a.size() + b.size()).isEqualTo(10_000 / 56);
        a.release();
        assertThat(budget.take(a.size() * 56L)).as("a finished memo gives its bytes back").isTrue();
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
