package dev.duro.scenarios;

import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import dev.duro.sim.trace.TraceListener;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage probes for a seed sweep (FoundationDB's CODE_PROBE, read from the trace): counts how
 * often each rare branch ran across all runs, so a sweep that passes also proves the recovery
 * paths it claims to test were taken. Counts node crashes and, for each runtime fact, its kind and
 * its {@code reason=} / {@code event=} value, plus alarm retries.
 */
final class Probes implements TraceListener {
    /** Branches every crash-and-disk sweep must reach. */
    static final List<String> UNDER_CRASH_AND_DISK = List.of(
            "crash",                         // a node lost its volatile state
            "obj-recover-end",               // activations rebuilt state from snapshot + log
            "log-snapshot",                  // the engine snapshotted and the log kept it
            "log-cut",                       // recovery cut a torn or unsynced tail
            "obj-evict:idle",                // idle eviction, constructor re-run later
            "obj-evict:hibernate",           // hibernation of WebSocket-only objects
            "event:construct",
            "event:alarm",
            "event:ws-message",
            "alarm-fire:retry",              // a failed alarm handler retried with backoff
            "alarm-done",
            "log-no-space",                  // a full disk refused a batch
            "obj-reset:write-failed");       // ... and the activation reset, its held outputs replaced by errors
    /** Under every fault the pauses and clock jumps join in; the same branches must still be reached. */
    static final List<String> UNDER_ALL_FAULTS = UNDER_CRASH_AND_DISK;

    private final Map<String, Long> counts = new TreeMap<>();

    @Override
    public void onEvent(TraceEvent e) {
        if (e.kind() == EventKind.CRASH) {
            count("crash");
        } else if (e.kind() == EventKind.RECORD && e.label() != null) {
            count(e.label());
            String d = e.detail() == null ? "" : e.detail();
            for (String field : d.split(" ")) {
                if (field.startsWith("reason=")) count(e.label() + ":" + field.substring(7));
                if (field.startsWith("event=")) count("event:" + field.substring(6));
                if (field.startsWith("retry=") && !field.equals("retry=0")) count(e.label() + ":retry");
            }
        }
    }

    private void count(String probe) {
        counts.merge(probe, 1L, Long::sum);
    }

    void assertReached(List<String> required) {
        System.out.println("probes: " + counts);
        assertThat(required).as("rare branches never taken in the sweep (counts: %s)", counts)
                .allSatisfy(p -> assertThat(counts.getOrDefault(p, 0L)).as(p).isPositive());
    }
}
