package dev.duro.model.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knossos's history preprocessing: each invoke pairs with the next completion of its process.
 * {@code :fail} marks the pair as failed (checkers drop it); {@code :info} and invokes that never
 * complete become indeterminate; an {@code :info} with no open invoke is ignored (as Knossos
 * does). Times come from the events (a Jepsen log's line order).
 */
final class EventPairing {
    private EventPairing() {}

    private record Open(Event event) {}

    /** Pairs {@code events} (in log order) into a history. */
    static History pair(List<Event> events, String source) {
        Map<Integer, Open> open = new LinkedHashMap<>();
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Open o = open.get(e.process());
            if (e.isInvoke()) {
                if (o != null) {
                    throw new HistoryFormatException(source, e.line(), "process " + e.process()
                            + " invokes " + e.f() + " while its invoke on line " + o.event().line()
                            + " has not completed");
                }
                open.put(e.process(), new Open(e));
                continue;
            }
            if (o == null) {
                if (e.type() == Status.INFO) continue;
                throw new HistoryFormatException(source, e.line(), "expected an :invoke for process "
                        + e.process() + " before this :" + e.type().label());
            }
            Event inv = o.event();
            if (!inv.f().equals(e.f())) {
                throw new HistoryFormatException(source, e.line(), "expected completion of :" + inv.f()
                        + " (invoked on line " + inv.line() + "), found :" + e.f());
            }
            if (e.time() < inv.time()) {
                throw new HistoryFormatException(source, e.line(), "completion time " + e.time()
                        + " is before its invoke's time " + inv.time() + " (line " + inv.line() + ")");
            }
            open.remove(e.process());
            Object output = e.type() == Status.OK ? e.value() : Unknown.VALUE;
            ops.add(new Operation(ops.size(), e.process(), inv.f(), inv.key(), inv.value(), output, e.type(),
                    inv.time(), e.time(), inv.line()));
        }
        for (Open o : open.values()) {
            Event inv = o.event();
            ops.add(new Operation(ops.size(), inv.process(), inv.f(), inv.key(), inv.value(), Unknown.VALUE,
                    Status.INFO, inv.time(), Operation.NEVER, inv.line()));
        }
        return History.of(ops);
    }
}
