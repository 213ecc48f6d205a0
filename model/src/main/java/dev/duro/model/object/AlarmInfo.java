package dev.duro.model.object;

import dev.duro.model.util.Invariants;

/**
 * What an alarm handler learns about the firing.
 *
 * @param scheduledMillis the wall time (ms since the epoch) the alarm was set for
 * @param retryCount      0 for the first attempt, then 1, 2, ... for retries after a failed handler
 */
public record AlarmInfo(long scheduledMillis, int retryCount) {
    public AlarmInfo {
        Invariants.check(retryCount >= 0, "retryCount must be >= 0, was %d", retryCount);
    }

    public boolean isRetry() {
        return retryCount > 0;
    }
}
