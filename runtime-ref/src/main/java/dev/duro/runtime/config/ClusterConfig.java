package dev.duro.runtime.config;

import dev.duro.model.world.NodeId;

import java.util.List;

/**
 * The static cluster: which nodes run objects, how many replicas each object's log has, and the
 * timing that safety and failover rest on. Every node and every client of a cluster must use the
 * same value (docs/cluster.md).
 *
 * @param members           the runtime nodes, in index order (clients are not members)
 * @param replicas          replicas per object log: 1, 3 or 5 (tolerates ⌊(replicas−1)/2⌋ faulty)
 * @param leaseMillis       an owner's lease: replicas promise no other epoch for this long after
 *                          granting, on their own clocks
 * @param driftBoundPpm     the assumed bound ε on clock rate differences between nodes, in parts
 *                          per million; leases are shortened by it. A run that drifts more breaks
 *                          single activation (P3) on purpose
 * @param heartbeatMillis   failure-detector heartbeat period
 * @param suspectAfterMillis a member silent this long is suspected down
 */
public record ClusterConfig(List<NodeId> members, int replicas, long leaseMillis, long driftBoundPpm,
                            long heartbeatMillis, long suspectAfterMillis) {
    public ClusterConfig {
        members = List.copyOf(members);
        if (members.isEmpty()) throw new IllegalArgumentException("a cluster needs at least one member");
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i - 1).compareTo(members.get(i)) >= 0) {
                throw new IllegalArgumentException("members must be distinct and in index order: " + members);
            }
        }
        if (replicas != 1 && replicas != 3 && replicas != 5) {
            throw new IllegalArgumentException("replicas must be 1, 3 or 5, got " + replicas);
        }
        if (replicas > members.size()) {
            throw new IllegalArgumentException(replicas + " replicas need at least as many members, got " + members.size());
        }
        if (leaseMillis <= 0 || heartbeatMillis <= 0 || suspectAfterMillis <= heartbeatMillis) {
            throw new IllegalArgumentException("need leaseMillis > 0, heartbeatMillis > 0, suspectAfterMillis > heartbeatMillis");
        }
        if (driftBoundPpm < 0 || driftBoundPpm >= 100_000) {
            throw new IllegalArgumentException("driftBoundPpm must be in [0, 100000), got " + driftBoundPpm);
        }
    }

    /** Members n0..n(count−1) with the default timing: 3 replicas (1 below 3 members), 2 s leases, ε = 1000 ppm. */
    public static ClusterConfig of(int count) {
        List<NodeId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) ids.add(NodeId.of(i));
        return new ClusterConfig(ids, count >= 3 ? 3 : 1, 2_000, 1_000, 100, 600);
    }

    /** Replicas that must hold a batch before it is durable. */
    public int quorum() {
        return replicas / 2 + 1;
    }

    public boolean isMember(NodeId node) {
        return members.contains(node);
    }

    public ClusterConfig withReplicas(int count) {
        return new ClusterConfig(members, count, leaseMillis, driftBoundPpm, heartbeatMillis, suspectAfterMillis);
    }

    public ClusterConfig withLease(long millis, long driftPpm) {
        return new ClusterConfig(members, replicas, millis, driftPpm, heartbeatMillis, suspectAfterMillis);
    }
}
