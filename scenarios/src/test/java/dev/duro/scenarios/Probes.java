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
 * paths it claims to test were taken. Counts node crashes, harness notes by label
 * ({@code note:disk-lost}), and for each runtime record its kind and its {@code reason=} /
 * {@code event=} value, plus alarm retries and outputs under a fence.
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

    /** Branches a cluster sweep must reach: failovers, fencing, installs and repairs, lease loss, lost disks. */
    static final List<String> IN_A_CLUSTER = List.of(
            "crash",
            "obj-recover-end",
            "output:fenced",                 // outputs under a replication fence (P3 judged something)
            "repl-won",                      // an owner won an epoch from a majority
            "repl-install",                  // ... and installed the adopted log on replicas
            "repl-fenced",                   // a deposed owner found a newer epoch and stopped
            "repl-lease-lost",               // an owner's lease ran out: outputs waited for a renewal
            "repl-damaged",                  // a replica found its copy damaged (bit flips, cut installs, lost disk)
            "repl-repaired",                 // ... and an owner's install repaired it
            "repl-disk-lost",                // a node came back on a blank disk
            "fd-suspect",                    // failovers: a member was suspected ...
            "fd-trust",                      // ... and trusted again
            "cluster-sweep",                 // ownership sweeps activated objects after a change of view
            "note:disk-lost",                // the nemesis wiped the faulty-disk node while it was down
            "note:disk-bit-flip",            // ... flipped bits in its synced data
            "event:alarm",
            "alarm-done",
            "event:ws-message");
    static final List<String> IN_A_CLUSTER_UNDER_ALL_FAULTS = IN_A_CLUSTER;

    /** Branches the default sweep's fault profiles must reach: the deep profile's composed strikes, failovers, fencing, lease loss. */
    static final List<String> IN_A_CLUSTER_UNDER_PROFILES = List.of(
            "note:deep-strike",              // the deep profile isolated an owner with one replica, then crashed it
            "repl-won",
            "repl-fenced",
            "repl-lease-lost");

    private final Map<String, Long> counts = new TreeMap<>();

    @Override
    public void onEvent(TraceEvent e) {
        if (e.kind() == EventKind.CRASH) {
            count("crash");
        } else if (e.kind() == EventKind.NOTE && e.label() != null) {
            count("note:" + e.label());
        } else if (e.kind() == EventKind.RECORD && e.label() != null) {
            count(e.label());
            String d = e.detail() == null ? "" : e.detail();
            for (String field : d.split(" ")) {
                if (field.startsWith("reason=")) count(e.label() + ":" + field.substring(7));
                if (field.startsWith("event=")) count("event:" + field.substring(6));
                if (field.startsWith("retry=") && !field.equals("retry=0")) count(e.label() + ":retry");
                if (field.startsWith("fence=") && e.label().equals("obj-output")) count("output:fenced");
            }
        }
    }

    private void count(String probe) {
        counts.merge(probe, 1L, Long::sum);
    }

    void assertReached(List<String> required) {
        assertThat(required).as("rare branches never taken in the sweep (counts: %s)", counts)
                .allSatisfy(p -> assertThat(counts.getOrDefault(p, 0L)).as(p).isPositive());
    }
}
