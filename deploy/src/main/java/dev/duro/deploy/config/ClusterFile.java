package dev.duro.deploy.config;

import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed, consistent cluster file: every member, the replica count, the lease and drift bound,
 * the data directory and the cluster's secret. Every node of a cluster reads the same file.
 *
 * @param source        the file's name as errors print it
 * @param members       in id order
 * @param replicas      1, 3 or 5, at most the member count
 * @param leaseMillis   an owner's lease
 * @param driftBoundPpm the assumed bound on clock rate differences
 * @param dataDir       the parent of every node's data directory ({@code <dataDir>/<id>})
 * @param secret        at least 16 bytes; the node-to-node key and the deployment's id key derive from it
 */
public record ClusterFile(String source, List<Member> members, int replicas, long leaseMillis, long driftBoundPpm,
                          Path dataDir, byte[] secret) {
    /** Failure-detector timing: not in the file (yet); the simulator's defaults. */
    public static final long HEARTBEAT_MILLIS = 100;
    public static final long SUSPECT_AFTER_MILLIS = 600;

    public ClusterFile {
        members = List.copyOf(members);
        secret = secret.clone();
    }

    /** The runtime's view of the same cluster. */
    public ClusterConfig cluster() {
        List<NodeId> ids = new ArrayList<>();
        Map<NodeId, String> locations = new TreeMap<>();
        for (Member m : members) {
            ids.add(m.id());
            if (m.location() != null) locations.put(m.id(), m.location());
        }
        return new ClusterConfig(ids, replicas, leaseMillis, driftBoundPpm, HEARTBEAT_MILLIS, SUSPECT_AFTER_MILLIS)
                .withLocations(locations);
    }

    /** The member {@code id}, or a one-line error naming the members there are. */
    public Member member(NodeId id) {
        for (Member m : members) if (m.id().equals(id)) return m;
        List<String> names = new ArrayList<>();
        for (Member m : members) names.add(m.id().toString());
        throw new ConfigException(source + ": " + id + " is not a member; the members are " + String.join(", ", names));
    }

    /** Where node {@code id} keeps its data. */
    public Path nodeDataDir(NodeId id) {
        return dataDir.resolve(id.toString());
    }

    /** The key of every node-to-node frame's HMAC. */
    public byte[] clusterSecret() {
        return derive(secret, "duro cluster frames");
    }

    /** The key object ids are made with; every node and client of the deployment must share it. */
    public byte[] deploymentSecret() {
        return derive(secret, "duro deployment ids");
    }

    /** HMAC-SHA256(secret, purpose): one secret to manage, independent keys per use. */
    public static byte[] derive(byte[] secret, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() { // never the secret
        return "ClusterFile[" + source + " members=" + members.size() + " replicas=" + replicas + " dataDir=" + dataDir + "]";
    }
}
