package dev.duro.deploy.node;

import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterNode;
import dev.duro.runtime.config.RuntimeConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One cluster member as its own OS process, for {@link ClusterProcessTest}. Arguments: node index,
 * data directory, listen port (0: any), {@code new} or {@code existing}. Prints
 * {@code listening <port>}, then reads {@code peer <index> <port>} lines (loopback) from stdin;
 * ends when stdin ends, so it never outlives the test. A fail-stop ends it with status 1.
 */
public final class ClusterNodeProcess {
    private ClusterNodeProcess() {
    }

    public static void main(String[] args) throws IOException {
        NodeId self = NodeId.parse(args[0]);
        Path dataDir = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        boolean existing = args[3].equals("existing");
        Map<NodeId, InetSocketAddress> peers = new ConcurrentHashMap<>();
        ClusterNode program = new ClusterNode(ClusterFixture.deployment(), RuntimeConfig.defaults(), ClusterFixture.cluster());
        if (existing) program.asExistingMember();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        RealNode node = RealNode.start(new NodeConfig(self, new InetSocketAddress(loopback, port), peers, dataDir,
                ClusterFixture.CLUSTER_SECRET), program, RealNode.Options.defaults());
        System.out.println("listening " + node.address().getPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] p = line.split(" ");
            if (p.length == 3 && p[0].equals("peer")) peers.put(NodeId.parse(p[1]), new InetSocketAddress(loopback, Integer.parseInt(p[2])));
        }
        System.exit(0); // the test is gone
    }
}
