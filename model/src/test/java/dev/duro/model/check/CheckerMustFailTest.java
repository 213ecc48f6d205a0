package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The linearizability checker has teeth: a stale read injected into a valid history is caught and named. */
class CheckerMustFailTest {
    @Test
    void aStaleReadInjectedIntoAValidEtcdHistoryFlipsTheVerdictAndIsNamed() {
        History valid = PorcupineCorpus.load("jepsen/etcd_005.log");
        Model model = Models.create("cas-register", null);
        assertThat(LinearizabilityChecker.check(valid, model, LinearizabilityChecker.Options.unbounded()).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);

        long end = valid.operations().stream().mapToLong(o -> Math.max(o.invokeNanos(),
                o.completeNanos() == Operation.NEVER ? 0 : o.completeNanos())).max().orElseThrow() + 1;
        List<Operation> ops = new ArrayList<>(valid.operations());
        int n = ops.size();
        // Values 100 and 101 appear nowhere else in the log.
        ops.add(new Operation(n, 900, "write", null, 100L, 100L, Status.OK, end, end + 1, 0));
        ops.add(new Operation(n + 1, 901, "write", null, 101L, 101L, Status.OK, end + 2, end + 3, 0));
        Operation stale = new Operation(n + 2, 902, "read", null, null, 100L, Status.OK, end + 4, end + 5, 0);
        ops.add(stale);
        CheckResult r = LinearizabilityChecker.check(new History(ops), Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded());

        assertThat(r.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(r.counterexample().failing()).isEqualTo(stale);
        assertThat(r.counterexample().stateBeforeFailing()).isEqualTo("101");
    }

    @Test
    void theSameReadReturningTheFreshValueIsFine() {
        History valid = PorcupineCorpus.load("jepsen/etcd_005.log");
        long end = 1_000_000;
        List<Operation> ops = new ArrayList<>(valid.operations());
        int n = ops.size();
        ops.add(new Operation(n, 900, "write", null, 100L, 100L, Status.OK, end, end + 1, 0));
        ops.add(new Operation(n + 1, 901, "write", null, 101L, 101L, Status.OK, end + 2, end + 3, 0));
        ops.add(new Operation(n + 2, 902, "read", null, null, 101L, Status.OK, end + 4, end + 5, 0));
        assertThat(LinearizabilityChecker.check(new History(ops), Models.create("cas-register", null),
                LinearizabilityChecker.Options.unbounded()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anUnknownOutputNeverConstrains() {
        List<Operation> ops = List.of(
                new Operation(0, 0, "write", null, 1L, 1L, Status.OK, 0, 1, 0),
                new Operation(1, 1, "read", null, null, Unknown.VALUE, Status.OK, 2, 3, 0));
        assertThat(LinearizabilityChecker.check(new History(ops), Models.create("register", null),
                LinearizabilityChecker.Options.unbounded()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }
}
