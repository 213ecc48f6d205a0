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

    /**
     * An idle log gives back what it holds open (file handles): true if it did, false if work is
     * in flight (nothing changed; try later). A released log is as after a restart: {@link
     * #recover()} before anything else. Handles otherwise stay open for the life of the process,
     * one set per object ever touched, until the node runs out of descriptors.
     */
    default boolean releaseHandles() {
        return false;
    }

    // ------------------------------------------------------------ fencing and leases (cluster)

    /**
     * The fencing epoch this log's writer holds, as traces print it: {@code -} on a single node
     * (no fencing), {@code <round>.<node>.<nonce>} in a cluster (compared in that order).
     */
    default String fence() {
        return "-";
    }

    /**
     * True while the writer may let outputs leave without asking anyone: always on a single node;
     * in a cluster while its lease from a majority of replicas is valid on its own clock, minus the
     * drift bound (docs/cluster.md, "leases"). Checked by the host before every output.
     */
    default boolean outputAllowed() {
        return true;
    }

    /**
     * Completes once {@link #outputAllowed()} holds again (the log renews its lease); fails, with a
     * {@link dev.duro.model.object.DuroException} of code RESET, when the writer lost its epoch to
     * another owner, after which the activation must reset before it produces any output.
     * Only called while {@link #outputAllowed()} is false.
     */
    default Promise<Void> awaitOutputAllowed() {
        throw new IllegalStateException("a log without leases always allows output");
    }

    /**
     * The activation that opened this handle ended (its store closed): stop renewing leases and
     * release what the handle holds. The handle is not used again; the next activation opens a new
     * one. Appends still in flight may complete or fail.
     */
    default void close() {
    }
}
