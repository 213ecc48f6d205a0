package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.ids.ObjectIds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an object's log lives: rendezvous (highest-random-weight) hashing of the object over the
 * members. Each member gets a score from SHA-256(namespace, id, member); the object's replica set
 * is the {@code replicas} highest scores, in score order, and its preferred owner is the first of
 * them the caller believes up. Adding or removing a member moves only the objects whose top
 * scores change (about replicas/n of them), which is what reconfiguration builds on.
 *
 * <p><b>Locations</b> (docs/cluster.md "Locations"): an id that carries the tag of one of the
 * cluster's locations ({@link ObjectIds#locationTagOf}) ranks that location's members first, in
 * score order, then every other member in score order. The replica set is still the first
 * {@code replicas} of the ranking, so a location with fewer members than {@code replicas} is
 * topped up from the other locations, and failover walks the location's members before leaving
 * it. An unlocated id, or a tag no location of this cluster has, ranks over all members as before.
 *
 * <p>Pure and deterministic: clients compute the same sets as nodes.
 */
public final class Placement {
    private final ClusterConfig cluster;
    /** Location tag → that location's label (empty without locations). */
    private final Map<Integer, String> locationByTag = new TreeMap<>();

    public Placement(ClusterConfig cluster) {
        this.cluster = cluster;
        for (String label : cluster.locationNames()) locationByTag.put(ObjectIds.locationTag(label), label);
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** Every member for this object: its location's members first (for a located id), each part best-scored first. */
    public List<NodeId> ranking(String namespace, ObjectId id) {
        record Scored(NodeId node, long score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (NodeId m : cluster.members()) scored.add(new Scored(m, score(namespace, id, m)));
        scored.sort(Comparator.comparingLong(Scored::score).reversed().thenComparing(Scored::node));
        List<NodeId> out = new ArrayList<>(scored.size());
        String home = locationOf(id);
        if (home != null) {
            // stable partition: the home location's members keep their score order, then the rest keep theirs
            for (Scored s : scored) if (home.equals(cluster.locations().get(s.node()))) out.add(s.node());
            for (Scored s : scored) if (!home.equals(cluster.locations().get(s.node()))) out.add(s.node());
        } else {
            for (Scored s : scored) out.add(s.node());
        }
        return List.copyOf(out);
    }

    /** The location of this cluster whose tag {@code id} carries, or null (unlocated id, or a tag no location here has). */
    public String locationOf(ObjectId id) {
        int tag = ObjectIds.locationTagOf(id);
        return tag < 0 ? null : locationByTag.get(tag);
    }

    /** The object's replica set, best-scored first. */
    public List<NodeId> replicas(String namespace, ObjectId id) {
        return ranking(namespace, id).subList(0, cluster.replicas());
    }

    private static long score(String namespace, ObjectId id, NodeId node) {
        MessageDigest sha = sha256();
        sha.update(namespace.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(id.bytes());
        sha.update(new byte[] {(byte) (node.index() >>> 24), (byte) (node.index() >>> 16), (byte) (node.index() >>> 8),
                (byte) node.index()});
        byte[] d = sha.digest();
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
        return v;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }
}
