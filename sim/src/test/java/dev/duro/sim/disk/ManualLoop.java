package dev.duro.sim.disk;

import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * Test-only {@link Loop}: a FIFO of tasks and timers ordered by (due time, sequence) on a virtual
 * clock, run explicitly by the test. {@link #kill()} models the node's crash: everything pending
 * is dropped and later submissions are ignored.
 */
final class ManualLoop implements Loop {
    private record Timer(long dueNanos, long seq, Runnable task, boolean[] cancelled) {}

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.dueNanos != b.dueNanos ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
    private long nowNanos;
    private long nextSeq;
    private boolean running;
    private boolean dead;

    @Override
    public void execute(Runnable task) {
        if (!dead) tasks.add(task);
    }

    @Override
    public TimerHandle schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = {false};
        if (dead) return () -> false;
        Timer timer = new Timer(nowNanos + Math.max(0, delayNanos), nextSeq++, task, cancelled);
        timers.add(timer);
        return () -> {
            if (cancelled[0] || !timers.contains(timer)) return false;
            cancelled[0] = true;
            timers.remove(timer);
            return true;
        };
    }

    @Override
    public boolean inLoop() {
        return running;
    }

    long nowNanos() {
        return nowNanos;
    }

    /** Runs queued tasks (and what they queue) without advancing time. */
    void runReady() {
        while (!dead && !tasks.isEmpty()) runOne(tasks.poll());
    }

    /** Runs one step: a queued task, else the next timer (advancing time). Returns false when idle. */
    boolean step() {
        if (dead) return false;
        if (!tasks.isEmpty()) {
            runOne(tasks.poll());
            return true;
        }
        Timer timer = timers.poll();
        if (timer == null) return false;
        nowNanos = timer.dueNanos;
        runOne(timer.task);
        return true;
    }

    /** Runs until nothing is queued or scheduled. */
    void runAll() {
        while (step()) { }
    }

    /** Runs everything due up to {@code nowNanos + delayNanos}, then sets the clock there. */
    void advance(long delayNanos) {
        long until = nowNanos + delayNanos;
        while (!dead) {
            runReady();
            Timer next = timers.peek();
            if (next == null || next.dueNanos > until) break;
            step();
        }
        if (!dead) nowNanos = until;
    }

    void kill() {
        dead = true;
        tasks.clear();
        timers.clear();
    }

    int pending() {
        return tasks.size() + timers.size();
    }

    private void runOne(Runnable task) {
        running = true;
        try {
            task.run();
        } finally {
            running = false;
        }
    }
}
