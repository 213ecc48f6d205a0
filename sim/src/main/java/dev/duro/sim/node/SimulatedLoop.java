package dev.duro.sim.node;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import dev.duro.sim.kernel.Kernel;
import dev.duro.sim.kernel.SimulatedClock;
import dev.duro.sim.trace.EventKind;

/**
 * One node incarnation's event loop, multiplexed on the kernel's queue. Its tasks and timers are
 * queue entries tagged with (node, incarnation): once the incarnation crashes, none of them runs,
 * and submitting more is a silent no-op. Timer delays are in the node's monotonic time; a timer
 * re-checks its deadline on firing (the drift may have changed) and waits for the rest if early.
 */
public final class SimulatedLoop implements Loop {
    private final Kernel kernel;
    private final SimulatedClock clock;
    private final int node;
    private final int incarnation;

    public SimulatedLoop(Kernel kernel, SimulatedClock clock, int node, int incarnation) {
        this.kernel = kernel;
        this.clock = clock;
        this.node = node;
        this.incarnation = incarnation;
    }

    public int node() {
        return node;
    }

    public int incarnation() {
        return incarnation;
    }

    /** True while this incarnation is the node's live one. */
    public boolean alive() {
        return kernel.isUp(node) && kernel.incarnation(node) == incarnation;
    }

    @Override
    public void execute(Runnable task) {
        Invariants.check(task != null, "task must not be null");
        if (!alive()) return; // the Loop contract: a crashed node's loop swallows submissions
        kernel.scheduleTask(kernel.nowNanos(), node, incarnation, task);
    }

    @Override
    public TimerHandle schedule(long delayNanos, Runnable task) {
        Invariants.check(task != null, "task must not be null");
        if (!(delayNanos >= 0)) Invariants.check(false, "timer delay must be >= 0, got %d", delayNanos); // hot path: box only on failure
        Timer timer = new Timer(task, clock.monotonicNanos() + delayNanos);
        if (alive()) {
            kernel.scheduleAction(kernel.nowNanos() + clock.virtualDelayFor(delayNanos), node, incarnation, timer);
        } else {
            timer.state = Timer.DONE;
        }
        return timer;
    }

    @Override
    public boolean inLoop() {
        return kernel.running(node, incarnation);
    }

    @Override
    public String toString() {
        return "SimulatedLoop[n" + node + " inc " + incarnation + "]";
    }

    /** A pending timer; its own handle, so scheduling allocates one object. */
    private final class Timer implements TimerHandle, Kernel.Action {
        static final int PENDING = 0;
        static final int DONE = 1;
        static final int CANCELLED = 2;

        final Runnable task;
        final long deadlineLocalNanos;
        int state = PENDING;

        Timer(Runnable task, long deadlineLocalNanos) {
            this.task = task;
            this.deadlineLocalNanos = deadlineLocalNanos;
        }

        @Override
        public boolean cancel() {
            if (state != PENDING || !alive()) return false;
            state = CANCELLED;
            return true;
        }

        @Override
        public void fire(long seq) {
            if (state != PENDING) return; // cancelled: dropped silently, it never ran
            long remaining = deadlineLocalNanos - clock.monotonicNanos();
            if (remaining > 0) { // the drift slowed this clock since scheduling: wait for the rest
                kernel.scheduleAction(kernel.nowNanos() + clock.virtualDelayFor(remaining), node, incarnation, this);
                return;
            }
            state = DONE;
            if (!(inLoop())) Invariants.check(false, "timer of n%d inc %d must run on its loop", node, incarnation); // hot path: box only on failure
            kernel.trace().record(kernel.nowNanos(), node, EventKind.TIMER, seq, incarnation, 0, null, null);
            task.run();
        }
    }
}
