package dev.duro.sim.disk;

/** The faults a {@link SimDiskDevice} injects; each is counted in {@link DiskStats} and traced. */
public enum DiskFaultKind {
    /** A read threw {@code IO_ERROR} (random or by a nemesis rule). */
    READ_ERROR,
    /** A write was refused with {@code NO_SPACE} (capacity reached or disk set full). */
    NO_SPACE,
    /** A file or directory sync completed with {@code IO_ERROR}. */
    SYNC_FAILURE,
    /** A sync took much longer than usual (random slow sync or a nemesis slow-fsync window). */
    SLOW_SYNC,
    /** One bit of durable data flipped. */
    BIT_FLIP,
    /** At a crash, an unsynced write was partly applied at sector granularity. */
    TORN_WRITE,
    /** At a crash, a sector persisted by a torn write held garbage. */
    CORRUPT_SECTOR,
    /** The whole disk was lost while its node was down (every file gone). */
    LOST_DISK
}
