package dev.duro.runtime.log;

import dev.duro.runtime.PlantedBug;

import java.util.Set;

/**
 * Settings of a {@link DiskLogStore}.
 *
 * @param retentionMillis how long (by the entries' wall times) batches and snapshots stay
 *     available to {@link ObjectLog#recoverAt} after a later snapshot made them unnecessary for
 *     {@link ObjectLog#recover}
 * @param segmentBytes a segment file is closed for appends once it reaches this size; the next
 *     batch starts a new one (one batch may overshoot). Snapshots also start a new segment.
 * @param plantedBugs bugs to plant, for tests that prove the checkers catch them; empty in
 *     production. The log reacts to {@link PlantedBug#LOG_ACK_BEFORE_FSYNC} (acknowledges before
 *     the fsync) and {@link PlantedBug#NO_CHECKSUM} (reads records and snapshots without checking
 *     their CRC, so damaged ones are served as valid; meant for replica stores).
 */
public record LogOptions(long retentionMillis, long segmentBytes, Set<PlantedBug> plantedBugs) {
    public static final long DEFAULT_RETENTION_MILLIS = 30L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

    public LogOptions {
        if (retentionMillis < 0) throw new IllegalArgumentException("retentionMillis must be >= 0, got " + retentionMillis);
        if (segmentBytes < 1) throw new IllegalArgumentException("segmentBytes must be >= 1, got " + segmentBytes);
        plantedBugs = Set.copyOf(plantedBugs);
    }

    /** 30 days of retention, 16 MiB segments, no planted bugs. */
    public static LogOptions defaults() {
        return new LogOptions(DEFAULT_RETENTION_MILLIS, DEFAULT_SEGMENT_BYTES, Set.of());
    }

    public LogOptions withRetentionMillis(long millis) {
        return new LogOptions(millis, segmentBytes, plantedBugs);
    }

    public LogOptions withSegmentBytes(long bytes) {
        return new LogOptions(retentionMillis, bytes, plantedBugs);
    }

    public LogOptions withPlantedBugs(Set<PlantedBug> bugs) {
        return new LogOptions(retentionMillis, segmentBytes, bugs);
    }

    public boolean planted(PlantedBug bug) {
        return plantedBugs.contains(bug);
    }
}
