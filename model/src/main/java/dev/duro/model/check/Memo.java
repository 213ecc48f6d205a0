package dev.duro.model.check;

import dev.duro.model.util.Invariants;
import java.util.Arrays;

/**
 * The set of (linearized-ops bitset, model state) pairs already explored: reaching one again
 * cannot lead anywhere new (Lowe, "Testing for linearizability", 2017). Open addressing over
 * flat arrays; the caller passes an incrementally maintained hash of the bitset. Bounded by a
 * {@link MemoryBudget} shared with the other partitions: when an entry does not fit it stops
 * remembering (the search stays correct, only slower) and says so.
 */
final class Memo {
    private final int words;
    private final MemoryBudget budget;
    /**
     * Bytes charged per entry: its hash, state and bitset, twice (arrays grow by doubling), plus
     * up to four table slots (the table is kept at most half full and grows by doubling).
     */
    private final long bytesPerEntry;
    private long bytesTaken;
    private int[] table; // slot -> entry index + 1, 0 = empty
    private long[] hashes;
    private long[] bits;
    private int[] states;
    private int size;
    private boolean saturated;

    Memo(int words, MemoryBudget budget) {
        Invariants.check(words > 0, "memo needs words > 0");
        this.words = words;
        this.budget = budget;
        this.bytesPerEntry = 2 * (8 + 4 + 8L * words) + 16;
        int initial = 1024;
        table = new int[initial * 2];
        hashes = new long[initial];
        bits = new long[initial * words];
        states = new int[initial];
    }

    /** Adds (set, state); false when it was already present. */
    boolean add(long[] set, long setHash, int state) {
        long h = mix(setHash ^ (state * 0x9E3779B97F4A7C15L));
        int mask = table.length - 1;
        int slot = (int) h & mask;
        while (true) {
            int e = table[slot];
            if (e == 0) break;
            e--;
            if (hashes[e] == h && states[e] == state && sameBits(e, set)) return false;
            slot = (slot + 1) & mask;
        }
        if (saturated || !budget.take(bytesPerEntry)) {
            saturated = true;
            return true;
        }
        bytesTaken += bytesPerEntry;
        if (size == hashes.length) grow();
        hashes[size] = h;
        System.arraycopy(set, 0, bits, size * words, words);
        states[size] = state;
        size++;
        if (size * 2 > table.length) {
            rehash();
        } else {
            table[slot] = size;
        }
        return true;
    }

    private boolean sameBits(int e, long[] set) {
        int base = e * words;
        for (int i = 0; i < words; i++) if (bits[base + i] != set[i]) return false;
        return true;
    }

    private void grow() {
        int cap = hashes.length * 2;
        hashes = Arrays.copyOf(hashes, cap);
        bits = Arrays.copyOf(bits, cap * words);
        states = Arrays.copyOf(states, cap);
    }

    private void rehash() {
        table = new int[table.length * 2];
        int mask = table.length - 1;
        for (int e = 0; e < size; e++) {
            int slot = (int) hashes[e] & mask;
            while (table[slot] != 0) slot = (slot + 1) & mask;
            table[slot] = e + 1;
        }
    }

    /** Frees the entries (the partition is done) and returns their bytes to the budget. */
    void release() {
        budget.giveBack(bytesTaken);
        bytesTaken = 0;
        table = new int[2];
        hashes = new long[0];
        bits = new long[0];
        states = new int[0];
    }

    int size() {
        return size;
    }

    /** True when the cap was hit and some states were not remembered. */
    boolean saturated() {
        return saturated;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
