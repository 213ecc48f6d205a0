package dev.duro.runtime.log;

import dev.duro.model.async.Promise;

/**
 * One object's log: commit batches in sequence order plus snapshots of the state after a batch.
 * All methods are called on the node's loop; every promise completes on it.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #append} takes batches with consecutive sequence numbers (first = 1 after the
 *       recovered state's last). Its promise completes only when the batch is durable (fsynced on
 *       one node, quorum-acknowledged in a cluster); it fails if the batch may not be. A batch is
 *       atomic: recovery returns it whole or not at all (checksums, torn tails cut).</li>
 *   <li>{@link #recover} returns the latest durable snapshot and every durable batch after it, in
 *       order. Appends must not be in flight during recovery.</li>
 *   <li>Snapshots let the log drop batches older than both the snapshot and the retention window;
 *       batches and snapshots inside the window are kept for point-in-time recovery.</li>
 * </ul>
 */
public interface ObjectLog {
    Promise<Recovery> recover();

    Promise<Void> append(LogEntry entry);

    /** Stores a snapshot of the state right after batch {@code snapshot.seq()}; durable when the promise completes. */
    Promise<Void> snapshot(Snapshot snapshot);

    /**
     * The state as of batch {@code seq} (inclusive), for point-in-time recovery: the latest retained
     * snapshot at or before {@code seq} and the batches after it up to {@code seq}. Fails if the
     * window no longer holds it.
     */
    Promise<Recovery> recoverAt(long seq);

    /** Deletes everything (the object is gone); durable when the promise completes. */
    Promise<Void> destroy();
}
