package dev.duro.model.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns model states to dense ints and caches transitions (op, state) -> state, so the search
 * calls the model once per distinct transition and compares and hashes ints, never strings or
 * maps. A KV partition's states are long strings: without this every step would copy and hash
 * one.
 */
final class StateTable {
    static final int ILLEGAL = -1;
    /** Returned by {@link #step} when a new state does not fit in the {@link MemoryBudget}. */
    static final int OUT_OF_MEMORY = -2;
    /**
     * Bytes charged per interned state: map entry, list slot and a small state object. A guess
     * (states are the model's objects), but it bounds their number, which otherwise grows with
     * every step once the memo is full.
     */
    static final long BYTES_PER_STATE = 128;
    /** Bytes per transition-cache slot (a long key and an int value). */
    private static final long BYTES_PER_SLOT = 12;

    private final Model model;
    private final Object[] prepared;
    private final MemoryBudget budget;
    private long bytesTaken;
    private final Map<Object, Integer> ids = new HashMap<>();
    private final List<Object> states = new ArrayList<>();
    // Open addressing: key (op << 32 | state) + 1 (0 = empty) -> next state id or ILLEGAL.
    private long[] keys = new long[1 << 12];
    private int[] values = new int[1 << 12];
    private int size;
    // Adaptive: when most transitions are new (KV histories: states are ever-longer strings), the
    // cache only costs memory misses, so after a trial it is switched off.
    private long lookups;
    private long hits;
    private boolean caching = true;
    private static final long TRIAL_LOOKUPS = 1 << 16;

    /** Interns {@code initial} (free of charge: every search has one) as id 0. */
    StateTable(Model model, Object[] prepared, MemoryBudget budget, Object initial) {
        this.model = model;
        this.prepared = prepared;
        this.budget = budget;
        ids.put(initial, 0);
        states.add(initial);
        if (budget.take(BYTES_PER_SLOT * keys.length)) {
            bytesTaken += BYTES_PER_SLOT * keys.length;
        } else {
            stopCaching();
        }
    }

    /** The id of {@code state}, interning it on first sight; {@link #OUT_OF_MEMORY} if it does not fit. */
    int intern(Object state) {
        Integer id = ids.get(state);
        if (id != null) return id;
        if (!budget.take(BYTES_PER_STATE)) return OUT_OF_MEMORY;
        bytesTaken += BYTES_PER_STATE;
        int fresh = states.size();
        ids.put(state, fresh);
        states.add(state);
        return fresh;
    }

    Object state(int id) {
        return states.get(id);
    }

    int distinctStates() {
        return states.size();
    }

    /** The state after op {@code op} from state {@code stateId}, {@link #ILLEGAL} or {@link #OUT_OF_MEMORY}. */
    int step(int stateId, int op) {
        if (!caching) {
            Object next = model.step(states.get(stateId), prepared[op]);
            return next == Model.ILLEGAL ? ILLEGAL : intern(next);
        }
        if (++lookups == TRIAL_LOOKUPS && hits * 2 < lookups) {
            stopCaching();
            return step(stateId, op);
        }
        long key = (((long) op << 32) | stateId) + 1;
        int mask = keys.length - 1;
        int slot = (int) Memo.mix(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) {
                hits++;
                return values[slot];
            }
            if (k == 0) break;
            slot = (slot + 1) & mask;
        }
        Object next = model.step(states.get(stateId), prepared[op]);
        int result = next == Model.ILLEGAL ? ILLEGAL : intern(next);
        if (result == OUT_OF_MEMORY) return result;
        keys[slot] = key;
        values[slot] = result;
        if (++size * 2 > keys.length) grow();
        return result;
    }

    private void stopCaching() {
        caching = false;
        keys = null;
        values = null;
    }

    /** Frees the transition cache and the states (the partition is done); returns their bytes. */
    void release() {
        budget.giveBack(bytesTaken);
        bytesTaken = 0;
        stopCaching();
        ids.clear();
        states.clear();
    }

    private void grow() {
        // A cache that does not fit is dropped: it only saves time.
        if (!budget.take(BYTES_PER_SLOT * keys.length)) {
            stopCaching();
            return;
        }
        bytesTaken += BYTES_PER_SLOT * keys.length;
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == 0) continue;
            int slot = (int) Memo.mix(oldKeys[i]) & mask;
            while (keys[slot] != 0) slot = (slot + 1) & mask;
            keys[slot] = oldKeys[i];
            values[slot] = oldValues[i];
        }
    }
}
