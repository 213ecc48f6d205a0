package dev.duro.runtime.log;

import java.util.List;
import java.util.Optional;

/**
 * What recovery found: the latest snapshot (if any) and the batches after it, in order with
 * consecutive sequence numbers; plus the (seq, wall time) marks of every batch still retained, for
 * bookmarks.
 */
public record Recovery(Optional<Snapshot> snapshot, List<LogEntry> entries, List<Mark> retained) {
    public Recovery {
        entries = List.copyOf(entries);
        retained = List.copyOf(retained);
        long expected = snapshot.map(Snapshot::seq).orElse(0L) + 1;
        for (LogEntry e : entries) {
            if (e.seq() != expected) {
                throw new IllegalStateException("recovered batches are not consecutive: expected " + expected + ", got " + e.seq());
            }
            expected++;
        }
    }

    /** The sequence number of the last batch the recovered state includes (0 for empty). */
    public long lastSeq() {
        return entries.isEmpty() ? snapshot.map(Snapshot::seq).orElse(0L) : entries.getLast().seq();
    }

    /** A retained batch: its sequence number and the wall time it was sealed at. */
    public record Mark(long seq, long wallMillis) {
    }
}
