package dev.duro.sim.disk;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of one {@link SimDiskDevice} over its whole life (all incarnations), for run reports.
 *
 * @param bytesWritten bytes passed to successful writes
 * @param writes successful write calls
 * @param bytesSynced bytes of writes made durable by completed file syncs
 * @param syncs file syncs issued
 * @param directorySyncs directory syncs issued
 * @param lostWrites unsynced writes dropped whole by crashes or failed syncs
 * @param crashes crashes applied
 * @param faults injected faults per kind (every kind present, in declaration order)
 */
public record DiskStats(
        long bytesWritten,
        long writes,
        long bytesSynced,
        long syncs,
        long directorySyncs,
        long lostWrites,
        long crashes,
        Map<DiskFaultKind, Long> faults) {

    public DiskStats {
        EnumMap<DiskFaultKind, Long> copy = new EnumMap<>(DiskFaultKind.class);
        for (DiskFaultKind kind : DiskFaultKind.values()) copy.put(kind, faults.getOrDefault(kind, 0L));
        faults = Collections.unmodifiableMap(copy);
    }

    public long faults(DiskFaultKind kind) {
        return faults.get(kind);
    }
}
