package dev.duro.model.check;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.util.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Checks a history against a {@link Model}: P-compositional partitioning, then one
 * {@link PartitionSearch} per partition, interleaved in fixed step slices round-robin so a hard
 * partition cannot starve an easy illegal one, stopping at the first illegal partition.
 *
 * <p>Deterministic: single threaded, and the verdict depends only on the history, the model and
 * the step budget. A wall-clock deadline comes in through {@code nanoClock} (the CLI passes
 * {@code System::nanoTime}); when it or the step budget runs out the verdict is UNKNOWN. Memory is
 * bounded by {@link Options#memoBytes()} over all partitions: past it the memo stops remembering
 * (slower, still correct), and a state that no longer fits ends the check with UNKNOWN.
 */
public final class LinearizabilityChecker {
    private LinearizabilityChecker() {}

    /** Steps a partition runs before the next one gets a turn, in the first round... */
    static final long FIRST_SLICE_STEPS = 1_000;
    /** ...and at most, in later rounds. */
    static final long MAX_SLICE_STEPS = 1 << 16;

    /**
     * How long the checker may run.
     *
     * @param partition use the model's partition function (P-compositionality)
     * @param maxSteps total step budget over all partitions ({@link Long#MAX_VALUE}: none)
     * @param timeoutNanos wall-clock budget read from {@code nanoClock} ({@link Long#MAX_VALUE}: none)
     * @param nanoClock a monotonic clock, read once per slice
     * @param memoBytes approximate cap on what the search remembers (memo entries and model
     *     states), over all partitions of one check
     */
    public record Options(boolean partition, long maxSteps, long timeoutNanos, LongSupplier nanoClock, long memoBytes) {
        public Options {
            Invariants.check(maxSteps > 0 && timeoutNanos > 0 && memoBytes > 0, "budgets must be positive");
            Invariants.check(nanoClock != null, "a nano clock is required (use () -> 0 with no deadline)");
        }

        /** Partitioned, no deadline, no step cap, 512 MiB of memo and states. */
        public static Options unbounded() {
            return new Options(true, Long.MAX_VALUE, Long.MAX_VALUE, () -> 0L, 512L << 20);
        }

        public Options withPartition(boolean on) {
            return new Options(on, maxSteps, timeoutNanos, nanoClock, memoBytes);
        }

        public Options withMaxSteps(long steps) {
            return new Options(partition, steps, timeoutNanos, nanoClock, memoBytes);
        }

        public Options withDeadline(long timeoutNanos, LongSupplier nanoClock) {
            return new Options(partition, maxSteps, timeoutNanos, nanoClock, memoBytes);
        }

        public Options withMemoBytes(long bytes) {
            return new Options(partition, maxSteps, timeoutNanos, nanoClock, bytes);
        }
    }

    /**
     * Checks {@code history} (failed ops dropped). Throws {@link IllegalArgumentException} naming
     * the line of an operation the model does not understand.
     */
    public static CheckResult check(History history, Model model, Options options) {
        long startNanos = options.nanoClock().getAsLong();
        List<Operation> ops = history.withoutFailures().operations();
        List<Model.Partition> parts = options.partition() ? model.partition(ops) : List.of(new Model.Partition("all", ops, model));
        List<PartitionSearch> active = new ArrayList<>();
        List<PartitionSearch> all = new ArrayList<>();
        MemoryBudget budget = new MemoryBudget(options.memoBytes());
        for (Model.Partition p : parts) {
            PartitionSearch s = new PartitionSearch(p, budget);
            active.add(s);
            all.add(s);
        }
        long steps = 0;
        // Slices start small, so an easy illegal partition is found before a hard one takes
        // much time, and double each round to keep switching overhead low.
        long sliceSteps = FIRST_SLICE_STEPS;
        while (!active.isEmpty()) {
            for (int i = 0; i < active.size(); ) {
                PartitionSearch s = active.get(i);
                long before = s.steps();
                long slice = Math.min(sliceSteps, options.maxSteps() - steps);
                PartitionSearch.Outcome o = s.run(slice);
                steps += s.steps() - before;
                if (o == PartitionSearch.Outcome.ILLEGAL) {
                    return result(Verdict.VIOLATION, ops.size(), all, steps, "", s.counterexample());
                }
                if (o == PartitionSearch.Outcome.OUT_OF_MEMORY) {
                    return result(Verdict.UNKNOWN, ops.size(), all, steps, "memory budget of "
                            + options.memoBytes() / 1024 + " KiB exhausted in partition " + s.partition().name()
                            + ": no room for another model state", null);
                }
                if (o == PartitionSearch.Outcome.LINEARIZABLE) {
                    active.remove(i);
                } else {
                    i++;
                }
                if (i == active.size()) sliceSteps = Math.min(MAX_SLICE_STEPS, sliceSteps * 2);
                if (steps >= options.maxSteps() && !active.isEmpty()) {
                    return result(Verdict.UNKNOWN, ops.size(), all, steps,
                            "step budget of " + options.maxSteps() + " exhausted", null);
                }
                if (options.nanoClock().getAsLong() - startNanos >= options.timeoutNanos() && !active.isEmpty()) {
                    return result(Verdict.UNKNOWN, ops.size(), all, steps,
                            "deadline of " + options.timeoutNanos() / 1_000_000 + " ms passed", null);
                }
            }
        }
        return result(Verdict.LINEARIZABLE, ops.size(), all, steps, "", null);
    }

    private static CheckResult result(Verdict v, int ops, List<PartitionSearch> all, long steps, String reason,
            Counterexample cex) {
        long memo = 0;
        boolean saturated = false;
        for (PartitionSearch s : all) {
            memo += s.memo().size();
            saturated |= s.memo().saturated();
        }
        if (v == Verdict.UNKNOWN && saturated) reason += " (memo cache was full: explored states were forgotten)";
        return new CheckResult(v, ops, all.size(), steps, memo, saturated, reason, cex);
    }
}
