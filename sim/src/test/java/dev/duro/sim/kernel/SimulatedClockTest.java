package dev.duro.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.Trace;
import dev.duro.sim.trace.TraceListener;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SimulatedClockTest {
    private final Kernel kernel = new Kernel(new Trace(16, TraceListener.NONE));

    private void advanceTo(long t) {
        kernel.scheduleAction(t, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> { });
        kernel.budget(Long.MAX_VALUE, Long.MAX_VALUE);
        kernel.run();
        assertThat(kernel.nowNanos()).isEqualTo(t);
    }

    @Test
    void driftScalesLocalTime() {
        SimulatedClock fast = new SimulatedClock(kernel, 1_000, 100, 0); // +100 ppm
        SimulatedClock slow = new SimulatedClock(kernel, 0, -250, 0);
        advanceTo(1_000_000_000L);
        assertThat(fast.monotonicNanos()).isEqualTo(1_000 + 1_000_000_000L + 100_000L);
        assertThat(slow.monotonicNanos()).isEqualTo(1_000_000_000L - 250_000L);
    }

    @Test
    void changingDriftKeepsLocalTimeContinuous() {
        SimulatedClock c = new SimulatedClock(kernel, 0, 1_000, 0);
        advanceTo(1_000_000);
        long before = c.monotonicNanos();
        c.setDriftPpm(-500_000); // half speed from now on
        assertThat(c.monotonicNanos()).isEqualTo(before);
        advanceTo(2_000_000);
        assertThat(c.monotonicNanos()).isEqualTo(before + 500_000);
    }

    @Test
    void wallClockJumpsBothWaysButMonotonicDoesNot() {
        SimulatedClock c = new SimulatedClock(kernel, 123_456_789, 0, 0);
        advanceTo(5_000_000_000L);
        long wall = c.wallMillis();
        assertThat(wall).isEqualTo(SimulatedClock.EPOCH_MILLIS + 5_000);
        long mono = c.monotonicNanos();
        c.jumpWall(-3_000_000_000L);
        assertThat(c.wallMillis()).isEqualTo(wall - 3_000);
        assertThat(c.monotonicNanos()).isEqualTo(mono);
        c.jumpMonotonic(7);
        assertThat(c.monotonicNanos()).isEqualTo(mono + 7);
        assertThat(c.wallMillis()).isEqualTo(wall - 3_000);
    }

    /** Monotonicity: under any sequence of drift changes and jumps the monotonic reading never decreases. */
    @Property(tries = 100)
    void monotonicNeverGoesBackwards(@ForAll long seed) {
        SeededEntropy e = new SeededEntropy(seed);
        Kernel k = new Kernel(new Trace(16, TraceListener.NONE));
        SimulatedClock c = new SimulatedClock(k, e.nextLong(1L << 40), e.nextLong(2_000) - 1_000, 0);
        long last = c.monotonicNanos();
        long t = 0;
        for (int i = 0; i < 200; i++) {
            t += e.nextLong(10_000_000);
            long at = t;
            int op = e.nextInt(4);
            long ppm = e.nextLong(1_999_998) - 999_999;
            k.scheduleAction(at, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> {
                switch (op) {
                    case 0 -> c.setDriftPpm(ppm);
                    case 1 -> c.jumpWall(ppm * 1000);
                    case 2 -> c.jumpMonotonic(Math.abs(ppm));
                    default -> { }
                }
            });
            k.budget(Long.MAX_VALUE, Long.MAX_VALUE);
            k.run();
            long now = c.monotonicNanos();
            assertThat(now).as("monotonic clock went back at step %d; seed %d", i, seed).isGreaterThanOrEqualTo(last);
            last = now;
        }
    }

    @Test
    void virtualDelayCoversLocalDelayUnderDrift() {
        SimulatedClock c = new SimulatedClock(kernel, 0, -300_000, 0);
        long v = c.virtualDelayFor(7_000_000);
        long start = c.monotonicNanos();
        advanceTo(v);
        assertThat(c.monotonicNanos() - start).isGreaterThanOrEqualTo(7_000_000);
    }
}
