package dev.duro.runtime.replication;

import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Snapshot;

import java.util.List;
import java.util.Optional;

/**
 * What one replica durably holds for one object, as {@link ReplicaLog#load()} found it.
 *
 * @param promised  the highest epoch this replica promised (it rejects older writers); ZERO if none
 * @param logEpoch  the epoch of the owner that last installed or appended this log (VR's "last
 *                  normal view"): recovery adopts the log with the highest (logEpoch, lastSeq)
 * @param snapshot  the latest snapshot, if any
 * @param entries   the batches after the snapshot, consecutive
 * @param damaged   true when the replica cannot vouch for its log: a checksum failed, synced data
 *                  went missing, or its state file or disk was lost. A damaged replica must not vote
 *                  (grant promises) for this object until an owner re-installs its log
 * @param damage    why it is damaged (empty when not)
 * @param promiseLost true when the replica cannot tell what it promised (its disk or its state
 *                  file was lost or is unreadable): {@code promised} is then only a lower bound, and
 *                  the replica must learn the real one from its peers before it accepts any write
 *                  (docs/cluster.md, "Amnesia"). Implies {@code damaged}
 *
 * <p>A damaged state vouches for no log: {@code logEpoch} is ZERO and there are no batches;
 * {@code promised} is the recorded promise when it is still readable (ZERO when the record itself
 * is lost, e.g. a corrupt state file or a lost disk).
 */
public record ReplicaState(Epoch promised, Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries,
                           boolean damaged, String damage, boolean promiseLost) {
    public ReplicaState {
        if (promiseLost && !damaged) throw new IllegalArgumentException("a replica that lost its promise is damaged");
        entries = List.copyOf(entries);
        long expected = snapshot.map(Snapshot::seq).orElse(0L) + 1;
        for (LogEntry e : entries) {
            if (e.seq() != expected) {
                throw new IllegalStateException("replica batches not consecutive: expected " + expected + ", got " + e.seq());
            }
            expected++;
        }
    }

    /** A state whose promise is known. */
    public ReplicaState(Epoch promised, Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries, boolean damaged,
                        String damage) {
        this(promised, logEpoch, snapshot, entries, damaged, damage, false);
    }

    /** A replica that never heard of the object. */
    public static ReplicaState empty() {
        return new ReplicaState(Epoch.ZERO, Epoch.ZERO, Optional.empty(), List.of(), false, "");
    }

    public long lastSeq() {
        return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
    }
}
