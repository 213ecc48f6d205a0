package dev.duro.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.trace.Trace;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What runs first at the end of a pause: time order by default, deliveries first on request. */
class PauseOrderTest {
    private final Kernel kernel = new Kernel(new Trace(64, TraceListener.NONE));
    private final List<String> order = new ArrayList<>();
    private int node;

    private void schedule(boolean messagesFirst) {
        node = kernel.registerNode();
        kernel.nodeState(node, 1, true);
        kernel.scheduleAction(0, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> kernel.pauseUntil(node, 100, messagesFirst));
        kernel.scheduleTask(10, node, 1, () -> order.add("timeout@10"));
        kernel.scheduleAction(20, node, Kernel.ANY_INCARNATION, s -> {
            order.add("message@20");
            kernel.scheduleTask(kernel.nowNanos(), node, 1, () -> order.add("task-from-message"));
        });
        kernel.scheduleTask(30, node, 1, () -> order.add("task@30"));
        kernel.scheduleAction(40, node, Kernel.ANY_INCARNATION, s -> order.add("message@40"));
        kernel.scheduleAction(50, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> order.add("harness@50"));
        kernel.scheduleTask(150, node, 1, () -> order.add("task@150"));
    }

    @Test
    void byDefaultDeferredWorkRunsInTimeOrder() {
        schedule(false);
        assertThat(kernel.run()).isEqualTo(StopReason.QUIESCENT);
        assertThat(order).containsExactly("harness@50", "timeout@10", "message@20", "task@30", "message@40",
                "task-from-message", "task@150");
    }

    @Test
    void messagesFirstHandsOverDeliveriesBeforeTimersAndKeepsTasksFifo() {
        schedule(true);
        assertThat(kernel.run()).isEqualTo(StopReason.QUIESCENT);
        // Deliveries in arrival order, then the deferred timers and tasks in their order, then
        // what the deliveries queued (it was queued after the deferred tasks).
        assertThat(order).containsExactly("harness@50", "message@20", "message@40", "timeout@10", "task@30",
                "task-from-message", "task@150");
        assertThat(kernel.nowNanos()).isEqualTo(150);
    }

    @Test
    void aCrashClearsTheModeAndAPausedNodeKeepsNoMovedEntryForever() {
        schedule(true);
        kernel.budget(60, Long.MAX_VALUE);
        kernel.run();
        assertThat(kernel.pausedMessagesFirst(node)).isTrue();
        kernel.nodeState(node, 1, false);
        assertThat(kernel.pausedMessagesFirst(node)).isFalse();
        kernel.budget(Long.MAX_VALUE, 10_000);
        assertThat(kernel.run()).as("moved deliveries must not be re-deferred forever").isEqualTo(StopReason.QUIESCENT);
        assertThat(order).containsExactly("harness@50", "message@20", "message@40");
    }

    @Test
    void anExtendedPauseMovesTheDeliveriesAgainInOrder() {
        schedule(true);
        kernel.scheduleAction(60, Kernel.NO_NODE, Kernel.ANY_INCARNATION, s -> kernel.pauseUntil(node, 120, true));
        assertThat(kernel.run()).isEqualTo(StopReason.QUIESCENT);
        assertThat(order).containsExactly("harness@50", "message@20", "message@40", "timeout@10", "task@30",
                "task-from-message", "task@150");
    }
}
