package dev.duro.deploy.world;

import dev.duro.model.world.Clock;

/**
 * The JVM's clocks, kept apart as {@link Clock} asks: monotonic time from {@link System#nanoTime()}
 * (never goes backwards within a process; its origin is arbitrary and changes with the process),
 * wall time from {@link System#currentTimeMillis()} (NTP may step it).
 */
public final class SystemClock implements Clock {
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }
}
