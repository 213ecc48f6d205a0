package dev.duro.scenarios.frame;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * One history recorder per key (counter, register, account...), shared by every client of a run:
 * the simulator is single threaded, and virtual time orders all of them.
 */
public final class Recorders {
    private final Map<String, HistoryRecorder> byKey = new TreeMap<>();
    private final Workload workload;

    public Recorders() {
        this(Workload.unrecorded());
    }

    /** Recorders that keep nothing from the ticks {@code workload} draws dry. */
    Recorders(Workload workload) {
        this.workload = workload;
    }

    /** The key's recorder; while a tick is drawn dry, a scratch one that nobody reads. */
    public HistoryRecorder of(String key) {
        if (workload.dry()) return new HistoryRecorder();
        return byKey.computeIfAbsent(key, k -> new HistoryRecorder());
    }

    /** Every key's history, by key. */
    public SequencedMap<String, History> build() {
        TreeMap<String, History> out = new TreeMap<>();
        byKey.forEach((k, r) -> out.put(k, r.build()));
        return out;
    }
}
