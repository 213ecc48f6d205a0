package dev.duro.model.history;

import dev.duro.model.util.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a history as it happens: {@link #invoke} when a client sends a request, then exactly
 * one of {@link #ok}, {@link #fail} or {@link #info} when it learns the outcome. Operations still
 * open at {@link #build()} become indeterminate. Times are whatever clock the caller runs on (the
 * simulator's); they must not go backwards per process. Not thread-safe: the simulator is single
 * threaded.
 */
public final class HistoryRecorder {
    /** An open operation, returned by {@link #invoke}. */
    public static final class Handle {
        private final int index;
        private boolean closed;

        private Handle(int index) {
            this.index = index;
        }
    }

    private record Open(int process, String f, Object key, Object input, long invokeNanos) {}

    private final List<Open> invoked = new ArrayList<>();
    private final List<Operation> done = new ArrayList<>();
    private final Map<Integer, Handle> openByProcess = new HashMap<>();
    private final List<Handle> handles = new ArrayList<>();

    /** Starts an operation with no key. */
    public Handle invoke(int process, String f, Object input, long timeNanos) {
        return invoke(process, f, null, input, timeNanos);
    }

    /** Starts an operation on {@code key}; the process must have no other open operation. */
    public Handle invoke(int process, String f, Object key, Object input, long timeNanos) {
        Invariants.check(!openByProcess.containsKey(process),
                "process %s invoked %s while another of its operations is open", process, f);
        Handle h = new Handle(invoked.size());
        invoked.add(new Open(process, f, key, input, timeNanos));
        handles.add(h);
        openByProcess.put(process, h);
        return h;
    }

    /** The operation took effect and returned {@code output}. */
    public void ok(Handle h, Object output, long timeNanos) {
        close(h, Status.OK, output, timeNanos);
    }

    /** The operation definitely did not take effect. */
    public void fail(Handle h, long timeNanos) {
        close(h, Status.FAIL, Unknown.VALUE, timeNanos);
    }

    /** The outcome is unknown (timeout, crash): it may or may not have taken effect. */
    public void info(Handle h, long timeNanos) {
        close(h, Status.INFO, Unknown.VALUE, timeNanos);
    }

    private void close(Handle h, Status status, Object output, long timeNanos) {
        Invariants.check(!h.closed, "operation completed twice");
        Open o = invoked.get(h.index);
        Invariants.check(timeNanos >= o.invokeNanos, "completion at %s before invoke at %s", timeNanos,
                o.invokeNanos);
        h.closed = true;
        openByProcess.remove(o.process);
        done.add(new Operation(h.index, o.process, o.f, o.key, o.input, output, status, o.invokeNanos,
                timeNanos, 0));
    }

    /** The history so far; operations still open are indeterminate and never complete. */
    public History build() {
        List<Operation> all = new ArrayList<>(done);
        for (int i = 0; i < invoked.size(); i++) {
            if (!handles.get(i).closed) {
                Open o = invoked.get(i);
                all.add(new Operation(i, o.process, o.f, o.key, o.input, Unknown.VALUE, Status.INFO,
                        o.invokeNanos, Operation.NEVER, 0));
            }
        }
        return History.of(all);
    }
}
