package dev.duro.scenarios.check;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P4, the gates, judged from the runtime's trace facts of each node incarnation.
 *
 * <ul>
 *   <li><b>Input gate</b> ({@value #INPUT}): no {@code obj-event-begin} for an object between its
 *       {@code obj-recover-begin} and {@code obj-recover-end} of the same epoch: nothing is delivered
 *       while the activation loads its state.</li>
 *   <li><b>Output gate</b> ({@value #OUTPUT}): when an {@code obj-output} leaves, the batch it says it
 *       waited for ({@code seq}) is durable, and so is every write made before it: no write of that
 *       activation is still unsealed, and the latest seal is covered by an {@code obj-durable}.
 *       Under {@link OutputRule#DECLARED_SEQ} only the first half is judged (for a host whose
 *       outputs may overtake writes made after they were produced).</li>
 * </ul>
 *
 * State is per (node, object, epoch); a crash of a node forgets everything of that node, since its
 * next incarnation starts from what is on disk. A reset drops the activation's unsealed writes
 * (they will never be committed, and the error outputs that follow do not depend on them).
 *
 * <p>Under both rules, when the host traces {@code obj-output-hold} (an output produced and held),
 * the checker verifies independently of the host's bookkeeping that the declared {@code seq}
 * covers every write made before the output was produced, and that outputs leave in the order
 * they were held.
 *
 * <p>Not judged: {@code blockConcurrencyWhile} (not traced).
 */
public final class GateChecker implements FactChecker {
    public static final String INPUT = "P4-input";
    public static final String OUTPUT = "P4-output";
    /** Violations reported per property before the rest are only counted. */
    static final int MAX_REPORTED = 10;

    /** What an output must wait for. */
    public enum OutputRule {
        /** Every write before the output in trace order is sealed and durable (and the declared seq too). */
        ALL_PRIOR_WRITES,
        /** Only the batch the output names is durable. */
        DECLARED_SEQ
    }

    private record Key(int node, String id, long epoch) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Integer.compare(node, o.node);
            if (c != 0) return c;
            c = id.compareTo(o.id);
            return c != 0 ? c : Long.compare(epoch, o.epoch);
        }
    }

    private static final class Activation {
        boolean recovering;
        long recoverBeginIndex;
        int unsealedWrites;
        long firstUnsealedWriteIndex = -1;
        String firstUnsealedOp = "";
        long sealedSeq;
        long durableSeq;
        /** Declared seqs of held outputs, in the order they must leave. */
        final java.util.ArrayDeque<Long> held = new java.util.ArrayDeque<>();
        /** Smallest seq an output held while writes were unsealed declared: the next seal must not exceed it. */
        long nextSealAtMost = Long.MAX_VALUE;
        String nextSealWhy = "";
    }

    private final OutputRule rule;
    private final Map<Key, Activation> activations = new TreeMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private final Map<String, Integer> perProperty = new TreeMap<>();
    private long outputsChecked;
    private long eventsChecked;

    public GateChecker(OutputRule rule) {
        this.rule = rule;
    }

    public GateChecker() {
        this(OutputRule.ALL_PRIOR_WRITES);
    }

    @Override
    public void onFact(RuntimeFact f) {
        Key key = new Key(f.node(), f.id(), f.epoch());
        switch (f.kind()) {
            case RuntimeTrace.RECOVER_BEGIN -> {
                Activation a = activations.computeIfAbsent(key, k -> new Activation());
                a.recovering = true;
                a.recoverBeginIndex = f.index();
            }
            case RuntimeTrace.RECOVER_END -> {
                Activation a = activations.computeIfAbsent(key, k -> new Activation());
                a.recovering = false;
                // The loaded state is on disk already: durable up to the last batch it holds.
                long seq = f.fields().containsKey("seq") ? f.number("seq") : 0;
                a.sealedSeq = Math.max(a.sealedSeq, seq);
                a.durableSeq = Math.max(a.durableSeq, seq);
            }
            case RuntimeTrace.EVENT_BEGIN -> {
                eventsChecked++;
                Activation a = activations.get(key);
                if (a != null && a.recovering) {
                    report(INPUT, f.where() + " object " + f.shortId() + " epoch " + f.epoch() + ": event '"
                            + f.text("event") + "' delivered while its state was still loading (recovery began at #"
                            + a.recoverBeginIndex + ", not ended)");
                }
            }
            case RuntimeTrace.WRITE -> {
                Activation a = activations.computeIfAbsent(key, k -> new Activation());
                if (a.unsealedWrites++ == 0) {
                    a.firstUnsealedWriteIndex = f.index();
                    a.firstUnsealedOp = f.text("op");
                }
            }
            case RuntimeTrace.SEAL -> {
                Activation a = activations.computeIfAbsent(key, k -> new Activation());
                long seq = f.number("seq");
                if (seq > a.nextSealAtMost) {
                    report(OUTPUT, a.nextSealWhy + " declared batch " + a.nextSealAtMost + ", but the writes made before it"
                            + " were sealed only in batch " + seq + " (" + f.where() + ")");
                }
                a.nextSealAtMost = Long.MAX_VALUE;
                a.sealedSeq = Math.max(a.sealedSeq, f.number("seq"));
                a.unsealedWrites = 0;
                a.firstUnsealedWriteIndex = -1;
            }
            case RuntimeTrace.DURABLE -> {
                Activation a = activations.computeIfAbsent(key, k -> new Activation());
                a.durableSeq = Math.max(a.durableSeq, f.number("seq"));
            }
            case RuntimeTrace.RESET -> {
                Activation a = activations.get(key);
                if (a != null) {
                    a.unsealedWrites = 0;
                    a.firstUnsealedWriteIndex = -1;
                    a.held.clear(); // discarded, replaced by errors that depend on nothing
                    a.nextSealAtMost = Long.MAX_VALUE;
                }
            }
            case RuntimeTrace.OUTPUT_HOLD -> checkHold(f, activations.computeIfAbsent(key, k -> new Activation()));
            case RuntimeTrace.OUTPUT -> checkOutput(f, activations.computeIfAbsent(key, k -> new Activation()));
            default -> { }
        }
    }

    /**
     * An output is produced: the batch it declares must cover every write before it. Writes already
     * sealed are covered when the declared seq is at least the last seal; writes not yet sealed
     * (inside a transaction, sealed when it ends) must land in a batch no later than the declared one.
     */
    private void checkHold(RuntimeFact f, Activation a) {
        long declared = f.number("seq");
        String what = f.where() + " object " + f.shortId() + " epoch " + f.epoch() + ": output " + f.text("kind");
        if (declared < a.sealedSeq) {
            report(OUTPUT, what + " declared batch " + declared + ", older than batch " + a.sealedSeq
                    + " already sealed with writes made before it");
        }
        if (a.unsealedWrites > 0 && declared < a.nextSealAtMost) {
            a.nextSealAtMost = declared;
            a.nextSealWhy = what + " (produced after " + a.unsealedWrites + " unsealed write(s), first " + a.firstUnsealedOp
                    + " at #" + a.firstUnsealedWriteIndex + ")";
        }
        a.held.addLast(declared);
    }

    private void checkOutput(RuntimeFact f, Activation a) {
        outputsChecked++;
        String what = f.where() + " object " + f.shortId() + " epoch " + f.epoch() + ": output " + f.text("kind");
        long declared = f.fields().containsKey("seq") ? f.number("seq") : 0;
        if (!a.held.isEmpty()) {
            long heldSeq = a.held.pollFirst();
            if (heldSeq != declared) {
                report(OUTPUT, what + " left declaring batch " + declared + ", but the next held output declared "
                        + heldSeq + " (outputs out of order, or the declared batch changed)");
            }
        }
        if (a.durableSeq < declared) {
            report(OUTPUT, what + " left waiting for batch " + declared + ", but only batches up to " + a.durableSeq
                    + " were durable");
            return;
        }
        if (rule == OutputRule.DECLARED_SEQ) return;
        if (a.unsealedWrites > 0) {
            report(OUTPUT, what + " left while " + a.unsealedWrites + " earlier write(s) were not even sealed (first: "
                    + a.firstUnsealedOp + " at #" + a.firstUnsealedWriteIndex + ")");
        } else if (a.durableSeq < a.sealedSeq) {
            report(OUTPUT, what + " left while batch " + a.sealedSeq + " with earlier writes was sealed but durable only up to "
                    + a.durableSeq);
        }
    }

    private void report(String property, String message) {
        int n = perProperty.merge(property, 1, Integer::sum);
        if (n <= MAX_REPORTED) violations.add(new Violation(property, FailureClass.SAFETY, message));
    }

    @Override
    public void onCrash(int node) {
        for (Iterator<Key> it = activations.keySet().iterator(); it.hasNext(); ) {
            if (it.next().node() == node) it.remove();
        }
    }

    @Override
    public List<Violation> violations() {
        List<Violation> out = new ArrayList<>(violations);
        for (Map.Entry<String, Integer> e : perProperty.entrySet()) {
            if (e.getValue() > MAX_REPORTED) {
                out.add(new Violation(e.getKey(), FailureClass.SAFETY, (e.getValue() - MAX_REPORTED) + " more like the above"));
            }
        }
        return out;
    }

    /** Outputs judged so far (a checker that judged nothing proves nothing). */
    public long outputsChecked() {
        return outputsChecked;
    }

    public long eventsChecked() {
        return eventsChecked;
    }
}
