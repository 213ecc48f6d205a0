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
 *                  went missing, or an install was cut by a crash. A damaged replica must not vote
 *                  (grant promises) for this object until an owner re-installs its log
 * @param damage    why it is damaged (empty when not)
 *
 * <p>A damaged state vouches for no log: {@code logEpoch} is ZERO and there are no batches;
 * {@code promised} is the recorded promise when it is still readable (ZERO when the record itself
 * is lost, e.g. a corrupt state file or a lost disk).
 */
public record ReplicaState(Epoch promised, Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries,
                           boolean damaged, String damage) {
    public ReplicaState {
        entries = List.copyOf(entries);
        long expected = snapshot.map(Snapshot::seq).orElse(0L) + 1;
        for (LogEntry e : entries) {
            if (e.seq() != expected) {
                throw new IllegalStateException("replica batches not consecutive: expected " + expected + ", got " + e.seq());
            }
            expected++;
        }
    }

    /** A replica that never heard of the object. */
    public static ReplicaState empty() {
        return new ReplicaState(Epoch.ZERO, Epoch.ZERO, Optional.empty(), List.of(), false, "");
    }

    public long lastSeq() {
        return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
    }
}
