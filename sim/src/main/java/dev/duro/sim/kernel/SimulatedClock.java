package dev.duro.sim.kernel;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Clock;

/**
 * One node's clock, derived from the kernel's virtual time.
 *
 * <p>Local time runs at rate {@code 1 + driftPpm / 10^6} relative to virtual time from an anchor;
 * changing the drift re-anchors at the current instant, so local time stays continuous. The
 * monotonic reading never goes backwards: drift is bounded to (-10^6, 10^6) ppm so the rate stays
 * positive, forward jumps only move it forward, and every reading is clamped to the last one. The
 * wall reading adds an offset that may jump either way (clock faults); nothing safety-related
 * should read it.
 *
 * <p>The clock outlives crashes of its node (a restart does not reset the origin). Reads from a
 * thread other than the kernel's throw.
 */
public final class SimulatedClock implements Clock {
    /** Wall-clock origin of every run: 2026-01-01T00:00:00Z, so runs never depend on the real date. */
    public static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final long MILLION = 1_000_000L;

    private final Kernel kernel;
    private long anchorVirtualNanos;
    private long anchorLocalNanos;
    private long driftPpm;
    private long wallOffsetNanos;
    private long lastMonotonicNanos = Long.MIN_VALUE;
    /** Maps local time to nanos since {@link #EPOCH_MILLIS}: minus the origin and any forward jumps. */
    private long wallBaseNanos;

    /** A clock whose monotonic origin is {@code originNanos} at virtual time now. */
    public SimulatedClock(Kernel kernel, long originNanos, long driftPpm, long wallOffsetNanos) {
        this.kernel = kernel;
        checkDrift(driftPpm);
        this.anchorVirtualNanos = kernel.nowNanos();
        this.anchorLocalNanos = originNanos;
        this.wallBaseNanos = -originNanos + kernel.nowNanos();
        this.driftPpm = driftPpm;
        this.wallOffsetNanos = wallOffsetNanos;
    }

    @Override
    public long monotonicNanos() {
        long local = localAt(kernel.nowNanos());
        if (local < lastMonotonicNanos) local = lastMonotonicNanos; // rounding at re-anchors only
        lastMonotonicNanos = local;
        return local;
    }

    @Override
    public long wallMillis() {
        return EPOCH_MILLIS + Math.floorDiv(localAt(kernel.nowNanos()) + wallBaseNanos + wallOffsetNanos, MILLION);
    }

    public long driftPpm() {
        return driftPpm;
    }

    public long wallOffsetNanos() {
        return wallOffsetNanos;
    }

    /** Changes the drift from now on; local time stays continuous. */
    public void setDriftPpm(long ppm) {
        checkDrift(ppm);
        long now = kernel.nowNanos();
        long local = localAt(now);
        anchorVirtualNanos = now;
        anchorLocalNanos = local;
        driftPpm = ppm;
        Invariants.check(localAt(now) == local, "re-anchoring moved local time");
    }

    /** Jumps the wall clock by {@code deltaNanos} (either direction); the monotonic clock is untouched. */
    public void jumpWall(long deltaNanos) {
        wallOffsetNanos += deltaNanos;
    }

    /** Jumps the monotonic clock forward (as after a VM suspend); never backward. */
    public void jumpMonotonic(long forwardNanos) {
        Invariants.check(forwardNanos >= 0, "monotonic clock cannot jump backwards (%d ns)", forwardNanos);
        anchorLocalNanos += forwardNanos;
        wallBaseNanos -= forwardNanos; // the wall clock has its own jumps
    }

    /**
     * The virtual delay after which {@code localDelayNanos} of this clock's time will have passed at
     * the current drift (rounded up; timers re-check on firing in case the drift changed).
     */
    public long virtualDelayFor(long localDelayNanos) {
        if (localDelayNanos <= 0) return 0;
        if (driftPpm == 0) return localDelayNanos;
        double rate = 1.0 + driftPpm / 1e6;
        long v = (long) Math.ceil(localDelayNanos / rate);
        return Math.max(1, v);
    }

    private long localAt(long virtualNanos) {
        long delta = virtualNanos - anchorVirtualNanos;
        if (!(delta >= 0)) Invariants.check(false, "clock read before its anchor: %d < %d", virtualNanos, anchorVirtualNanos); // hot path: box only on failure
        // delta * ppm / 10^6 without overflow for any run shorter than ~290 years of virtual time.
        long drift = (delta / MILLION) * driftPpm + ((delta % MILLION) * driftPpm) / MILLION;
        return anchorLocalNanos + delta + drift;
    }

    private static void checkDrift(long ppm) {
        Invariants.check(ppm > -MILLION && ppm < MILLION, "drift must lie in (-10^6, 10^6) ppm, got %d", ppm);
    }
}
