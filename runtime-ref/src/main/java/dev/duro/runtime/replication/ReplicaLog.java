package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Snapshot;

import java.util.List;
import java.util.Optional;

/**
 * One object's replica on this node's disk. Every mutating call completes only when its effect is
 * durable (fsynced, directory entries included) and fails if it may not be; calls run one at a
 * time in call order. All on the node's loop. A crash at any instant leaves either the old state
 * or the new state; {@link ReplicaState#damaged()} is reserved for real damage (a checksum, lost
 * synced data, a lost state file or disk), never a different log that looks healthy.
 *
 * <p>Consecutive appends may be written together (the disk store group-commits them); their
 * promises still complete in call order, and any other call waits for them. When a call fails,
 * the mutating calls queued behind it fail too, without running (they were queued on its
 * effect); a caller reloads before it writes again. A mutating call fails
 * with {@code DuroException(UNAVAILABLE)} when the disk is full (nothing changed), and a failed
 * fsync ends the process (fail-stop). {@link DiskReplicaStore} is the disk implementation
 * (docs/replica-store.md).
 */
public interface ReplicaLog {
    /**
     * Reads and verifies everything (checksums); unknown object = {@link ReplicaState#empty()}.
     * Damage (a checksum, synced data missing, a lost state file, a lost disk) is a successful load with
     * {@link ReplicaState#damaged()}; only read errors fail it.
     */
    Promise<ReplicaState> load();

    /** Records {@code epoch} as promised (it must be after the current promise). */
    Promise<Void> promise(Epoch epoch);

    /**
     * Replaces the whole log by {@code snapshot} + {@code entries} as written by the owner of
     * {@code logEpoch} (also promising it if it is newer), and clears the damaged mark. A crash
     * leaves the old log or the new one, never damage.
     */
    Promise<Void> install(Epoch logEpoch, Optional<Snapshot> snapshot, List<LogEntry> entries);

    /**
     * Moves the log, unchanged, from the owner of {@code from} to the newer owner of {@code to}
     * (also promising {@code to} if it is newer): the caller knows the log is a prefix of the one
     * {@code to}'s owner adopted from {@code from}'s, through batch {@code adoptedSeq}
     * (docs/cluster.md, "Relabel"). Fails unless the current log epoch is {@code from} and the log
     * ends at {@code adoptedSeq}: a log labelled {@code to} must hold all that {@code to} adopted.
     * One atomic write: a crash leaves the old label or the new one.
     */
    Promise<Void> relabel(Epoch from, Epoch to, long adoptedSeq);

    /**
     * Appends the next batch ({@code entry.seq() == lastSeq + 1}) written by the owner of
     * {@code logEpoch}, which must equal the current log epoch (an owner installs first).
     * Completes only once the batch is durable and any later loss of it (even of the last records,
     * which no later record vouches for) would load as damage, never as a shorter healthy log.
     */
    Promise<Void> append(Epoch logEpoch, LogEntry entry);

    /** Stores a snapshot at or before the last batch and drops batches the retention window no longer needs. */
    Promise<Void> snapshot(Snapshot snapshot);

    /** The state as of batch {@code seq} for point-in-time recovery, if still retained. */
    Promise<dev.duro.runtime.log.Recovery> recoverAt(long seq);

    /**
     * Nobody uses this replica now (its server forgot the idle object): give back open file
     * handles once the calls queued before this one are done, if nothing is in flight then; any
     * later call loads the replica again first. Never changes what is on disk.
     */
    default void releaseHandles() {
    }
}
