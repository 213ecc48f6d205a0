package dev.duro.model.check;

import dev.duro.model.util.Invariants;

/**
 * What {@link LinearizabilityChecker} found.
 *
 * @param ops operations checked (failed ops excluded)
 * @param partitions how many independent sub-histories were searched
 * @param steps search steps taken over all partitions
 * @param memoEntries (bitset, state) pairs remembered over all partitions
 * @param memoSaturated true when a memo hit its cap (the search went on, forgetting)
 * @param reason for UNKNOWN, why (deadline, step budget); otherwise empty
 * @param counterexample for VIOLATION, the evidence; otherwise {@code null}
 */
public record CheckResult(
        Verdict verdict,
        int ops,
        int partitions,
        long steps,
        long memoEntries,
        boolean memoSaturated,
        String reason,
        Counterexample counterexample) {
    public CheckResult {
        Invariants.check((verdict == Verdict.VIOLATION) == (counterexample != null),
                "a counterexample comes with, and only with, a violation");
        Invariants.check(verdict != Verdict.UNKNOWN || !reason.isEmpty(), "UNKNOWN must say why");
    }
}
