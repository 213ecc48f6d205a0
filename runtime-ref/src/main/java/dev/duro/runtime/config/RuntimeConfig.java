package dev.duro.runtime.config;

import dev.duro.runtime.PlantedBug;

import java.util.EnumSet;
import java.util.Set;

/**
 * How a node runs objects. Defaults follow SEMANTICS.md; every number is a setting.
 *
 * @param evictIdleMinMs          an idle object is evicted after a draw in [min, max] ms without work
 * @param evictIdleMaxMs          see {@code evictIdleMinMs}
 * @param hibernateIdleMs         an object whose only open work is accepted WebSockets is evicted after this
 * @param blockConcurrencyTimeoutMs {@code blockConcurrencyWhile} resets the object after this
 * @param alarmRetryInitialMs     first alarm retry delay; doubles per retry, with jitter
 * @param alarmMaxRetries         retries after the first failed attempt
 * @param maxQueuedEvents         requests waiting for one object before new ones fail as overloaded
 * @param storageSizeLimitBytes   per-object database size limit
 * @param retentionMillis         point-in-time-recovery window
 * @param snapshotEveryBatches    the storage engine snapshots after this many batches
 * @param plantedBugs             bugs switched on for testbed self-tests; empty in production
 * @param maxQueuedBytes          request body bytes waiting for one object before new requests fail as overloaded
 */
public record RuntimeConfig(
        long evictIdleMinMs,
        long evictIdleMaxMs,
        long hibernateIdleMs,
        long blockConcurrencyTimeoutMs,
        long alarmRetryInitialMs,
        int alarmMaxRetries,
        int maxQueuedEvents,
        long storageSizeLimitBytes,
        long retentionMillis,
        int snapshotEveryBatches,
        Set<PlantedBug> plantedBugs,
        long maxQueuedBytes) {

    /** 16 MiB of request bodies waiting per object. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 16L * 1024 * 1024;

    public RuntimeConfig {
        if (evictIdleMinMs <= 0 || evictIdleMaxMs < evictIdleMinMs) {
            throw new IllegalArgumentException("need 0 < evictIdleMinMs <= evictIdleMaxMs");
        }
        if (hibernateIdleMs <= 0 || blockConcurrencyTimeoutMs <= 0 || alarmRetryInitialMs <= 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (alarmMaxRetries < 0 || maxQueuedEvents < 1 || storageSizeLimitBytes < 1 || snapshotEveryBatches < 1) {
            throw new IllegalArgumentException("alarmMaxRetries >= 0, maxQueuedEvents >= 1, storageSizeLimitBytes >= 1, snapshotEveryBatches >= 1");
        }
        if (maxQueuedBytes < 1) throw new IllegalArgumentException("maxQueuedBytes >= 1");
        plantedBugs = plantedBugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(plantedBugs));
    }

    /** Without {@code maxQueuedBytes}: the default, {@link #DEFAULT_MAX_QUEUED_BYTES}. */
    public RuntimeConfig(long evictIdleMinMs, long evictIdleMaxMs, long hibernateIdleMs, long blockConcurrencyTimeoutMs,
                         long alarmRetryInitialMs, int alarmMaxRetries, int maxQueuedEvents, long storageSizeLimitBytes,
                         long retentionMillis, int snapshotEveryBatches, Set<PlantedBug> plantedBugs) {
        this(evictIdleMinMs, evictIdleMaxMs, hibernateIdleMs, blockConcurrencyTimeoutMs, alarmRetryInitialMs,
                alarmMaxRetries, maxQueuedEvents, storageSizeLimitBytes, retentionMillis, snapshotEveryBatches,
                plantedBugs, DEFAULT_MAX_QUEUED_BYTES);
    }

    public static RuntimeConfig defaults() {
        return new RuntimeConfig(70_000, 140_000, 10_000, 30_000, 2_000, 6, 1_000,
                10L * 1024 * 1024 * 1024, 30L * 24 * 3600 * 1000, 64, Set.of(), DEFAULT_MAX_QUEUED_BYTES);
    }

    public boolean has(PlantedBug bug) {
        return plantedBugs.contains(bug);
    }

    public RuntimeConfig withPlantedBugs(Set<PlantedBug> bugs) {
        return new RuntimeConfig(evictIdleMinMs, evictIdleMaxMs, hibernateIdleMs, blockConcurrencyTimeoutMs,
                alarmRetryInitialMs, alarmMaxRetries, maxQueuedEvents, storageSizeLimitBytes, retentionMillis,
                snapshotEveryBatches, bugs, maxQueuedBytes);
    }

    public RuntimeConfig withMaxQueued(int events, long bytes) {
        return new RuntimeConfig(evictIdleMinMs, evictIdleMaxMs, hibernateIdleMs, blockConcurrencyTimeoutMs,
                alarmRetryInitialMs, alarmMaxRetries, events, storageSizeLimitBytes, retentionMillis,
                snapshotEveryBatches, plantedBugs, bytes);
    }
}
