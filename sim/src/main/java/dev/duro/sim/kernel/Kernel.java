package dev.duro.sim.kernel;

import dev.duro.model.util.AllowNondeterminism;
import dev.duro.model.util.Invariants;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.Trace;
import java.util.Arrays;

/**
 * The simulation kernel: virtual time and one event queue with a total order (time, then a
 * sequence number), run by one thread. Every node's tasks and timers, every message delivery and
 * every harness action is an entry of this queue, so the seed and the configuration fix the order
 * in which all code runs.
 *
 * <p><b>Node tagging.</b> An entry may be tagged with a node and an incarnation. An entry whose
 * incarnation is no longer the node's live incarnation is discarded without running (that is how
 * a crash drops every pending task and timer). An entry tagged with a node that is paused is
 * deferred to the end of the pause, keeping its relative order. Entries tagged with
 * {@link #ANY_INCARNATION} (message deliveries) survive restarts and decide for themselves.
 *
 * <p><b>Order after a pause.</b> By default the deferred entries run at the pause end in time
 * order, so a timeout that fell due during the pause runs before a message that arrived after it.
 * A real event loop promises no such thing: after a stall it may hand over the pending messages
 * first. A pause started with {@code messagesFirst} does that: its deferred message deliveries
 * (node action entries tagged {@link #ANY_INCARNATION}) run at the pause end before the node's
 * deferred timers and tasks, in arrival order; tasks and timers keep their order among themselves.
 * Such deliveries take sequence numbers from a separate range below every ordinary one.
 *
 * <p><b>Failure model.</b> A task that throws stops the run with {@link StopReason#FAILURE}; the
 * throwable is kept in {@link #failure()} and recorded in the trace. The kernel itself checks its
 * invariants always (time never goes backwards, entries never run for a dead incarnation).
 *
 * <p><b>Thread confinement.</b> The kernel belongs to the thread that created it; scheduling or
 * reading time from another thread throws at once.
 */
public final class Kernel {
    /** Tag value for entries that belong to no node (harness actions). */
    public static final int NO_NODE = -1;
    /** Tag value for node entries that run whatever the node's incarnation is (deliveries). */
    public static final int ANY_INCARNATION = -1;

    /** Work the kernel runs with its sequence number: timers, deliveries, harness actions. */
    @FunctionalInterface
    public interface Action {
        void fire(long seq);
    }

    private static final long KIND_TASK = 0;
    private static final long KIND_ACTION = 1;

    private final EventQueue queue = new EventQueue(1024);
    private final Trace trace;
    @AllowNondeterminism("thread identity is only compared to fail fast on foreign-thread access; never affects behaviour")
    private final Thread owner;

    private long nowNanos;
    private long nextSeq;
    private long steps;
    private long discarded;
    private long untilNanos = Long.MAX_VALUE;
    private long maxSteps = Long.MAX_VALUE;
    private StopReason stopped;
    private Throwable failure;

    private int currentNode = NO_NODE;
    private int currentIncarnation = -2;

    private int nodeCount;
    private int[] incarnations = new int[8];
    private boolean[] up = new boolean[8];
    private long[] pausedUntilNanos = new long[8];
    /**
     * Sequence number of the first entry deferred to the node's current pause end, or MIN_VALUE.
     * Entries already queued at exactly the pause end with a lower sequence are deferred once more,
     * so that they run after the deferred entries that were due earlier (time, then sequence).
     */
    private long[] deferFloorSeq = new long[8];
    /** Whether the node's current pause hands its deferred deliveries over first (see the class comment). */
    private boolean[] messagesFirst = new boolean[8];
    /** Next sequence number of the range below every ordinary one (deliveries moved ahead). */
    private long nextAheadSeq = Long.MIN_VALUE;

    @AllowNondeterminism("records the owning thread to fail fast on foreign-thread access")
    public Kernel(Trace trace) {
        this.trace = java.util.Objects.requireNonNull(trace, "trace");
        this.owner = Thread.currentThread();
    }

    // ---- time and budgets ------------------------------------------------------------------

    /** Virtual time in nanoseconds since the start of the run. */
    public long nowNanos() {
        checkThread();
        return nowNanos;
    }

    public Trace trace() {
        return trace;
    }

    /**
     * Sets the budgets: stop before running an entry later than {@code untilNanos} or once
     * {@code maxSteps} entries have been taken in total. Also resumes a run that stopped for any
     * reason but a failure (so a harness can add work and run on).
     */
    public void budget(long untilNanos, long maxSteps) {
        if (stopped != StopReason.FAILURE) stopped = null;
        Invariants.check(untilNanos >= nowNanos, "time budget %d lies in the past (now %d)", untilNanos, nowNanos);
        Invariants.check(maxSteps >= 0, "event budget must be >= 0, got %d", maxSteps);
        this.untilNanos = untilNanos;
        this.maxSteps = maxSteps;
    }

    /** Entries taken from the queue so far (run, discarded or deferred). */
    public long steps() {
        return steps;
    }

    /** Entries discarded because their incarnation had died. */
    public long discarded() {
        return discarded;
    }

    public int pending() {
        return queue.size();
    }

    /** Asks the run to stop before the next entry. */
    public void stop() {
        if (stopped == null) stopped = StopReason.STOPPED;
    }

    /** The stop reason once the run has stopped, else null. */
    public StopReason stopReason() {
        return stopped;
    }

    /** What a failing task threw, or null. */
    public Throwable failure() {
        return failure;
    }

    // ---- fault points ----------------------------------------------------------------------

    private boolean faultPointsQuiet;

    /**
     * From now on no fault point fires, on any node (the heal: as in FoundationDB's quiet phase,
     * recovery and the liveness bound are judged without injected delays and drops).
     */
    public void quietFaultPoints() {
        checkThread();
        faultPointsQuiet = true;
    }

    /** True once {@link #quietFaultPoints()} was called. */
    public boolean faultPointsQuiet() {
        return faultPointsQuiet;
    }

    // ---- nodes ---------------------------------------------------------------------------

    /** Registers a node slot (initially down, incarnation 0) and returns its index. */
    public int registerNode() {
        checkThread();
        if (nodeCount == incarnations.length) {
            int cap = nodeCount * 2;
            incarnations = Arrays.copyOf(incarnations, cap);
            up = Arrays.copyOf(up, cap);
            pausedUntilNanos = Arrays.copyOf(pausedUntilNanos, cap);
            deferFloorSeq = Arrays.copyOf(deferFloorSeq, cap);
            messagesFirst = Arrays.copyOf(messagesFirst, cap);
        }
        deferFloorSeq[nodeCount] = Long.MIN_VALUE;
        return nodeCount++;
    }

    public int nodeCount() {
        return nodeCount;
    }

    /** Declares node {@code node}'s live incarnation and whether it is up. */
    public void nodeState(int node, int incarnation, boolean isUp) {
        checkNode(node);
        Invariants.check(incarnation >= incarnations[node], "incarnation of n%d went backwards: %d -> %d",
                node, incarnations[node], incarnation);
        incarnations[node] = incarnation;
        up[node] = isUp;
        if (!isUp) { // a crash ends a pause
            pausedUntilNanos[node] = 0;
            deferFloorSeq[node] = Long.MIN_VALUE;
            messagesFirst[node] = false;
        }
    }

    public int incarnation(int node) {
        checkNode(node);
        return incarnations[node];
    }

    public boolean isUp(int node) {
        checkNode(node);
        return up[node];
    }

    /** Defers every entry of {@code node} until {@code untilNanos} (extends, never shortens, a pause). */
    public void pauseUntil(int node, long untilNanos) {
        pauseUntil(node, untilNanos, false);
    }

    /**
     * As {@link #pauseUntil(int, long)}; with {@code deliveriesFirst} the deferred message
     * deliveries run at the pause end before the node's deferred timers and tasks (the order a
     * real event loop may pick after a stall). The mode belongs to the pause: an extension sets it
     * anew, a crash clears it.
     */
    public void pauseUntil(int node, long untilNanos, boolean deliveriesFirst) {
        checkNode(node);
        Invariants.check(untilNanos >= nowNanos, "pause end %d lies in the past", untilNanos);
        if (untilNanos > pausedUntilNanos[node]) {
            pausedUntilNanos[node] = untilNanos;
            deferFloorSeq[node] = Long.MIN_VALUE; // a new end: nothing deferred to it yet
            messagesFirst[node] = deliveriesFirst;
        }
    }

    /** Whether the node's current pause runs its deferred deliveries first. */
    public boolean pausedMessagesFirst(int node) {
        checkNode(node);
        return messagesFirst[node] && pausedUntilNanos[node] > nowNanos;
    }

    public boolean isPaused(int node) {
        checkNode(node);
        return pausedUntilNanos[node] > nowNanos;
    }

    public long pausedUntilNanos(int node) {
        checkNode(node);
        return pausedUntilNanos[node];
    }

    /** True when code of {@code node}'s incarnation {@code incarnation} is running now. */
    public boolean running(int node, int incarnation) {
        checkThread();
        return currentNode == node && currentIncarnation == incarnation;
    }

    /** The node whose entry is running, or {@link #NO_NODE}. */
    public int currentNode() {
        return currentNode;
    }

    // ---- scheduling ----------------------------------------------------------------------

    /** Queues a node task (traced as {@link EventKind#TASK}) at {@code atNanos}; returns its sequence number. */
    public long scheduleTask(long atNanos, int node, int incarnation, Runnable task) {
        return push(atNanos, node, incarnation, KIND_TASK, task);
    }

    /** Queues an action at {@code atNanos}; it traces itself. Returns its sequence number. */
    public long scheduleAction(long atNanos, int node, int incarnation, Action action) {
        return push(atNanos, node, incarnation, KIND_ACTION, action);
    }

    /**
     * Queues a harness action ahead of every ordinary entry at {@code atNanos} (the range that
     * deliveries moved ahead by a messages-first pause use), so that it runs before them too.
     */
    public long scheduleActionAhead(long atNanos, Action action) {
        checkThread();
        Invariants.check(atNanos >= nowNanos, "cannot schedule in the past: at %d, now %d", atNanos, nowNanos);
        Invariants.check(action != null, "scheduled item must not be null");
        long seq = nextAheadSeq++;
        Invariants.check(seq < 0, "ahead sequence range exhausted");
        queue.push(atNanos, seq, tag(NO_NODE, ANY_INCARNATION, KIND_ACTION), action);
        return seq;
    }

    private long push(long atNanos, int node, int incarnation, long kind, Object item) {
        checkThread();
        if (!(atNanos >= nowNanos)) Invariants.check(false, "cannot schedule in the past: at %d, now %d", atNanos, nowNanos); // hot path: box only on failure
        Invariants.check(item != null, "scheduled item must not be null");
        long seq = nextSeq++;
        queue.push(atNanos, seq, tag(node, incarnation, kind), item);
        return seq;
    }

    private static long tag(int node, int incarnation, long kind) {
        // node+1 and incarnation+1 so that -1 packs as 0; 31 bits each, kind in the low bit.
        return ((long) (node + 1) << 33) | ((long) (incarnation + 1) << 1) | kind;
    }

    // ---- running -------------------------------------------------------------------------

    /**
     * Runs entries until a budget is reached, the queue empties, the scenario stops the run, or a
     * task fails. Returns why it stopped.
     */
    public StopReason run() {
        StopReason reason;
        while ((reason = step()) == null) {
            // one entry per iteration
        }
        return reason;
    }

    /**
     * Runs at most one entry. Returns null when it ran (or discarded, or deferred) one and the
     * run goes on, or the stop reason once the run has stopped (sticky: later calls return it too).
     */
    public StopReason step() {
        checkThread();
        if (stopped != null) return stopped;
        if (queue.isEmpty()) return stopped = StopReason.QUIESCENT;
        if (steps >= maxSteps) return stopped = StopReason.EVENT_LIMIT;
        if (queue.peekTime() > untilNanos) {
            nowNanos = untilNanos;
            return stopped = StopReason.TIME_LIMIT;
        }
        queue.pop();
        long time = queue.poppedTime();
        if (!(time >= nowNanos)) Invariants.check(false, "virtual time went backwards: %d -> %d", nowNanos, time); // hot path: box only on failure
        nowNanos = time;
        steps++;
        long tag = queue.poppedTag();
        Object item = queue.poppedItem();
        long seq = queue.poppedSeq();
        int node = (int) (tag >>> 33) - 1;
        int incarnation = (int) ((tag >>> 1) & 0xFFFF_FFFFL) - 1;
        boolean task = (tag & 1) == KIND_TASK;
        if (node != NO_NODE) {
            if (incarnation != ANY_INCARNATION && (incarnation != incarnations[node] || !up[node])) {
                discarded++; // its incarnation crashed: the entry dies with it
                return null;
            }
            long pauseEnd = pausedUntilNanos[node];
            // seq >= 0: an entry already moved ahead (negative range) is never deferred again at the end.
            if (pauseEnd > time || (pauseEnd == time && seq >= 0 && seq < deferFloorSeq[node])) {
                if (messagesFirst[node] && !task && incarnation == ANY_INCARNATION) {
                    long aheadSeq = nextAheadSeq++;
                    if (!(aheadSeq < 0)) Invariants.check(false, "ahead sequence range exhausted");
                    queue.push(pauseEnd, aheadSeq, tag, item);
                    return null;
                }
                long deferredSeq = nextSeq++;
                if (deferFloorSeq[node] == Long.MIN_VALUE) deferFloorSeq[node] = deferredSeq;
                queue.push(pauseEnd, deferredSeq, tag, item);
                return null;
            }
            currentNode = node;
            currentIncarnation = up[node] ? incarnations[node] : -2;
        }
        try {
            if (task) {
                trace.record(time, node, EventKind.TASK, seq, incarnation, 0, null, null);
                ((Runnable) item).run();
            } else {
                ((Action) item).fire(seq);
            }
        } catch (RuntimeException | Error thrown) {
            fail(node, thrown);
        } finally {
            currentNode = NO_NODE;
            currentIncarnation = -2;
        }
        return stopped;
    }

    private void fail(int node, Throwable thrown) {
        failure = thrown;
        stopped = StopReason.FAILURE;
        trace.record(nowNanos, node, EventKind.FAILURE, 0, 0, 0, thrown.getClass().getSimpleName(),
                String.valueOf(thrown.getMessage()));
    }

    private void checkNode(int node) {
        checkThread();
        if (!(node >= 0 && node < nodeCount)) Invariants.check(false, "no node n%d (have %d)", node, nodeCount); // hot path: box only on failure
    }

    /** Throws when called from a thread other than the kernel's: simulated state is single-threaded. */
    @AllowNondeterminism("compares thread identity to fail fast; never affects behaviour")
    public void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("simulated world touched from foreign thread "
                    + Thread.currentThread().getName() + " (owner: " + owner.getName() + ")");
        }
    }
}
