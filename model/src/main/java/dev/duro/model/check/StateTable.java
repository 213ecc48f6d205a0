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

    private final Model model;
    private final Object[] prepared;
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

    StateTable(Model model, Object[] prepared) {
        this.model = model;
        this.prepared = prepared;
    }

    /** The id of {@code state}, interning it on first sight. */
    int intern(Object state) {
        Integer id = ids.get(state);
        if (id != null) return id;
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

    /** The state after op {@code op} from state {@code stateId}, or {@link #ILLEGAL}. */
    int step(int stateId, int op) {
        if (!caching) {
            Object next = model.step(states.get(stateId), prepared[op]);
            return next == Model.ILLEGAL ? ILLEGAL : intern(next);
        }
        if (++lookups == TRIAL_LOOKUPS && hits * 2 < lookups) {
            caching = false;
            keys = null;
            values = null;
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
        keys[slot] = key;
        values[slot] = result;
        if (++size * 2 > keys.length) grow();
        return result;
    }

    private void grow() {
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
