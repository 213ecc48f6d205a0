package dev.duro.sim.kernel;

import dev.duro.model.util.Invariants;
import java.util.Arrays;

/**
 * The kernel's single event queue: a binary min-heap ordered by (time, sequence), stored in
 * parallel primitive arrays so that pushing and popping allocate nothing. The sequence number is
 * unique and increasing, so the order is total and equal-time entries run in submission order.
 *
 * <p>Each entry carries a {@code tag} (node, incarnation and entry kind packed by the kernel) and
 * an item (the task or action). After {@link #pop()}, the popped entry's fields are readable via
 * {@link #poppedTime()} and friends until the next pop.
 */
final class EventQueue {
    private long[] times;
    private long[] seqs;
    private long[] tags;
    private Object[] items;
    private int size;

    private long poppedTime;
    private long poppedSeq;
    private long poppedTag;
    private Object poppedItem;

    EventQueue(int initialCapacity) {
        int cap = Math.max(16, initialCapacity);
        times = new long[cap];
        seqs = new long[cap];
        tags = new long[cap];
        items = new Object[cap];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Time of the earliest entry; the queue must not be empty. */
    long peekTime() {
        Invariants.check(size > 0, "peek on an empty queue");
        return times[0];
    }

    void push(long time, long seq, long tag, Object item) {
        if (size == times.length) grow();
        int i = size++;
        // Sift up: move parents down until the slot for the new entry is found.
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pt = times[parent];
            if (pt < time || (pt == time && seqs[parent] < seq)) break;
            move(parent, i);
            i = parent;
        }
        set(i, time, seq, tag, item);
    }

    /** Removes the earliest entry; read it with the popped* accessors. */
    void pop() {
        Invariants.check(size > 0, "pop on an empty queue");
        poppedTime = times[0];
        poppedSeq = seqs[0];
        poppedTag = tags[0];
        poppedItem = items[0];
        int last = --size;
        long time = times[last];
        long seq = seqs[last];
        long tag = tags[last];
        Object item = items[last];
        items[last] = null;
        if (last == 0) return;
        // Sift down the former last entry from the root.
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && before(right, child)) child = right;
            long ct = times[child];
            if (time < ct || (time == ct && seq < seqs[child])) break;
            move(child, i);
            i = child;
        }
        set(i, time, seq, tag, item);
    }

    long poppedTime() {
        return poppedTime;
    }

    long poppedSeq() {
        return poppedSeq;
    }

    long poppedTag() {
        return poppedTag;
    }

    Object poppedItem() {
        return poppedItem;
    }

    private boolean before(int x, int y) {
        long tx = times[x];
        long ty = times[y];
        return tx < ty || (tx == ty && seqs[x] < seqs[y]);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        seqs[to] = seqs[from];
        tags[to] = tags[from];
        items[to] = items[from];
    }

    private void set(int i, long time, long seq, long tag, Object item) {
        times[i] = time;
        seqs[i] = seq;
        tags[i] = tag;
        items[i] = item;
    }

    private void grow() {
        int cap = times.length * 2;
        times = Arrays.copyOf(times, cap);
        seqs = Arrays.copyOf(seqs, cap);
        tags = Arrays.copyOf(tags, cap);
        items = Arrays.copyOf(items, cap);
    }
}
