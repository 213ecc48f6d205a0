package dev.duro.deploy.node;

import dev.duro.deploy.net.TransportConfig;
import dev.duro.model.world.NodeId;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What one deployed node needs to build its world.
 *
 * @param self          its node id
 * @param listen        where it accepts other nodes' connections (port 0: any free port)
 * @param peers         where the other nodes listen (see {@link TransportConfig#peers()}: read at every connection
 *                      attempt, so it may be filled after start)
 * @param dataDir       its data directory (locked while it runs; see {@link DataDirectory})
 * @param clusterSecret the key every node-to-node frame is authenticated with; at least 16 bytes, the same on
 *                      every node, never logged
 */
public record NodeConfig(NodeId self, InetSocketAddress listen, Map<NodeId, InetSocketAddress> peers, Path dataDir,
                         byte[] clusterSecret) {
    public NodeConfig {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clusterSecret, "clusterSecret");
        clusterSecret = clusterSecret.clone();
    }

    /** The transport settings: these addresses and secret, default limits. */
    public TransportConfig transport() {
        return TransportConfig.of(self, listen, peers, clusterSecret);
    }

    /** The same node listening at {@code address} (a restart on the port it had). */
    public NodeConfig withListen(InetSocketAddress address) {
        return new NodeConfig(self, address, peers, dataDir, clusterSecret);
    }

    @Override
    public String toString() { // never the secret
        return "NodeConfig[" + self + " listen=" + listen + " peers=" + peers.keySet() + " dataDir=" + dataDir + "]";
    }
}
