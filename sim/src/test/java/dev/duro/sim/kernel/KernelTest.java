package dev.duro.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.Trace;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KernelTest {
    private final Kernel kernel = new Kernel(new Trace(64, TraceListener.NONE));

    @Test
    void runsInTimeOrderThenSubmissionOrder() {
        List<String> order = new ArrayList<>();
        kernel.scheduleAction(30, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> order.add("c@30"));
        kernel.scheduleAction(10, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> order.add("a@10"));
        kernel.scheduleAction(10, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> order.add("b@10"));
        kernel.scheduleAction(20, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> {
            order.add("x@20");
            kernel.scheduleAction(20, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s2 -> order.add("y@20"));
        });
        assertThat(kernel.run()).isEqualTo(StopReason.QUIESCENT);
        assertThat(order).containsExactly("a@10", "b@10", "x@20", "y@20", "c@30");
        assertThat(kernel.nowNanos()).isEqualTo(30);
    }

    /** Queue order: whatever the pushes, entries come out sorted by (time, submission). */
    @Property(tries = 200)
    void queuePopsInTotalOrder(@ForAll long seed) {
        SeededEntropy e = new SeededEntropy(seed);
        EventQueue q = new EventQueue(4);
        int n = 1 + e.nextInt(2000);
        for (int i = 0; i < n; i++) q.push(e.nextLong(50), i, 0, i);
        long lastTime = -1;
        long lastSeq = -1;
        for (int i = 0; i < n; i++) {
            q.pop();
            boolean ordered = q.poppedTime() > lastTime || (q.poppedTime() == lastTime && q.poppedSeq() > lastSeq);
            assertThat(ordered).as("entry %d out of order; seed %d; repro: mvn -pl sim test -Dtest=KernelTest", i, seed).isTrue();
            lastTime = q.poppedTime();
            lastSeq = q.poppedSeq();
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void timeBudgetStopsBeforeLaterEntriesAndAdvancesClock() {
        int[] ran = {0};
        kernel.scheduleAction(100, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> ran[0]++);
        kernel.scheduleAction(300, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> ran[0]++);
        kernel.budget(200, Long.MAX_VALUE);
        assertThat(kernel.run()).isEqualTo(StopReason.TIME_LIMIT);
        assertThat(ran[0]).isEqualTo(1);
        assertThat(kernel.nowNanos()).isEqualTo(200);
        assertThat(kernel.step()).isEqualTo(StopReason.TIME_LIMIT); // sticky
    }

    @Test
    void eventBudgetStopsAfterThatManyEntries() {
        for (int i = 0; i < 10; i++) kernel.scheduleAction(i, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> { });
        kernel.budget(Long.MAX_VALUE, 4);
        assertThat(kernel.run()).isEqualTo(StopReason.EVENT_LIMIT);
        assertThat(kernel.steps()).isEqualTo(4);
    }

    @Test
    void aThrowingTaskStopsTheRunAndIsTraced() {
        kernel.scheduleAction(5, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> {
            throw new IllegalStateException("boom");
        });
        kernel.scheduleAction(6, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> { });
        assertThat(kernel.run()).isEqualTo(StopReason.FAILURE);
        assertThat(kernel.failure()).hasMessage("boom");
        assertThat(kernel.trace().recent(1).get(0).kind().name()).isEqualTo("FAILURE");
    }

    @Test
    void cannotScheduleInThePast() {
        kernel.scheduleAction(10, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> { });
        kernel.run();
        assertThatThrownBy(() -> kernel.scheduleAction(5, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> { }))
                .hasMessageContaining("past");
    }

    @Test
    void foreignThreadAccessThrows() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                kernel.nowNanos();
            } catch (Throwable e) {
                seen.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(seen.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("foreign thread");
    }
}
