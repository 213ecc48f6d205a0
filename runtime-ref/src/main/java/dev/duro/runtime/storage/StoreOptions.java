package dev.duro.runtime.storage;

/**
 * Per-object limits and policies of an {@link ObjectStore}.
 *
 * @param sizeLimitBytes       the database may not grow past this many bytes (page count times page size)
 * @param retentionMillis      how far back point-in-time recovery reaches
 * @param alarmsAllowed        whether the object's class has an alarm handler ({@code setAlarm} fails otherwise)
 * @param snapshotEveryBatches take a snapshot after this many batches since the last one; 0 = never
 */
public record StoreOptions(long sizeLimitBytes, long retentionMillis, boolean alarmsAllowed, int snapshotEveryBatches) {
    public static final long DEFAULT_SIZE_LIMIT_BYTES = 10L * 1000 * 1000 * 1000;
    public static final long DEFAULT_RETENTION_MILLIS = 30L * 24 * 60 * 60 * 1000;
    public static final int DEFAULT_SNAPSHOT_EVERY_BATCHES = 256;

    public StoreOptions {
        if (sizeLimitBytes <= 0) throw new IllegalArgumentException("sizeLimitBytes must be > 0, was " + sizeLimitBytes);
        if (retentionMillis < 0) throw new IllegalArgumentException("retentionMillis must be >= 0, was " + retentionMillis);
        if (snapshotEveryBatches < 0) {
            throw new IllegalArgumentException("snapshotEveryBatches must be >= 0, was " + snapshotEveryBatches);
        }
    }

    /** 10 GB, 30 days, a snapshot every 256 batches. */
    public static StoreOptions defaults(boolean alarmsAllowed) {
        return new StoreOptions(DEFAULT_SIZE_LIMIT_BYTES, DEFAULT_RETENTION_MILLIS, alarmsAllowed, DEFAULT_SNAPSHOT_EVERY_BATCHES);
    }

    public StoreOptions withSizeLimitBytes(long bytes) {
        return new StoreOptions(bytes, retentionMillis, alarmsAllowed, snapshotEveryBatches);
    }

    public StoreOptions withRetentionMillis(long millis) {
        return new StoreOptions(sizeLimitBytes, millis, alarmsAllowed, snapshotEveryBatches);
    }

    public StoreOptions withSnapshotEveryBatches(int batches) {
        return new StoreOptions(sizeLimitBytes, retentionMillis, alarmsAllowed, batches);
    }
}
