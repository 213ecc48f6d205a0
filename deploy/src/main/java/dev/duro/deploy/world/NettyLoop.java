package dev.duro.deploy.world;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Clock;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A node's {@link Loop} on one Netty event loop: one thread, tasks in submission order, timers
 * through the event loop's scheduler. The node's TCP channels live on the same event loop, so
 * network I/O and node code never run at the same time.
 *
 * <p>{@link #stop()} is the deployment's crash: from then on no queued task, timer or new
 * submission runs (they are discarded, as the {@link Loop} contract says), whatever thread calls it.
 * A task that throws is a bug the node cannot be trusted after: the loop stops and reports it to
 * {@code onTaskFailure} (the world's fail-stop), as a failed task ends a simulated run.
 */
public final class NettyLoop implements Loop {
    private final EventLoop eventLoop;
    private final Clock clock;
    private final Consumer<Throwable> onTaskFailure;
    private volatile boolean stopped;

    public NettyLoop(EventLoop eventLoop, Clock clock, Consumer<Throwable> onTaskFailure) {
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onTaskFailure = Objects.requireNonNull(onTaskFailure, "onTaskFailure");
    }

    /** The Netty event loop underneath, for channels that must share the node's thread. */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (stopped) return;
        try {
            eventLoop.execute(() -> run(task));
        } catch (RejectedExecutionException e) {
            // the event loop is shutting down: the node is gone, and a gone node's loop swallows submissions
        }
    }

    @Override
    public TimerHandle schedule(long delayNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (delayNanos < 0) Invariants.check(false, "timer delay must be >= 0, got %d", delayNanos); // box only on failure
        Timer timer = new Timer(task, clock.monotonicNanos() + delayNanos);
        timer.arm(delayNanos);
        return timer;
    }

    @Override
    public boolean inLoop() {
        return eventLoop.inEventLoop();
    }

    /** Discards every queued task and timer and swallows later submissions; idempotent, any thread. */
    public void stop() {
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    private void run(Runnable task) {
        if (stopped) return;
        try {
            task.run();
        } catch (RuntimeException | Error thrown) {
            stopped = true;
            onTaskFailure.accept(thrown);
        }
    }

    /** A timer that re-checks its deadline on this node's clock when it fires, so it never runs early. */
    private final class Timer implements TimerHandle {
        private static final int PENDING = 0;
        private static final int DONE = 1;
        private static final int CANCELLED = 2;

        private final Runnable task;
        private final long deadlineNanos;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private volatile ScheduledFuture<?> future;

        Timer(Runnable task, long deadlineNanos) {
            this.task = task;
            this.deadlineNanos = deadlineNanos;
        }

        void arm(long delayNanos) {
            if (stopped) {
                state.set(DONE);
                return;
            }
            try {
                future = eventLoop.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                state.set(DONE); // shutting down: the timer dies with the node
            }
        }

        private void fire() {
            if (stopped || state.get() != PENDING) return;
            long remainingNanos = deadlineNanos - clock.monotonicNanos();
            if (remainingNanos > 0) { // Netty's timer base is not this clock: wait for the rest
                arm(remainingNanos);
                return;
            }
            if (!state.compareAndSet(PENDING, DONE)) return;
            run(task);
        }

        @Override
        public boolean cancel() {
            if (stopped || !state.compareAndSet(PENDING, CANCELLED)) return false;
            ScheduledFuture<?> f = future;
            if (f != null) f.cancel(false); // frees the scheduler's entry; the state already keeps it from running
            return true;
        }
    }
}
