package dev.duro.runtime.replication;

import dev.duro.runtime.config.ClusterConfig;

/**
 * The replication protocol's clocks, all derived from the cluster's lease length L and drift
 * bound ε (docs/cluster.md, "Leases"). Nanoseconds of a node's monotonic clock.
 *
 * @param leaseNanos        L: a replica grants no other epoch for this long after answering an owner
 * @param ownerLeaseNanos   what the owner may count on from the send time of a request a majority
 *                          answered: L·(1−2ε) − margin (margin = L/20 covers the scheduling delay
 *                          between reading the clock and the output leaving)
 * @param renewNanos        an active owner renews this often (L/3): two renewals may be lost
 *                          before the lease runs out
 * @param startupQuietNanos a restarted replica grants nothing for L·(1+ε): it forgot its leases
 * @param resendNanos       an unanswered request is sent again after this long
 * @param attemptNanos      one try to win an epoch (prepare, fetch, install) gives up after this long
 * @param maxAttempts       tries before recovery fails with UNAVAILABLE
 * @param backoffBaseNanos  the first pause between tries; it doubles up to {@code backoffCapNanos}
 * @param idleEvictNanos    a replica forgets an idle object's cached state after this long
 */
public record Timing(long leaseNanos, long ownerLeaseNanos, long renewNanos, long startupQuietNanos, long resendNanos,
                     long attemptNanos, int maxAttempts, long backoffBaseNanos, long backoffCapNanos, long idleEvictNanos) {
    private static final long MILLI = 1_000_000L;

    public Timing {
        if (ownerLeaseNanos <= 0 || ownerLeaseNanos >= leaseNanos) {
            throw new IllegalArgumentException("the owner's lease must be positive and shorter than the replicas' (" + ownerLeaseNanos
                    + " vs " + leaseNanos + " ns)");
        }
        if (resendNanos <= 0 || attemptNanos <= resendNanos || maxAttempts < 1) {
            throw new IllegalArgumentException("need resendNanos > 0, attemptNanos > resendNanos and maxAttempts >= 1");
        }
    }

    /**
     * How long after it starts a replica that lost its promise waits before asking its peers for it
     * (docs/cluster.md, "Amnesia"): longer, with room for drift and a late tick, than any election
     * try that might have counted a vote it gave before it forgot (a try's prepare step ends within
     * {@link #attemptNanos} plus one tick).
     */
    public long amnesiaWaitNanos() {
        return 2 * (attemptNanos + resendNanos);
    }

    public static Timing of(ClusterConfig c) {
        long lease = c.leaseMillis() * MILLI;
        double eps = c.driftBoundPpm() / 1_000_000.0;
        long owner = (long) (lease * (1 - 2 * eps)) - lease / 20;
        long startup = (long) Math.ceil(lease * (1 + eps));
        long resend = Math.max(MILLI, Math.min(50 * MILLI, lease / 16));
        // Enough tries to outlast a deposed owner's lease plus a restarted replica's quiet period.
        return new Timing(lease, owner, lease / 3, startup, resend, 4 * resend, 10, resend / 2, lease / 2, 4 * lease);
    }
}
