package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where an object's log lives: rendezvous (highest-random-weight) hashing of the object over the
 * members. Each member gets a score from SHA-256(namespace, id, member); the object's replica set
 * is the {@code replicas} highest scores, in score order, and its preferred owner is the first of
 * them the caller believes up. Adding or removing a member moves only the objects whose top
 * scores change (about replicas/n of them), which is what reconfiguration builds on.
 *
 * <p>Pure and deterministic: clients compute the same sets as nodes.
 */
public final class Placement {
    private final ClusterConfig cluster;

    public Placement(ClusterConfig cluster) {
        this.cluster = cluster;
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    /** Every member, best-scored first, for this object. */
    public List<NodeId> ranking(String namespace, ObjectId id) {
        record Scored(NodeId node, long score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (NodeId m : cluster.members()) scored.add(new Scored(m, score(namespace, id, m)));
        scored.sort(Comparator.comparingLong(Scored::score).reversed().thenComparing(Scored::node));
        List<NodeId> out = new ArrayList<>(scored.size());
        for (Scored s : scored) out.add(s.node());
        return List.copyOf(out);
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
