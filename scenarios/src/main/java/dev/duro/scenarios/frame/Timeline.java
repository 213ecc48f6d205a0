package dev.duro.scenarios.frame;

import dev.duro.model.util.Invariants;

/**
 * The phases of an object scenario, in simulated milliseconds from the start: faults until
 * {@code healAtMs}; a crash and restart of the runtime node at {@code restartAtMs} (unsynced writes
 * lost and torn, as in a power cut); the workload stops at {@code stopAtMs} (requests still open
 * become indeterminate); final reads from {@code finalReadAtMs}, repeated until answered; the run
 * ends at {@code untilMs}. A node that never answers the final reads fails liveness.
 */
public record Timeline(long untilMs, long healAtMs, long restartAtMs, long stopAtMs, long finalReadAtMs) {
    public Timeline {
        Invariants.check(0 < healAtMs && healAtMs <= restartAtMs && restartAtMs <= stopAtMs && stopAtMs < finalReadAtMs
                && finalReadAtMs < untilMs, "phases out of order: heal %d, restart %d, stop %d, final read %d, end %d",
                healAtMs, restartAtMs, stopAtMs, finalReadAtMs, untilMs);
    }

    /** The default split: heal at 60%, restart at 63%, stop at 66%, final reads at {@code finalReadPercent}. */
    public static Timeline of(long untilMs, int finalReadPercent) {
        return new Timeline(untilMs, untilMs * 60 / 100, untilMs * 63 / 100, untilMs * 66 / 100,
                untilMs * finalReadPercent / 100);
    }
}
