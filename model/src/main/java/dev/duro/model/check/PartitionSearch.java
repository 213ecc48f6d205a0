package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.util.Invariants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wing &amp; Gong's search as refined by Lowe ("Testing for linearizability", 2017): invoke and
 * return entries in one doubly linked list ordered by time; linearizing an op lifts its two
 * entries out, backtracking puts them back (undo, no copying); (bitset, state) pairs already
 * seen are pruned through {@link Memo}. Resumable: {@link #run} does a bounded number of steps so
 * a caller can interleave partitions.
 *
 * <p>Indeterminate ops return at +infinity: their return entries sit after every real return,
 * so reaching one means every completed op is linearized and the rest may simply never happen.
 */
final class PartitionSearch {
    enum Outcome { RUNNING, LINEARIZABLE, ILLEGAL, OUT_OF_MEMORY }

    private final Model.Partition partition;
    private final Model model;
    private final Operation[] ops;
    private final Object[] prepared;
    private final int head;
    private final int[] next;
    private final int[] prev;
    private final boolean[] indeterminate;
    private final long[] zobrist;
    private final long[] bits;
    private long bitsHash;
    private final int[] stackEntry;
    private final int[] stackState;
    private int depth;
    private int state;
    private final StateTable table;
    private int entry;
    private final Memo memo;
    private long steps;
    private Outcome outcome = Outcome.RUNNING;

    // The longest partial linearization seen, for the counterexample.
    private int[] bestOrder = new int[0];
    private int[] bestStates = new int[0];
    private int bestBlockingOp = -1;

    PartitionSearch(Model.Partition partition, MemoryBudget budget) {
        this.partition = partition;
        this.model = partition.model();
        this.ops = partition.ops().toArray(new Operation[0]);
        int n = ops.length;
        this.prepared = new Object[n];
        for (int i = 0; i < n; i++) {
            try {
                prepared[i] = model.prepare(ops[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        (ops[i].line() > 0 ? "line " + ops[i].line() + ": " : "") + e.getMessage(), e);
            }
        }
        this.head = 2 * n;
        this.next = new int[2 * n + 1];
        this.prev = new int[2 * n + 1];
        this.indeterminate = new boolean[n];
        this.zobrist = new long[n];
        int words = Math.max(1, (n + 63) >>> 6);
        this.bits = new long[words];
        this.stackEntry = new int[n];
        this.stackState = new int[n];
        this.memo = new Memo(words, budget);
        buildList();
        this.table = new StateTable(model, prepared, budget, model.initialState());
        this.state = 0;
        this.entry = next[head];
    }

    /** Entries sorted by time, calls before returns at equal times (closed intervals). */
    private void buildList() {
        int n = ops.length;
        Integer[] order = new Integer[2 * n];
        long[] time = new long[2 * n];
        for (int i = 0; i < n; i++) {
            Operation op = ops[i];
            indeterminate[i] = op.indeterminate();
            zobrist[i] = Memo.mix(0x5DEECE66DL + i * 0x9E3779B97F4A7C15L);
            time[2 * i] = op.invokeNanos();
            time[2 * i + 1] = op.indeterminate() ? Operation.NEVER : op.completeNanos();
            Invariants.check(time[2 * i] <= time[2 * i + 1], "op %s returns before it is invoked", op.id());
            order[2 * i] = 2 * i;
            order[2 * i + 1] = 2 * i + 1;
        }
        Arrays.sort(order, (a, b) -> {
            // Indeterminate returns go after everything, not just at time NEVER: an ok op may
            // complete at Long.MAX_VALUE too, and reaching an indeterminate return must mean
            // every completed op is linearized.
            int c = Boolean.compare(isIndeterminateReturn(a), isIndeterminateReturn(b));
            if (c != 0) return c;
            c = Long.compare(time[a], time[b]);
            if (c != 0) return c;
            c = Integer.compare(a & 1, b & 1); // calls first
            return c != 0 ? c : Integer.compare(a, b);
        });
        int last = head;
        for (int e : order) {
            next[last] = e;
            prev[e] = last;
            last = e;
        }
        next[last] = -1;
    }

    private boolean isIndeterminateReturn(int entry) {
        return (entry & 1) == 1 && indeterminate[entry >>> 1];
    }

    Outcome outcome() {
        return outcome;
    }

    long steps() {
        return steps;
    }

    Memo memo() {
        return memo;
    }

    Model.Partition partition() {
        return partition;
    }

    /** Runs at most {@code maxSteps} more steps; returns where the search stands. */
    Outcome run(long maxSteps) {
        if (outcome != Outcome.RUNNING) return outcome;
        final StateTable table = this.table;
        final int[] next = this.next;
        final long[] bits = this.bits;
        long taken = 0;
        while (taken < maxSteps) {
            taken++;
            int e = entry;
            if (e < 0) return finish(Outcome.LINEARIZABLE, taken);
            int op = e >>> 1;
            if ((e & 1) == 0) {
                int ns = table.step(state, op);
                if (ns == StateTable.OUT_OF_MEMORY) return finish(Outcome.OUT_OF_MEMORY, taken);
                if (ns != StateTable.ILLEGAL) {
                    bits[op >>> 6] |= 1L << op;
                    bitsHash ^= zobrist[op];
                    if (memo.add(bits, bitsHash, ns)) {
                        stackEntry[depth] = e;
                        stackState[depth] = state;
                        depth++;
                        state = ns;
                        lift(e);
                        entry = next[head];
                        if (depth > bestOrder.length) recordBest();
                        continue;
                    }
                    bits[op >>> 6] &= ~(1L << op);
                    bitsHash ^= zobrist[op];
                }
                entry = next[e];
            } else {
                if (indeterminate[op]) return finish(Outcome.LINEARIZABLE, taken);
                if (depth == 0) return finish(Outcome.ILLEGAL, taken);
                depth--;
                int undo = stackEntry[depth];
                state = stackState[depth];
                int undoOp = undo >>> 1;
                bits[undoOp >>> 6] &= ~(1L << undoOp);
                bitsHash ^= zobrist[undoOp];
                unlift(undo);
                entry = next[undo];
            }
        }
        steps += taken;
        return Outcome.RUNNING;
    }

    private Outcome finish(Outcome o, long taken) {
        outcome = o;
        steps += taken;
        if (o == Outcome.LINEARIZABLE) {
            // Done for good: what it remembered goes back to the partitions still searching.
            memo.release();
            table.release();
        }
        return o;
    }

    private void lift(int call) {
        int ret = call | 1;
        unlink(call);
        unlink(ret);
    }

    private void unlink(int e) {
        int p = prev[e];
        int n = next[e];
        next[p] = n;
        if (n >= 0) prev[n] = p;
    }

    private void unlift(int call) {
        relink(call | 1);
        relink(call);
    }

    private void relink(int e) {
        int p = prev[e];
        int n = next[e];
        next[p] = e;
        if (n >= 0) prev[n] = e;
    }

    private void recordBest() {
        bestOrder = new int[depth];
        bestStates = new int[depth];
        for (int i = 0; i < depth; i++) {
            bestOrder[i] = stackEntry[i] >>> 1;
            bestStates[i] = i + 1 < depth ? stackState[i + 1] : state;
        }
        bestBlockingOp = -1;
        for (int e = next[head]; e >= 0; e = next[e]) {
            if ((e & 1) == 1) {
                bestBlockingOp = e >>> 1;
                break;
            }
        }
    }

    /** The counterexample after {@link Outcome#ILLEGAL}. */
    Counterexample counterexample() {
        Invariants.check(outcome == Outcome.ILLEGAL, "counterexample asked of a %s search", outcome);
        List<Operation> order = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (int i = 0; i < bestOrder.length; i++) {
            order.add(ops[bestOrder[i]]);
            states.add(model.describeState(table.state(bestStates[i])));
        }
        int blocking = bestBlockingOp;
        if (blocking < 0) {
            // Nothing was ever linearized: the first op to return is the one that cannot be.
            for (int e = next[head]; e >= 0; e = next[e]) {
                if ((e & 1) == 1) {
                    blocking = e >>> 1;
                    break;
                }
            }
        }
        Invariants.check(blocking >= 0, "an illegal partition must have an op it cannot linearize");
        return new Counterexample(partition.name(), partition.ops(), ops[blocking], order,
                model.describeState(model.initialState()), states);
    }
}
