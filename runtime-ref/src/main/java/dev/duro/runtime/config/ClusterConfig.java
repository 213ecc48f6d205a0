package dev.duro.runtime.config;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.ids.ObjectIds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * @param locations         each member's location label (docs/cluster.md "Locations"), for every
 *                          member or for none (empty: a cluster without locations, as before)
 */
public record ClusterConfig(List<NodeId> members, int replicas, long leaseMillis, long driftBoundPpm,
                            long heartbeatMillis, long suspectAfterMillis, SortedMap<NodeId, String> locations) {
    public ClusterConfig {
        members = List.copyOf(members);
        // sorted, so anything iterating it (errors, docs, placement tables) sees one order
        locations = Collections.unmodifiableSortedMap(new TreeMap<>(locations == null ? Map.of() : locations));
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
        checkLocations(members, locations);
    }

    /** Without locations (every member placed by hashing alone). */
    public ClusterConfig(List<NodeId> members, int replicas, long leaseMillis, long driftBoundPpm,
                         long heartbeatMillis, long suspectAfterMillis) {
        this(members, replicas, leaseMillis, driftBoundPpm, heartbeatMillis, suspectAfterMillis, new TreeMap<>());
    }

    private static void checkLocations(List<NodeId> members, SortedMap<NodeId, String> locations) {
        if (locations.isEmpty()) return;
        for (NodeId node : locations.keySet()) {
            if (!members.contains(node)) {
                throw new IllegalArgumentException("location given for " + node + ", which is not a member of " + members);
            }
        }
        List<NodeId> missing = new ArrayList<>();
        for (NodeId m : members) if (!locations.containsKey(m)) missing.add(m);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("give every member a location or none: " + missing + " have none, "
                    + "while " + locations.keySet() + " do");
        }
        Map<Integer, String> byTag = new TreeMap<>();
        for (String label : new TreeSet<>(locations.values())) {
            try {
                ObjectIds.checkLocation(label);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad location of a member: " + e.getMessage(), e);
            }
            String clash = byTag.put(ObjectIds.locationTag(label), label);
            if (clash != null) {
                // ids carry a 2-byte tag; two labels with one tag could not be told apart by placement
                throw new IllegalArgumentException("locations '" + clash + "' and '" + label
                        + "' have the same 2-byte id tag; rename one of them");
            }
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
        return new ClusterConfig(members, count, leaseMillis, driftBoundPpm, heartbeatMillis, suspectAfterMillis, locations);
    }

    public ClusterConfig withLease(long millis, long driftPpm) {
        return new ClusterConfig(members, replicas, millis, driftPpm, heartbeatMillis, suspectAfterMillis, locations);
    }

    /**
     * The same cluster with a location label for every member (an empty map: none). Labels are 1 to
     * 32 characters of a-z, 0-9 and '-'.
     */
    public ClusterConfig withLocations(Map<NodeId, String> byMember) {
        return new ClusterConfig(members, replicas, leaseMillis, driftBoundPpm, heartbeatMillis, suspectAfterMillis,
                new TreeMap<>(byMember));
    }

    /** True when the members have locations. */
    public boolean located() {
        return !locations.isEmpty();
    }

    /** The distinct location labels, sorted (empty without locations). */
    public SortedSet<String> locationNames() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(locations.values()));
    }

    /** {@code node}'s location; empty without locations. */
    public Optional<String> locationOf(NodeId node) {
        return Optional.ofNullable(locations.get(node));
    }

    /** The members in {@code location}, in index order (empty for a location the cluster lacks). */
    public List<NodeId> membersIn(String location) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId m : members) if (location.equals(locations.get(m))) out.add(m);
        return List.copyOf(out);
    }

    /**
     * {@code hint} if it names one of this cluster's locations.
     *
     * @throws DuroException {@link ErrorCode#INVALID_LOCATION} naming the locations that exist
     */
    public String requireLocation(String hint) {
        if (hint != null && locations.containsValue(hint)) return hint;
        String known = located() ? "this cluster's locations are " + locationNames()
                : "this cluster has no locations (give none, or configure members' locations)";
        throw new DuroException(ErrorCode.INVALID_LOCATION, "unknown location hint "
                + (hint == null ? "null" : "'" + hint + "'") + ": " + known);
    }
}
