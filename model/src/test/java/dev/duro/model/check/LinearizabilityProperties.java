package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random histories built backwards from a sequential execution: each op gets a linearization
 * point at a distinct time and an interval around it, its output is what the sequential model
 * returned there. Such a history is linearizable by construction; the mutations below make it
 * provably not. Histories come from a seed jqwik shrinks as a whole (the seed is the input, not a
 * size), plus explicit size parameters that do shrink meaningfully.
 */
class LinearizabilityProperties {
    private static final LinearizabilityChecker.Options OPTIONS = LinearizabilityChecker.Options.unbounded().withMaxSteps(50_000_000);

    /** Builds a CAS-register history; each write/cas "to" value is fresh, so a value names its writer. */
    static History casRegisterHistory(long seed, int opCount, int slack, boolean withInfo) {
        Random rnd = new Random(seed);
        List<Operation> ops = new ArrayList<>();
        Object state = null;
        long nextValue = 1;
        List<Long> processFreeAt = new ArrayList<>();
        for (int i = 0; i < opCount; i++) {
            long point = 10L * (i + 1);
            long invoke = point - rnd.nextInt(slack + 1);
            long complete = point + rnd.nextInt(slack + 1);
            int process = -1;
            for (int p = 0; p < processFreeAt.size() && process < 0; p++) if (processFreeAt.get(p) < invoke) process = p;
            if (process < 0) {
                process = processFreeAt.size();
                processFreeAt.add(0L);
            }
            processFreeAt.set(process, complete);
            int kind = rnd.nextInt(3);
            boolean info = withInfo && rnd.nextInt(6) == 0;
            boolean takesEffect = !info || rnd.nextBoolean();
            Operation op;
            if (kind == 0) {
                Object out = info ? Unknown.VALUE : state;
                op = new Operation(i, process, "read", null, null, out, info ? Status.INFO : Status.OK, invoke, complete, 0);
            } else if (kind == 1) {
                long v = nextValue++;
                if (takesEffect) state = v;
                op = new Operation(i, process, "write", null, v, info ? Unknown.VALUE : (Object) v,
                        info ? Status.INFO : Status.OK, invoke, info ? Operation.NEVER : complete, 0);
            } else {
                Object from = rnd.nextBoolean() ? state : (Object) (nextValue + 1000);
                long to = nextValue++;
                boolean swapped = Objects.equals(from, state);
                if (swapped && takesEffect) state = to;
                op = new Operation(i, process, "cas", null, java.util.Arrays.asList(from, to),
                        info ? Unknown.VALUE : (Object) swapped, info ? Status.INFO : Status.OK, invoke,
                        info ? Operation.NEVER : complete, 0);
            }
            if (info && !takesEffect && kind == 0) continue; // an info read is an info read either way
            ops.add(op);
        }
        return History.of(ops);
    }

    @Property(tries = 300)
    @Label("histories built from a sequential execution are judged linearizable")
    void builtFromASequentialExecutionIsLinearizable(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int ops,
            @ForAll @IntRange(min = 0, max = 40) int slack) {
        History h = casRegisterHistory(seed, ops, slack, false);
        assertThat(LinearizabilityChecker.check(h, Models.create("cas-register", null), OPTIONS).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Property(tries = 300)
    @Label("indeterminate ops that took effect or never did keep a built history linearizable")
    void indeterminateOpsKeepItLinearizable(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int ops,
            @ForAll @IntRange(min = 0, max = 40) int slack) {
        History h = casRegisterHistory(seed, ops, slack, true);
        assertThat(LinearizabilityChecker.check(h, Models.create("cas-register", null), OPTIONS).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Property(tries = 300)
    @Label("a read of a value nobody wrote is a violation, and that read is never in the partial linearization")
    void aReadOfAnUnwrittenValueIsCaught(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int ops,
            @ForAll @IntRange(min = 0, max = 40) int slack) {
        History h = casRegisterHistory(seed, ops, slack, true);
        List<Operation> list = new ArrayList<>(h.operations());
        int victim = -1;
        for (Operation op : list) if (op.f().equals("read") && op.status() == Status.OK) victim = op.id();
        if (victim < 0) return; // no completed read to corrupt
        Operation r = list.get(victim);
        Operation bad = new Operation(r.id(), r.process(), "read", null, null, -7L, Status.OK, r.invokeNanos(), r.completeNanos(), 0);
        list.set(victim, bad);
        CheckResult res = LinearizabilityChecker.check(new History(list), Models.create("cas-register", null), OPTIONS);
        assertThat(res.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(res.counterexample().linearized()).doesNotContain(bad);
        assertThat(res.counterexample().partitionOps()).contains(res.counterexample().failing());
    }

    @Property(tries = 300)
    @Label("a read completing before the only write of its value was invoked is a violation")
    void aReadFromTheFutureIsCaught(@ForAll long seed, @ForAll @IntRange(min = 2, max = 40) int ops,
            @ForAll @IntRange(min = 0, max = 40) int slack) {
        History h = casRegisterHistory(seed, ops, slack, true);
        List<Operation> list = new ArrayList<>(h.operations());
        for (Operation r : list) {
            if (!r.f().equals("read") || r.status() != Status.OK) continue;
            for (Operation w : list) {
                if (w.f().equals("write") && w.invokeNanos() > r.completeNanos()) {
                    list.set(r.id(), new Operation(r.id(), r.process(), "read", null, null, w.input(), Status.OK,
                            r.invokeNanos(), r.completeNanos(), 0));
                    // Values are fresh per write/cas, so only w can produce this value, and w starts
                    // after the read ended.
                    assertThat(LinearizabilityChecker.check(new History(list), Models.create("cas-register", null),
                            OPTIONS).verdict()).isEqualTo(Verdict.VIOLATION);
                    return;
                }
            }
        }
    }

    @Property(tries = 200)
    @Label("checking a KV history per key and as a whole gives the same verdict (P-compositionality)")
    void partitionedAndWholeAgree(@ForAll long seed, @ForAll @IntRange(min = 1, max = 24) int ops,
            @ForAll @IntRange(min = 0, max = 30) int slack) {
        Random rnd = new Random(seed);
        List<Operation> list = new ArrayList<>();
        String[] state = {"", "", ""};
        for (int i = 0; i < ops; i++) {
            long point = 10L * (i + 1);
            int key = rnd.nextInt(3);
            long invoke = point - rnd.nextInt(slack + 1);
            long complete = point + rnd.nextInt(slack + 1);
            int kind = rnd.nextInt(3);
            String v = "x" + i + "y";
            Object out;
            String f;
            if (kind == 0) {
                f = "get";
                out = rnd.nextInt(5) == 0 ? "x" + rnd.nextInt(ops) + "y" : state[key]; // sometimes wrong
            } else if (kind == 1) {
                f = "put";
                state[key] = v;
                out = v;
            } else {
                f = "append";
                state[key] = state[key] + v;
                out = v;
            }
            list.add(new Operation(i, i, f, String.valueOf(key), kind == 0 ? null : v, out, Status.OK, invoke, complete, 0));
        }
        History h = History.of(list);
        Verdict byKey = LinearizabilityChecker.check(h, Models.create("kv", null), OPTIONS).verdict();
        Verdict whole = LinearizabilityChecker.check(h, Models.create("kv", null), OPTIONS.withPartition(false)).verdict();
        assertThat(byKey).isEqualTo(whole).isNotEqualTo(Verdict.UNKNOWN);
    }
}
