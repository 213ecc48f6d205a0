package dev.duro.runtime.storage;

import dev.duro.model.world.Clock;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;

import java.util.ArrayDeque;

/** A loop the test drains by hand; also a clock whose wall time the test sets. */
final class ManualLoop implements Loop, Clock {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    long wallMillis = 1_700_000_000_000L;

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public TimerHandle schedule(long delayNanos, Runnable task) {
        throw new UnsupportedOperationException("the storage engine sets no timers");
    }

    @Override
    public boolean inLoop() {
        return true;
    }

    /** Runs tasks until none are left. */
    void drain() {
        int guard = 0;
        while (!tasks.isEmpty()) {
            tasks.poll().run();
            if (++guard > 10_000_000) throw new AssertionError("loop does not settle");
        }
    }

    @Override
    public long monotonicNanos() {
        return 0;
    }

    @Override
    public long wallMillis() {
        return wallMillis;
    }
}
