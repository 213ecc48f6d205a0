package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.DuroJsonLines;
import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * {@link LinearizabilityChecker} against {@link BruteForceLinearizability} on small random
 * histories, one property per model. Histories are random, not built to be linearizable: outputs
 * come from a small domain so that both verdicts are common (the coverage checks say so); times
 * come from a small range so that equal invoke/complete times are common; some ops fail (dropped)
 * and some are indeterminate (returning at +infinity, or with an info event later). A process is
 * reused once its op has completed, even at the same instant. A failing sample prints as Duro JSON
 * lines, replayable with {@code duro check --model M --format duro-jsonl FILE}.
 */
@StatisticsReport(onFailureOnly = true) // the verdict mix is asserted (coverage) and shown only when a property fails
class DifferentialLinearizabilityProperties {
    private static final int TRIES = 3000;
    private static final int MAX_OPS = 8;
    private static final LinearizabilityChecker.Options OPTIONS = LinearizabilityChecker.Options.unbounded().withMaxSteps(10_000_000);

    /** What an op does, before it gets an interval and a status. */
    record Call(String f, Object key, Object input, Object output) {}

    /** One generated op. */
    record Draft(Call call, int invoke, int duration, Status status, boolean neverCompletes) {}

    /** A history for a model; prints as a replayable duro-jsonl file. */
    record Scenario(String model, History history) {
        @Override
        public String toString() {
            return "--model " + model + " --format duro-jsonl, history:\n" + DuroJsonLines.write(history);
        }
    }

    /** Intervals on a small clock, processes reused as soon as their op completes. */
    static History historyOf(List<Draft> drafts) {
        List<Draft> byInvoke = new ArrayList<>(drafts);
        byInvoke.sort(Comparator.comparingInt(Draft::invoke));
        List<Long> processBusyUntil = new ArrayList<>();
        List<Operation> ops = new ArrayList<>();
        for (Draft d : byInvoke) {
            long invoke = d.invoke();
            long complete = d.status() == Status.INFO && d.neverCompletes() ? Operation.NEVER : invoke + d.duration();
            int process = 0;
            while (process < processBusyUntil.size() && processBusyUntil.get(process) > invoke) process++;
            if (process == processBusyUntil.size()) processBusyUntil.add(0L);
            processBusyUntil.set(process, complete);
            Object output = d.status() == Status.OK ? d.call().output() : Unknown.VALUE;
            ops.add(new Operation(ops.size(), process, d.call().f(), d.call().key(), d.call().input(), output, d.status(),
                    invoke, complete, 0));
        }
        return History.of(ops);
    }

    static Arbitrary<Scenario> scenarios(String model, Arbitrary<Call> calls) {
        Arbitrary<Status> status = Arbitraries.frequency(Tuple.of(65, Status.OK), Tuple.of(25, Status.INFO), Tuple.of(10, Status.FAIL));
        Arbitrary<Draft> draft = Combinators.combine(calls, Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 4), status, Arbitraries.of(true, false)).as(Draft::new);
        return draft.list().ofMaxSize(MAX_OPS).map(d -> new Scenario(model, historyOf(d)));
    }

    /** Sometimes an ok op whose output nobody saw (duro-jsonl: no "value" on the ok line). */
    static Arbitrary<Object> observed(Arbitrary<?> values) {
        return Arbitraries.frequency(Tuple.of(9, values), Tuple.of(1, Arbitraries.just(Unknown.VALUE))).flatMap(a -> a.map(v -> (Object) v));
    }

    static Arbitrary<Object> registerValue() {
        return Arbitraries.of(Arrays.asList(null, 1L, 2L));
    }

    /** Checks with the real checker and the oracle; on disagreement, prints the history. */
    static void agree(Scenario s, BruteForceLinearizability.Spec spec, LinearizabilityChecker.Options options) {
        boolean expected = BruteForceLinearizability.linearizable(s.history(), spec);
        Statistics.label("verdict").collect(expected ? "linearizable" : "violation");
        Statistics.label("verdict").coverage(c -> {
            c.check("linearizable").percentage(p -> p > 10);
            c.check("violation").percentage(p -> p > 10);
        });
        CheckResult r = LinearizabilityChecker.check(s.history(), Models.create(s.model(), null), options);
        assertThat(r.verdict())
                .as("brute force says %s; checker (partition %s) says %s for %s", expected ? "linearizable" : "violation",
                        options.partition(), r.verdict(), s)
                .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
    }

    @Property(tries = TRIES)
    @Label("register: read/write verdicts agree with brute-force enumeration of orders")
    void register(@ForAll("registerHistories") Scenario s) {
        agree(s, BruteForceLinearizability.register(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> registerHistories() {
        return scenarios("register", Arbitraries.oneOf(
                observed(registerValue()).map(v -> new Call("read", null, null, v)),
                Arbitraries.of(1L, 2L).map(v -> new Call("write", null, v, v))));
    }

    @Property(tries = TRIES)
    @Label("cas-register: read/write/cas (failed compares included) verdicts agree with brute force")
    void casRegister(@ForAll("casRegisterHistories") Scenario s) {
        agree(s, BruteForceLinearizability.register(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> casRegisterHistories() {
        Arbitrary<Call> cas = Combinators.combine(registerValue(), Arbitraries.of(1L, 2L), observed(Arbitraries.of(true, false)))
                .as((from, to, ok) -> new Call("cas", null, Arrays.asList(from, to), ok));
        return scenarios("cas-register", Arbitraries.oneOf(
                observed(registerValue()).map(v -> new Call("read", null, null, v)),
                Arbitraries.of(1L, 2L).map(v -> new Call("write", null, v, v)),
                cas));
    }

    @Property(tries = TRIES)
    @Label("multi-register: txn verdicts (nil reads unconstrained) agree with brute force")
    void multiRegister(@ForAll("multiRegisterHistories") Scenario s) {
        agree(s, BruteForceLinearizability.multiRegister(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> multiRegisterHistories() {
        Arbitrary<List<Object>> micro = Combinators.combine(Arbitraries.of("read", "write"), Arbitraries.of("x", "y"), registerValue())
                .as((f, k, v) -> Arrays.asList(f, k, f.equals("write") && v == null ? 1L : v));
        Arbitrary<Call> txn = micro.list().ofMinSize(1).ofMaxSize(2).map(observedTxn -> {
            // The invoke carries the txn with reads still unknown (nil), the ok its observed values.
            List<Object> invoked = new ArrayList<>();
            for (List<Object> m : observedTxn) invoked.add(m.get(0).equals("read") ? Arrays.asList("read", m.get(1), null) : m);
            return new Call("txn", null, invoked, new ArrayList<Object>(observedTxn));
        });
        return scenarios("multi-register", txn);
    }

    @Property(tries = TRIES)
    @Label("kv: get/put/append verdicts agree with brute force, checked per key and as a whole")
    void kv(@ForAll("kvHistories") Scenario s) {
        agree(s, BruteForceLinearizability.kv(), OPTIONS);
        agree(s, BruteForceLinearizability.kv(), OPTIONS.withPartition(false));
    }

    @Provide
    Arbitrary<Scenario> kvHistories() {
        Arbitrary<String> key = Arbitraries.of("a", "b");
        Arbitrary<String> piece = Arbitraries.of("x", "y");
        return scenarios("kv", Arbitraries.oneOf(
                Combinators.combine(key, observed(Arbitraries.of("", "x", "y", "xy", "yx"))).as((k, v) -> new Call("get", k, null, v)),
                Combinators.combine(key, piece).as((k, v) -> new Call("put", k, v, v)),
                Combinators.combine(key, piece).as((k, v) -> new Call("append", k, v, v))));
    }

    @Property(tries = TRIES)
    @Label("counter: add/read verdicts agree with brute force")
    void counter(@ForAll("counterHistories") Scenario s) {
        agree(s, BruteForceLinearizability.counter(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> counterHistories() {
        return scenarios("counter", Arbitraries.oneOf(
                Arbitraries.of(1L, 2L).map(d -> new Call("add", null, d, d)),
                observed(Arbitraries.longs().between(0, 4)).map(v -> new Call("read", null, null, v))));
    }

    @Property(tries = TRIES)
    @Label("mutex: acquire/release verdicts agree with brute force")
    void mutex(@ForAll("mutexHistories") Scenario s) {
        agree(s, BruteForceLinearizability.mutex(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> mutexHistories() {
        return scenarios("mutex", Arbitraries.of(new Call("acquire", null, null, null), new Call("release", null, null, null)));
    }

    @Property(tries = TRIES)
    @Label("set: add/read-all verdicts agree with brute force (a read listing an element twice is wrong)")
    void set(@ForAll("setHistories") Scenario s) {
        agree(s, BruteForceLinearizability.set(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> setHistories() {
        Arbitrary<List<Long>> seen = Arbitraries.of(1L, 2L, 3L).list().ofMaxSize(3);
        return scenarios("set", Arbitraries.oneOf(
                Arbitraries.of(1L, 2L, 3L).map(v -> new Call("add", null, v, v)),
                observed(seen).map(v -> new Call("read", null, null, v))));
    }

    @Property(tries = TRIES)
    @Label("list-append: append/read-all verdicts agree with brute force")
    void listAppend(@ForAll("listAppendHistories") Scenario s) {
        agree(s, BruteForceLinearizability.listAppend(), OPTIONS);
    }

    @Provide
    Arbitrary<Scenario> listAppendHistories() {
        Arbitrary<List<Long>> seen = Arbitraries.of(1L, 2L).list().ofMaxSize(3);
        return scenarios("list-append", Arbitraries.oneOf(
                Arbitraries.of(1L, 2L).map(v -> new Call("append", null, v, v)),
                observed(seen).map(v -> new Call("read", null, null, v))));
    }

    @Property(tries = TRIES)
    @Label("duro-jsonl: writing a history and parsing it back gives the same operations (processes reused at equal times)")
    void jsonLinesRoundTrip(@ForAll("casRegisterHistories") Scenario s) {
        History back = DuroJsonLines.parse(DuroJsonLines.write(s.history()), "roundtrip.jsonl");
        List<Operation> withoutLines = new ArrayList<>();
        for (Operation op : back.operations()) {
            withoutLines.add(new Operation(op.id(), op.process(), op.f(), op.key(), op.input(), op.output(), op.status(),
                    op.invokeNanos(), op.completeNanos(), 0));
        }
        assertThat(withoutLines).as("%s", s).isEqualTo(s.history().operations());
    }
}
