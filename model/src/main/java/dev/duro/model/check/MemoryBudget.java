package dev.duro.model.check;

import dev.duro.model.util.Invariants;

/**
 * The bytes one check may spend on what its searches remember (memo entries and interned
 * states), shared by all partitions: they run interleaved, so a per-partition cap would let N
 * hard partitions hold N caps at once. Finished partitions give their memo back. Sizes are
 * estimates of the arrays and objects allocated, not measurements.
 */
final class MemoryBudget {
    private final long capBytes;
    private long usedBytes;

    MemoryBudget(long capBytes) {
        Invariants.check(capBytes > 0, "memory budget must be positive: %s", capBytes);
        this.capBytes = capBytes;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) when they do not. */
    boolean take(long bytes) {
        if (bytes > capBytes - usedBytes) return false;
        usedBytes += bytes;
        return true;
    }

    void giveBack(long bytes) {
        usedBytes -= bytes;
        Invariants.check(usedBytes >= 0, "memory budget given back more than was taken");
    }

    long capBytes() {
        return capBytes;
    }
}
