package dev.duro.sim.disk;

import dev.duro.model.util.Invariants;

/**
 * A bad region set by a nemesis: every read of a file at {@code path} (or under it, when it names
 * a directory; the empty path matches every file) that overlaps {@code [fromOffset, toOffset)}
 * throws {@code IO_ERROR}, until {@link SimDiskDevice#clearReadFaults()}. Paths are matched against
 * the name the reading handle was opened with.
 */
public record ReadFaultRule(String path, long fromOffset, long toOffset) {
    public ReadFaultRule {
        Invariants.check(path != null, "path must not be null");
        Invariants.check(0 <= fromOffset && fromOffset < toOffset,
                "need 0 <= fromOffset < toOffset, were %d..%d", fromOffset, toOffset);
    }

    /** Every read of every file fails. */
    public static ReadFaultRule everything() {
        return new ReadFaultRule("", 0, Long.MAX_VALUE);
    }

    boolean matches(String filePath, long position, int length) {
        boolean pathMatches = path.isEmpty() || filePath.equals(path) || filePath.startsWith(path + "/");
        long end = length == 0 ? position + 1 : position + length;
        return pathMatches && position < toOffset && end > fromOffset;
    }
}
