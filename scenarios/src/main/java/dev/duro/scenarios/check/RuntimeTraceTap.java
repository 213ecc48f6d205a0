package dev.duro.scenarios.check;

import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import dev.duro.sim.trace.TraceListener;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trace listener a scenario composes with the run's own: parses {@link dev.duro.runtime.RuntimeTrace}
 * facts and crashes out of the trace and hands them to the checkers, and counts facts by kind and
 * detail (for the parameter lines: activations, alarm firings, wakes). Listening never changes the run.
 */
public final class RuntimeTraceTap implements TraceListener {
    private final TraceListener next;
    private final List<FactChecker> checkers;
    private final Map<String, Long> counts = new TreeMap<>();
    private long sends;

    public RuntimeTraceTap(TraceListener next, List<FactChecker> checkers) {
        this.next = next == null ? TraceListener.NONE : next;
        this.checkers = List.copyOf(checkers);
    }

    @Override
    public void onEvent(TraceEvent event) {
        if (event.kind() == EventKind.SEND) {
            sends++;
        } else if (event.kind() == EventKind.CRASH) {
            for (FactChecker c : checkers) c.onCrash(event.node());
        } else if (event.kind() == EventKind.RECORD) {
            if (event.label() != null && !RuntimeFact.KINDS.contains(event.label())) {
                counts.merge(event.label(), 1L, Long::sum); // other records (replication, failure detector): counted only
            }
            RuntimeFact.of(event).ifPresent(f -> {
                counts.merge(f.kind(), 1L, Long::sum);
                for (String field : new String[] {"event", "reason"}) {
                    String v = f.fields().get(field);
                    if (v != null) counts.merge(f.kind() + ":" + v, 1L, Long::sum);
                }
                for (FactChecker c : checkers) c.onFact(f);
            });
        }
        next.onEvent(event);
    }

    /**
     * How many facts (or other records, e.g. {@code repl-won}, {@code fd-suspect}) of {@code kind} were seen; {@code kind:value} counts those whose {@code event=}
     * or {@code reason=} is {@code value} (e.g. {@code obj-evict:hibernate}).
     */
    public long count(String kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** Messages sent on the simulated network so far (every node, clients included). */
    public long sends() {
        return sends;
    }
}
