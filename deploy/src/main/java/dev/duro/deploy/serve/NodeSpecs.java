package dev.duro.deploy.serve;

import dev.duro.deploy.config.ClusterFile;
import dev.duro.deploy.config.Member;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.model.worker.Worker;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.Deployment;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** How a cluster file becomes one member's {@link ServedNode.Spec} ({@code duro node}). */
public final class NodeSpecs {
    private NodeSpecs() {
    }

    /**
     * The member {@code id} of {@code file}: it listens on {@code bindHost} at its configured node
     * and HTTP ports, and reaches the other members at their configured host names, which are
     * resolved at every connection attempt (DNS names of Kubernetes pods change address when a pod
     * is replaced).
     */
    public static ServedNode.Spec of(ClusterFile file, NodeId id, String bindHost, Function<byte[], Deployment> app, Worker worker,
                                     HttpOptions http) {
        Member self = file.member(id);
        Map<NodeId, InetSocketAddress> peers = new TreeMap<>();
        for (Member m : file.members()) peers.put(m.id(), address(m.host(), m.nodePort()));
        return new ServedNode.Spec(id, file.cluster(), app.apply(file.deploymentSecret()), worker,
                new InetSocketAddress(bindHost, self.nodePort()), Map.copyOf(peers), file.nodeDataDir(id), file.clusterSecret(),
                new InetSocketAddress(bindHost, self.httpPort()), http);
    }

    /** An IP literal as is; a name unresolved, so Netty resolves it when it connects. */
    static InetSocketAddress address(String host, int port) {
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        return literal ? new InetSocketAddress(host, port) : InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * A member id as given on the command line: {@code n2}, {@code 2}, or a StatefulSet pod name
     * ending in its ordinal ({@code duro-2}).
     *
     * @throws IllegalArgumentException naming the forms it accepts
     */
    public static NodeId parseId(String text) {
        String t = text.strip();
        int dash = t.lastIndexOf('-');
        String ordinal = dash >= 0 ? t.substring(dash + 1) : t;
        if (ordinal.matches("n?[0-9]{1,6}")) return NodeId.parse(ordinal);
        throw new IllegalArgumentException("--id must be n<index>, <index> or a pod name ending in -<ordinal> (e.g. n0, 0, duro-0), got '"
                + text + "'");
    }
}
