package dev.duro.runtime.replication;

import dev.duro.model.world.NodeId;

/**
 * What an owner handle knows about one replica of its object under its current epoch. Reset on
 * every new epoch: nothing a replica said to an earlier epoch counts for this one.
 */
final class Peer {
    final NodeId node;

    /** The replica holds this owner's log under this epoch (an install was acknowledged). */
    boolean installed;
    /** Highest seq durable on the replica under this epoch; -1 unknown. Counted for the append quorum. */
    long acked = -1;
    /** Highest seq sent to it (the stream's position; rewound on gaps). */
    long sent = -1;
    /** Highest snapshot seq durable on it; -1 none. */
    long snapshotAcked = -1;
    /** Send time of the latest lease-granting request it answered; {@link Long#MIN_VALUE} none. */
    long leaseSentNanos = Long.MIN_VALUE;
    /** The request id of the acknowledged install; older NeedInstall answers are stale. */
    long installedRequestId;
    boolean installTraced;

    /** When to retry an install or catch-up that got no answer; doubles while the replica stays silent. */
    long retryAtNanos;
    long retryGapNanos;
    long lastCatchUpNanos = NEVER;
    long snapshotSentNanos = NEVER;
    long installSentNanos = NEVER;

    /** "Long ago" for send times: far enough back that {@code now - NEVER} neither overflows nor looks recent. */
    static final long NEVER = Long.MIN_VALUE / 4;

    Peer(NodeId node) {
        this.node = node;
    }

    void reset(long resendNanos) {
        installed = false;
        acked = -1;
        sent = -1;
        snapshotAcked = -1;
        leaseSentNanos = Long.MIN_VALUE;
        installedRequestId = 0;
        installTraced = false;
        retryAtNanos = 0;
        retryGapNanos = resendNanos;
        lastCatchUpNanos = NEVER;
        snapshotSentNanos = NEVER;
        installSentNanos = NEVER;
    }

    /** The replica answered: it is reachable, so retries go back to the short gap. */
    void heard(long resendNanos) {
        retryGapNanos = resendNanos;
    }

    /** An unanswered retry: wait longer next time (a replica that is down costs little). */
    void backOff(long nowNanos, long capNanos) {
        retryAtNanos = nowNanos + retryGapNanos;
        retryGapNanos = Math.min(capNanos, retryGapNanos * 2);
    }
}
