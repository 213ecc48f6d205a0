package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The boundary cases of the history semantics, each on the smallest history that shows it, read
 * through the real formats.
 */
class EdgeCaseSemanticsTest {
    private static final LinearizabilityChecker.Options UNBOUNDED = LinearizabilityChecker.Options.unbounded();

    private static CheckResult check(String model, HistoryFormat format, String text) {
        return LinearizabilityChecker.check(format.parse(text, "edge"), Models.create(model, null), UNBOUNDED);
    }

    private static String jsonl(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void anOpInvokedAtTheInstantAnotherCompletesIsConcurrentWithIt() {
        // Closed intervals: the read may take effect at t=5, before the write does.
        String atTheSameInstant = jsonl(
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":0}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":5}",
                "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":5}",
                "{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":9}");
        assertThat(check("register", HistoryFormat.DURO_JSONL, atTheSameInstant).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        CheckResult oneLater = check("register", HistoryFormat.DURO_JSONL, atTheSameInstant.replace("\"time\":5}\n{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":5",
                "\"time\":5}\n{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":6"));
        assertThat(oneLater.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(oneLater.counterexample().failing().f()).isEqualTo("read");
        assertThat(oneLater.counterexample().stateBeforeFailing()).isEqualTo("1");
    }

    @Test
    void zeroLengthOpsAtOneInstantAreConcurrentAndAProcessMayBeReusedThen() {
        // p0 writes at [5,5] and reads nil at [5,5]: the read may come first.
        String text = jsonl(
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":5}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"write\",\"time\":5}",
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"value\":null,\"time\":5}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"read\",\"value\":null,\"time\":5}",
                "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":6}",
                "{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"value\":1,\"time\":7}");
        assertThat(check("register", HistoryFormat.DURO_JSONL, text).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anInfoCompletionsValueIsIgnoredTheInvokesIsUsed() {
        // Knossos: an :info op's value is unknown; what it would do is what was invoked (write 1).
        String edn = """
                {:process 0, :type :invoke, :f :write, :value 1}
                {:process 0, :type :info, :f :write, :value 99}
                {:process 1, :type :invoke, :f :read, :value nil}
                {:process 1, :type :ok, :f :read, :value 1}
                """;
        History h = HistoryFormat.KNOSSOS_EDN.parse(edn, "info.edn");
        Operation info = h.operations().get(0);
        assertThat(info.status()).isEqualTo(Status.INFO);
        assertThat(info.input()).isEqualTo(1L);
        assertThat(info.output()).isEqualTo(Unknown.VALUE);
        assertThat(check("register", HistoryFormat.KNOSSOS_EDN, edn).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check("register", HistoryFormat.KNOSSOS_EDN, edn.replace(":ok, :f :read, :value 1", ":ok, :f :read, :value 99")).verdict())
                .isEqualTo(Verdict.VIOLATION);
        // The same in duro-jsonl: a value on an info line is not an output.
        String jsonl = jsonl(
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"value\":null,\"time\":0}",
                "{\"type\":\"info\",\"process\":0,\"f\":\"read\",\"value\":42,\"time\":3}");
        assertThat(HistoryFormat.DURO_JSONL.parse(jsonl, "i.jsonl").operations().get(0).output()).isEqualTo(Unknown.VALUE);
        assertThat(check("register", HistoryFormat.DURO_JSONL, jsonl).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anInfoOpThatCanNeverHappenIsSimplyLeftOut() {
        // A release of a lock nobody holds is illegal in every state; indeterminate, it never happened.
        String edn = """
                [{:process 0, :type :invoke, :f :release, :value nil}
                 {:process 0, :type :info, :f :release, :value nil}
                 {:process 1, :type :invoke, :f :acquire, :value nil}
                 {:process 1, :type :ok, :f :acquire, :value nil}]
                """;
        assertThat(check("mutex", HistoryFormat.KNOSSOS_EDN, edn).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void nemesisOpsAreIgnoredEvenWhenTheyInterleaveAndNeverComplete() {
        String edn = """
                [{:process :nemesis, :type :invoke, :f :start, :value nil}
                 {:process 0, :type :invoke, :f :write, :value 1}
                 {:process :nemesis, :type :info, :f :start, :value "partitioned"}
                 {:process 0, :type :ok, :f :write, :value 1}
                 {:process :nemesis, :type :invoke, :f :stop, :value nil}
                 {:process 1, :type :invoke, :f :read, :value nil}
                 {:process 1, :type :ok, :f :read, :value 1}]
                """;
        History h = HistoryFormat.KNOSSOS_EDN.parse(edn, "n.edn");
        assertThat(h.operations()).extracting(Operation::f).containsExactly("write", "read");
        assertThat(check("register", HistoryFormat.KNOSSOS_EDN, edn).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aProcessReusedAfterInfoOrATimedOutReadKeepsItsIndeterminateOpOpenForever() {
        // Process 1's write of 3 timed out (:info); process 1 then reads nil, and process 2 reads 3
        // later. Only if the info'd write takes effect after its own process's next op does this
        // fit: it may, its return is at +infinity. The timed-out read constrains nothing.
        String log = String.join("\n",
                "INFO  jepsen.util - 1\t:invoke\t:write\t3",
                "INFO  jepsen.util - 1\t:info\t:write\t:timed-out",
                "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 0\t:fail\t:read\t:timed-out",
                "INFO  jepsen.util - 1\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 1\t:ok\t:read\tnil",
                "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 0\t:ok\t:read\tnil",
                "INFO  jepsen.util - 2\t:invoke\t:read\tnil",
                "INFO  jepsen.util - 2\t:ok\t:read\t3",
                "");
        History h = HistoryFormat.JEPSEN_ETCD.parse(log, "reuse.log");
        assertThat(h.operations()).extracting(Operation::status)
                .containsExactly(Status.INFO, Status.INFO, Status.OK, Status.OK, Status.OK);
        assertThat(h.operations().get(1).output()).isEqualTo(Unknown.VALUE); // the timed-out read
        assertThat(check("cas-register", HistoryFormat.JEPSEN_ETCD, log).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        // Without the write ever being indeterminate-forever, the read of 3 would have to precede
        // the read of nil that follows it in real time: make that read come after the 3.
        String swapped = log.replace("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tnil\n", "")
                + "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tnil\n";
        assertThat(check("cas-register", HistoryFormat.JEPSEN_ETCD, swapped).verdict()).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void emptyHistoriesAreLinearizableInEveryFormatAndModel() {
        List<String> empties = List.of("", "[]", "\n\n", "; nothing happened\n");
        for (String model : Models.names()) {
            for (HistoryFormat format : HistoryFormat.values()) {
                for (String text : empties) {
                    if (format == HistoryFormat.DURO_JSONL && !text.isBlank()) continue;
                    if (format != HistoryFormat.KNOSSOS_EDN && format != HistoryFormat.JEPSEN_KV && text.contains("[")) continue;
                    for (boolean partition : new boolean[] {true, false}) {
                        CheckResult r = LinearizabilityChecker.check(format.parse(text, "empty"), Models.create(model, null),
                                UNBOUNDED.withPartition(partition));
                        assertThat(r.verdict()).as("%s %s %s", model, format, partition).isEqualTo(Verdict.LINEARIZABLE);
                        assertThat(r.ops()).isZero();
                    }
                }
            }
        }
    }

    @Test
    void aHistoryOfOneOpIsJudgedAndItsCounterexampleIsThatOp() {
        String ok = jsonl("{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"value\":null,\"time\":0}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"read\",\"value\":null,\"time\":1}");
        assertThat(check("register", HistoryFormat.DURO_JSONL, ok).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        CheckResult bad = check("register", HistoryFormat.DURO_JSONL, ok.replace("\"value\":null,\"time\":1", "\"value\":7,\"time\":1"));
        assertThat(bad.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(bad.counterexample().linearized()).isEmpty();
        assertThat(bad.counterexample().failing().output()).isEqualTo(7L);
        assertThat(bad.counterexample().failing().line()).isEqualTo(1);
        assertThat(bad.counterexample().stateBeforeFailing()).isEqualTo("nil");
    }

    @Test
    void theCounterexampleOfAStaleReadNamesTheReadAndTheWritesBeforeIt() {
        // w1 then w2 complete, then a read returns 1; an unrelated concurrent read of 2 is fine.
        String text = jsonl(
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":0}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"write\",\"time\":10}",
                "{\"type\":\"invoke\",\"process\":1,\"f\":\"write\",\"value\":2,\"time\":20}",
                "{\"type\":\"ok\",\"process\":1,\"f\":\"write\",\"time\":30}",
                "{\"type\":\"invoke\",\"process\":2,\"f\":\"read\",\"value\":null,\"time\":40}",
                "{\"type\":\"invoke\",\"process\":3,\"f\":\"read\",\"value\":null,\"time\":41}",
                "{\"type\":\"ok\",\"process\":2,\"f\":\"read\",\"value\":1,\"time\":50}",
                "{\"type\":\"ok\",\"process\":3,\"f\":\"read\",\"value\":2,\"time\":51}");
        Counterexample c = check("register", HistoryFormat.DURO_JSONL, text).counterexample();
        assertThat(c.failing().line()).isEqualTo(5);
        assertThat(c.failing().output()).isEqualTo(1L);
        // Longest partial linearization: both writes and the fresh read; it cannot take the stale one.
        assertThat(c.linearized()).extracting(Operation::line).containsExactly(1, 3, 6);
        assertThat(c.statesAfter()).containsExactly("1", "2", "2");
        assertThat(c.stateBeforeFailing()).isEqualTo("2");
    }

    @Test
    void aDeadlineEndsTheCheckAtTheNextSliceAndTheClockIsReadOncePerSlice() {
        History hard = PorcupineCorpus.load("jepsen/etcd_002.log");
        AtomicLong reads = new AtomicLong();
        CheckResult r = LinearizabilityChecker.check(hard, Models.create("cas-register", null),
                UNBOUNDED.withDeadline(1, () -> reads.getAndIncrement()));
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.reason()).startsWith("deadline of 0 ms passed");
        assertThat(reads.get()).isEqualTo(2); // the start, then after the first slice
        assertThat(r.steps()).isEqualTo(LinearizabilityChecker.FIRST_SLICE_STEPS);
        // A history finished within the first slice gets its verdict even past the deadline.
        History one = HistoryFormat.DURO_JSONL.parse(jsonl("{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"time\":0}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"read\",\"value\":null,\"time\":1}"), "one");
        AtomicLong late = new AtomicLong();
        assertThat(LinearizabilityChecker.check(one, Models.create("register", null),
                UNBOUNDED.withDeadline(1, () -> late.getAndAdd(1_000_000_000L))).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anOkOpCompletingAtTheEndOfTimeIsStillCheckedBeforeIndeterminateOnesAreDropped() {
        // The read of 7 completes at Long.MAX_VALUE, the same time as an indeterminate return;
        // nobody writes 7, so this is a violation however the tie is broken.
        String text = jsonl(
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":0}",
                "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":1}",
                "{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"value\":7,\"time\":9223372036854775807}");
        CheckResult r = check("register", HistoryFormat.DURO_JSONL, text);
        assertThat(r.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(r.counterexample().failing().output()).isEqualTo(7L);
    }
}
