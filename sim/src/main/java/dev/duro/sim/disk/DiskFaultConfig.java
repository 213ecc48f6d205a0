package dev.duro.sim.disk;

import dev.duro.model.util.Invariants;

/**
 * The swarm-chosen fault rates and timing of one {@link SimDiskDevice}. Immutable; a nemesis that
 * wants different rates mid-run calls {@link SimDiskDevice#reconfigure(DiskFaultConfig)}.
 *
 * <p>Probabilities are per operation (a read, a sync) or, for the crash-time faults, per unsynced
 * write at the crash. A probability of zero draws nothing from the entropy stream, so a config
 * that disables a fault does not shift the draws of the faults that remain on.
 *
 * @param sectorBytes granularity of torn writes and corruption: an unsynced write persists (or
 *     not) whole sectors, aligned to file offsets. A power of two, typically 512 or 4096.
 * @param syncLatencyMinNanos lower bound of the uniform latency of a file or directory sync
 * @param syncLatencyMaxNanos upper bound (inclusive) of that latency
 * @param slowSyncProbability chance that a sync takes {@code slowSyncFactor} times longer
 * @param slowSyncFactor latency multiplier of a randomly slow sync (&gt;= 1)
 * @param syncFailureProbability chance that a sync completes with {@code IO_ERROR}, dropping the
 *     unsynced writes it covered (Linux may drop dirty pages after a failed fsync)
 * @param readErrorProbability chance that a read throws {@code IO_ERROR}
 * @param tornWriteProbability at a crash, chance that an unsynced write is partly applied (a
 *     prefix or an arbitrary subset of its sectors) instead of lost
 * @param corruptSectorProbability at a crash, chance that a sector persisted by a torn write holds
 *     garbage instead of the written bytes
 * @param capacityBytes total bytes the files may occupy (sum of their sizes); a write that would
 *     grow beyond it throws {@code NO_SPACE}
 */
public record DiskFaultConfig(
        int sectorBytes,
        long syncLatencyMinNanos,
        long syncLatencyMaxNanos,
        double slowSyncProbability,
        double slowSyncFactor,
        double syncFailureProbability,
        double readErrorProbability,
        double tornWriteProbability,
        double corruptSectorProbability,
        long capacityBytes) {

    /** 100 µs to 2 ms: a fast SSD's fsync. */
    public static final long DEFAULT_SYNC_LATENCY_MIN_NANOS = 100_000L;
    public static final long DEFAULT_SYNC_LATENCY_MAX_NANOS = 2_000_000L;

    public DiskFaultConfig {
        Invariants.check(sectorBytes >= 1 && Integer.bitCount(sectorBytes) == 1,
                "sectorBytes must be a power of two, was %d", sectorBytes);
        Invariants.check(syncLatencyMinNanos >= 0 && syncLatencyMaxNanos >= syncLatencyMinNanos,
                "sync latency bounds must satisfy 0 <= min <= max, were %d..%d",
                syncLatencyMinNanos, syncLatencyMaxNanos);
        Invariants.check(slowSyncFactor >= 1.0, "slowSyncFactor must be >= 1, was %s", slowSyncFactor);
        checkProbability("slowSyncProbability", slowSyncProbability);
        checkProbability("syncFailureProbability", syncFailureProbability);
        checkProbability("readErrorProbability", readErrorProbability);
        checkProbability("tornWriteProbability", tornWriteProbability);
        checkProbability("corruptSectorProbability", corruptSectorProbability);
        Invariants.check(capacityBytes > 0, "capacityBytes must be positive, was %d", capacityBytes);
    }

    /** No faults: unsynced writes are simply lost at a crash; 4 KiB sectors; effectively unbounded space. */
    public static DiskFaultConfig none() {
        return new DiskFaultConfig(4096, DEFAULT_SYNC_LATENCY_MIN_NANOS, DEFAULT_SYNC_LATENCY_MAX_NANOS,
                0, 10, 0, 0, 0, 0, Long.MAX_VALUE);
    }

    public DiskFaultConfig withSectorBytes(int bytes) {
        return toBuilder().sectorBytes(bytes).build();
    }

    public DiskFaultConfig withSyncLatencyNanos(long minNanos, long maxNanos) {
        return toBuilder().syncLatencyNanos(minNanos, maxNanos).build();
    }

    public DiskFaultConfig withSlowSync(double probability, double factor) {
        return toBuilder().slowSync(probability, factor).build();
    }

    public DiskFaultConfig withSyncFailureProbability(double probability) {
        return toBuilder().syncFailureProbability(probability).build();
    }

    public DiskFaultConfig withReadErrorProbability(double probability) {
        return toBuilder().readErrorProbability(probability).build();
    }

    public DiskFaultConfig withTornWriteProbability(double probability) {
        return toBuilder().tornWriteProbability(probability).build();
    }

    public DiskFaultConfig withCorruptSectorProbability(double probability) {
        return toBuilder().corruptSectorProbability(probability).build();
    }

    public DiskFaultConfig withCapacityBytes(long bytes) {
        return toBuilder().capacityBytes(bytes).build();
    }

    /** A builder preset to this config, for a swarm that sets several rates at once. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable staging for a {@link DiskFaultConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int sectorBytes;
        private long syncLatencyMinNanos;
        private long syncLatencyMaxNanos;
        private double slowSyncProbability;
        private double slowSyncFactor;
        private double syncFailureProbability;
        private double readErrorProbability;
        private double tornWriteProbability;
        private double corruptSectorProbability;
        private long capacityBytes;

        private Builder(DiskFaultConfig from) {
            sectorBytes = from.sectorBytes;
            syncLatencyMinNanos = from.syncLatencyMinNanos;
            syncLatencyMaxNanos = from.syncLatencyMaxNanos;
            slowSyncProbability = from.slowSyncProbability;
            slowSyncFactor = from.slowSyncFactor;
            syncFailureProbability = from.syncFailureProbability;
            readErrorProbability = from.readErrorProbability;
            tornWriteProbability = from.tornWriteProbability;
            corruptSectorProbability = from.corruptSectorProbability;
            capacityBytes = from.capacityBytes;
        }

        public Builder sectorBytes(int bytes) {
            sectorBytes = bytes;
            return this;
        }

        public Builder syncLatencyNanos(long minNanos, long maxNanos) {
            syncLatencyMinNanos = minNanos;
            syncLatencyMaxNanos = maxNanos;
            return this;
        }

        public Builder slowSync(double probability, double factor) {
            slowSyncProbability = probability;
            slowSyncFactor = factor;
            return this;
        }

        public Builder syncFailureProbability(double probability) {
            syncFailureProbability = probability;
            return this;
        }

        public Builder readErrorProbability(double probability) {
            readErrorProbability = probability;
            return this;
        }

        public Builder tornWriteProbability(double probability) {
            tornWriteProbability = probability;
            return this;
        }

        public Builder corruptSectorProbability(double probability) {
            corruptSectorProbability = probability;
            return this;
        }

        public Builder capacityBytes(long bytes) {
            capacityBytes = bytes;
            return this;
        }

        public DiskFaultConfig build() {
            return new DiskFaultConfig(sectorBytes, syncLatencyMinNanos, syncLatencyMaxNanos, slowSyncProbability,
                    slowSyncFactor, syncFailureProbability, readErrorProbability, tornWriteProbability,
                    corruptSectorProbability, capacityBytes);
        }
    }

    private static void checkProbability(String name, double p) {
        Invariants.check(p >= 0.0 && p <= 1.0, "%s must be in [0, 1], was %s", name, p);
    }
}
