package dev.duro.sim.trace;

import dev.duro.model.util.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The run's trace: a running digest over every event plus a bounded ring of the most recent
 * events. Memory stays constant however long the run; a {@link TraceListener} sees every event if
 * the full trace is wanted (a JSON-lines file).
 *
 * <p><b>Digest.</b> A hash chain: for each event the fields (time, node, kind code, a, b, c, and
 * 64-bit hashes of label and detail) are folded into a 64-bit state with a multiply-rotate step,
 * and the state is finalized with SplitMix64's mixer after each event. The value after event i is
 * event i's chain value; the run's digest is the chain value after the last event (or a fixed
 * constant for an empty trace). Equal digests mean, with overwhelming probability, equal traces.
 *
 * <p>Events are stored as primitives in parallel arrays so that recording allocates nothing
 * unless a listener is attached.
 *
 * <p><b>Triggers</b> ({@link #onRecord}) are not listeners: they are fault actions of the harness
 * that run the instant a node records a given fact, before the node's code goes on, and so are
 * part of the run (deterministically: they run in record order and draw from their own streams).
 */
public final class Trace {
    private static final long EMPTY = 0x5EED_D16E_5700_0000L;

    private final int capacity;
    private final int mask;
    private final long[] times;
    private final int[] nodes;
    private final EventKind[] kinds;
    private final long[] as;
    private final long[] bs;
    private final long[] cs;
    private final String[] labels;
    private final String[] details;
    private final long[] chains;
    private final TraceListener listener;
    /** Trigger actions by record label; looked up, never iterated, so the map's order cannot leak. */
    private final Map<String, List<Consumer<TraceEvent>>> triggers = new HashMap<>();
    private long count;
    private long chain = EMPTY;

    /** A trace keeping the last {@code ringCapacity} events (rounded up to a power of two). */
    public Trace(int ringCapacity, TraceListener listener) {
        Invariants.check(ringCapacity >= 1 && ringCapacity <= (1 << 24), "ring capacity out of range: %d", ringCapacity);
        int cap = Integer.highestOneBit(ringCapacity);
        if (cap < ringCapacity) cap <<= 1;
        this.capacity = cap;
        this.mask = cap - 1;
        this.times = new long[cap];
        this.nodes = new int[cap];
        this.kinds = new EventKind[cap];
        this.as = new long[cap];
        this.bs = new long[cap];
        this.cs = new long[cap];
        this.labels = new String[cap];
        this.details = new String[cap];
        this.chains = new long[cap];
        this.listener = listener == null ? TraceListener.NONE : listener;
    }

    /** Records an event and returns its index. */
    public long record(long timeNanos, int node, EventKind kind, long a, long b, long c, String label, String detail) {
        Invariants.check(kind != null, "event kind must not be null");
        long h = chain;
        h = fold(h, timeNanos);
        h = fold(h, ((long) node << 32) ^ kind.code());
        h = fold(h, a);
        h = fold(h, b);
        h = fold(h, c);
        if (label != null) h = fold(h, hashString(label));
        if (detail != null) h = fold(h, hashString(detail));
        h = mix(h);
        long index = count;
        int slot = (int) (index & mask);
        times[slot] = timeNanos;
        nodes[slot] = node;
        kinds[slot] = kind;
        as[slot] = a;
        bs[slot] = b;
        cs[slot] = c;
        labels[slot] = label;
        details[slot] = detail;
        chains[slot] = h;
        chain = h;
        count = index + 1;
        if (listener != TraceListener.NONE) listener.onEvent(eventAt(index));
        if (!triggers.isEmpty() && kind == EventKind.RECORD && label != null) {
            List<Consumer<TraceEvent>> actions = triggers.get(label);
            if (actions != null) {
                TraceEvent event = eventAt(index);
                for (Consumer<TraceEvent> action : actions) action.accept(event);
            }
        }
        return index;
    }

    /**
     * Runs {@code action} right after every {@link EventKind#RECORD} event labelled {@code label}
     * (a fact a node records, e.g. {@code repl-extend}), after the listener saw it and before the
     * recording code goes on: a harness injecting a fault at that instant. Events the action records
     * follow the triggering one. Actions of one label run in the order they were added.
     */
    public void onRecord(String label, Consumer<TraceEvent> action) {
        Invariants.check(label != null && !label.isEmpty() && action != null, "a trigger needs a label and an action");
        triggers.computeIfAbsent(label, l -> new ArrayList<>()).add(action);
    }

    /** Number of events recorded. */
    public long count() {
        return count;
    }

    /** The running digest: the chain value after the last event. */
    public long digest() {
        return chain;
    }

    public String digestHex() {
        return hex(chain);
    }

    public int ringCapacity() {
        return capacity;
    }

    /** True when event {@code index} is still in the ring. */
    public boolean retains(long index) {
        return index >= 0 && index < count && index >= count - capacity;
    }

    /** The chain value after event {@code index}; the event must still be in the ring. */
    public long chainAt(long index) {
        if (!(retains(index))) Invariants.check(false, "event %d is not in the ring (count %d, capacity %d)", index, count, capacity); // hot path: box only on failure
        return chains[(int) (index & mask)];
    }

    /** Event {@code index}, which must still be in the ring. */
    public TraceEvent eventAt(long index) {
        if (!(retains(index))) Invariants.check(false, "event %d is not in the ring (count %d, capacity %d)", index, count, capacity); // hot path: box only on failure
        int slot = (int) (index & mask);
        return new TraceEvent(index, times[slot], nodes[slot], kinds[slot], as[slot], bs[slot], cs[slot],
                labels[slot], details[slot], chains[slot]);
    }

    /** Retained events with index in {@code [from, to)}, clipped to the ring. */
    public List<TraceEvent> range(long from, long to) {
        long start = Math.max(from, Math.max(0, count - capacity));
        long end = Math.min(to, count);
        List<TraceEvent> out = new ArrayList<>((int) Math.max(0, end - start));
        for (long i = start; i < end; i++) out.add(eventAt(i));
        return out;
    }

    /** The last {@code k} events (fewer if the ring or the trace is shorter). */
    public List<TraceEvent> recent(int k) {
        return range(count - k, count);
    }

    public static String hex(long value) {
        return String.format(java.util.Locale.ROOT, "%016x", value);
    }

    private static long fold(long h, long v) {
        return Long.rotateLeft(h ^ (v * 0x9E3779B97F4A7C15L), 29) * 0xBF58476D1CE4E5B9L;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A 64-bit string hash independent of {@link String#hashCode()}. */
    public static long hashString(String s) {
        long h = 0xCBF29CE484222325L ^ s.length();
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001B3L;
        return h;
    }

    /** A 64-bit hash of bytes (message payloads), independent of array identity. */
    public static long hashBytes(byte[] bytes) {
        long h = 0xCBF29CE484222325L ^ bytes.length;
        int i = 0;
        for (; i + 8 <= bytes.length; i += 8) {
            long w = (bytes[i] & 0xFFL) | (bytes[i + 1] & 0xFFL) << 8 | (bytes[i + 2] & 0xFFL) << 16
                    | (bytes[i + 3] & 0xFFL) << 24 | (bytes[i + 4] & 0xFFL) << 32 | (bytes[i + 5] & 0xFFL) << 40
                    | (bytes[i + 6] & 0xFFL) << 48 | (bytes[i + 7] & 0xFFL) << 56;
            h = Long.rotateLeft(h ^ (w * 0x9E3779B97F4A7C15L), 31) * 0x100000001B3L;
        }
        for (; i < bytes.length; i++) h = (h ^ (bytes[i] & 0xFF)) * 0x100000001B3L;
        return mix(h);
    }
}
