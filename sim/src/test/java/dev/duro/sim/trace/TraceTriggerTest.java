package dev.duro.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Triggers ({@link Trace#onRecord}): run at the instant of a matching record, after the listener, in the run's order. */
class TraceTriggerTest {
    @Test
    void aTriggerRunsRightAfterItsRecordAndWhatItRecordsFollowsIt() {
        List<String> seen = new ArrayList<>();
        Trace[] trace = new Trace[1];
        trace[0] = new Trace(64, e -> seen.add("listener " + e.label()));
        trace[0].onRecord("repl-extend", e -> {
            seen.add("trigger " + e.detail());
            trace[0].record(e.timeNanos(), e.node(), EventKind.RECORD, 0, 0, 0, "disk-nemesis", "full=true");
        });
        trace[0].record(5, 1, EventKind.RECORD, 0, 0, 0, "other", "x");
        trace[0].record(6, 1, EventKind.NOTE, 0, 0, 0, "repl-extend", "a note, not a node's record");
        trace[0].record(7, 2, EventKind.RECORD, 0, 0, 0, "repl-extend", "at=n2");
        assertThat(seen).containsExactly("listener other", "listener repl-extend", "listener repl-extend", "trigger at=n2",
                "listener disk-nemesis");
        assertThat(trace[0].count()).isEqualTo(4);
        assertThat(trace[0].eventAt(3).label()).isEqualTo("disk-nemesis");
    }
}
