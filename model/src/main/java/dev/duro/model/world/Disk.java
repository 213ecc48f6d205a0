package dev.duro.model.world;

import dev.duro.model.async.Promise;
import java.util.List;

/**
 * A node's disk: files with explicit durability.
 *
 * <p>Paths are relative, '/'-separated names ({@code "objects/ab12/log"}); no '..', no leading '/'.
 *
 * <p><b>Durability contract.</b> Writes go to a volatile cache and are visible to reads at once.
 * Only bytes covered by a completed {@link DiskFile#sync()} survive a crash. A file created,
 * renamed or deleted survives a crash in its new state only after {@link #syncDirectory(String)}
 * of its parent directory completed. On a crash, unsynced writes are lost; where the fault model
 * allows it, they may instead be partly applied (torn at sector granularity) or corrupted, so
 * data that must be trusted carries its own checksums. Synced data may be hit by bit flips or read
 * errors under disk faults; such faults are reported by checksums or as {@link DiskException}s,
 * never hidden by the disk.
 *
 * <p><b>Errors.</b> Every operation may throw {@link DiskException} (read error, no space, missing
 * file). A failed write leaves the file as if the write had not been issued or partially issued;
 * callers treat the file's tail as untrusted after one.
 */
public interface Disk {
    /** Opens an existing file, or creates it when {@code create} is true. */
    DiskFile open(String path, boolean create);

    boolean exists(String path);

    /** Names (not paths) of the entries directly under {@code dir}, sorted; empty when absent. */
    List<String> list(String dir);

    /** Creates the directory and its parents if missing; durable after the parent's directory sync. */
    void createDirectories(String dir);

    /** Deletes a file if present; durable after the parent's directory sync. */
    void delete(String path);

    /** Atomically replaces {@code to} with {@code from}; durable after the parent's directory sync. */
    void rename(String from, String to);

    /** Makes the directory's entries (creates, renames, deletes) durable. */
    Promise<Void> syncDirectory(String dir);
}
