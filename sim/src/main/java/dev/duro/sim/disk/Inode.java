package dev.duro.sim.disk;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A file or directory of the device, with a volatile state (what the node sees) and a durable
 * state (what survives a crash). Mutable; owned by {@link SimDiskDevice}.
 */
abstract sealed class Inode permits Inode.FileInode, Inode.DirInode {
    /** Allocation order; never reused, so ordering by id is deterministic. */
    final long id;

    Inode(long id) {
        this.id = id;
    }

    /**
     * A directory: its volatile entries and the entries its last completed directory sync made
     * durable. Versions order overlapping directory syncs: a sync applies its snapshot only if no
     * later snapshot has been applied already.
     */
    static final class DirInode extends Inode {
        final TreeMap<String, Inode> entries = new TreeMap<>();
        final TreeMap<String, Inode> durableEntries = new TreeMap<>();
        long version;
        long durableVersion;

        DirInode(long id) {
            super(id);
        }
    }

    /**
     * A file. Its durable content is a jimfs file; its volatile content is a second jimfs file,
     * created on the first change after a crash (until then reads go to the durable file). The
     * unsynced changes are also kept as an ordered op log, which is what syncs apply to the durable
     * file and what the crash model tears.
     */
    static final class FileInode extends Inode {
        final Path durablePath;
        final FileChannel durable;
        Path volatilePath;
        FileChannel volatileChannel;
        long durableSize;
        long volatileSize;
        /** Unsynced changes in issue order. */
        final List<PendingOp> pending = new ArrayList<>();
        /** The last name given to this file, for trace messages only. */
        String lastPath;
        int volatileLinks;
        int durableLinks;
        int openHandles;
        /** Failed syncs so far: a sync in flight across a failure fails too (Linux reports the error to each). */
        long syncFailures;
        /** Pending directory-sync snapshots that name this file. */
        int snapshotRefs;

        FileInode(long id, Path durablePath, FileChannel durable, String path) {
            super(id);
            this.durablePath = durablePath;
            this.durable = durable;
            this.lastPath = path;
        }

        boolean referenced() {
            return volatileLinks > 0 || durableLinks > 0 || openHandles > 0 || snapshotRefs > 0;
        }
    }

    /** An unsynced change to a file; {@code seq} is device-wide issue order. */
    sealed interface PendingOp permits Write, Truncate {
        long seq();
    }

    record Write(long seq, long position, byte[] bytes) implements PendingOp {}

    record Truncate(long seq, long size) implements PendingOp {}
}
