package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * External truth: every history of Porcupine's test corpus gets the verdict Porcupine's own tests
 * assert. UNKNOWN fails. The unpartitioned c50 rows are skipped (Porcupine itself times out).
 */
class PorcupineVerdictsTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

    @TestFactory
    Stream<DynamicTest> everyVerdictAgrees() {
        return PorcupineCorpus.rows().stream()
                .filter(r -> r.byKey() || !r.file().startsWith("kv/c50"))
                .map(r -> DynamicTest.dynamicTest(r.file() + (r.byKey() ? " by key" : ""), () -> {
                    History h = PorcupineCorpus.load(r.file());
                    CheckResult res = LinearizabilityChecker.check(h, PorcupineCorpus.model(r),
                            LinearizabilityChecker.Options.unbounded().withPartition(r.byKey())
                                    .withDeadline(DEADLINE_NANOS, System::nanoTime));
                    assertThat(res.verdict()).as(r.file() + " " + res.reason())
                            .isEqualTo(r.expectLinearizable() ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
                }));
    }

    @Test
    void theCorpusIsComplete() {
        List<PorcupineCorpus.Row> rows = PorcupineCorpus.rows();
        assertThat(rows.stream().filter(r -> r.file().startsWith("jepsen/")).count()).isEqualTo(102);
        assertThat(rows.stream().map(PorcupineCorpus.Row::file).distinct().count()).isEqualTo(108);
    }
}
