package dev.duro.deploy.node;

import dev.duro.deploy.OnLoop;
import dev.duro.model.world.NodeId;
import dev.duro.client.ClusterClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three members as separate OS processes ({@link ClusterNodeProcess}), the client in this JVM.
 * Members are killed with SIGKILL (no shutdown code runs, unsynced state is whatever the kernel
 * had), one, then all three, and restarted on their data directories and ports; every
 * acknowledged write is read back after each. A power loss is not simulated: the page cache
 * survives a process kill.
 */
class ClusterProcessTest {
    private static final int MEMBERS = 3;

    @TempDir
    Path tmp;

    private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final Process[] members = new Process[MEMBERS];
    private final int[] ports = new int[MEMBERS];
    private RealNode clientNode;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : members) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (clientNode != null) clientNode.stop();
    }

    @Test
    void acknowledgedWritesSurviveKillNineOfOneMemberAndOfAll() throws Exception {
        for (int i = 0; i < MEMBERS; i++) launch(i, 0, "new");
        AtomicReference<ClusterClient> clientRef = new AtomicReference<>();
        NodeId clientId = NodeId.of(MEMBERS);
        clientNode = RealNode.start(new NodeConfig(clientId, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                addresses, tmp.resolve("client"), ClusterFixture.CLUSTER_SECRET),
                w -> clientRef.set(new ClusterClient(w, ClusterFixture.cluster().members())),
                RealNode.Options.defaults().withLog(log::add).withExit(reason -> log.add("client exit: " + reason)));
        addresses.put(clientId, clientNode.address());
        for (int i = 0; i < MEMBERS; i++) tellPeers(i);
        OnLoop.waitUntil(() -> clientRef.get() != null, 10_000, () -> "the client started");
        ClusterClient client = clientRef.get();

        Map<String, String> acknowledged = ClusterFixture.writeSome(clientNode, client, this::diagnostics);

        kill(1);
        launch(1, ports[1], "existing");
        tellPeers(1);
        ClusterFixture.readBack(clientNode, client, acknowledged, "kill -9 of n1 and its restart", this::diagnostics);

        for (int i = 0; i < MEMBERS; i++) kill(i);
        for (int i = 0; i < MEMBERS; i++) launch(i, ports[i], "existing");
        for (int i = 0; i < MEMBERS; i++) tellPeers(i);
        ClusterFixture.readBack(clientNode, client, acknowledged, "kill -9 of all three and their restart", this::diagnostics);
        for (int i = 0; i < MEMBERS; i++) {
            assertThat(members[i].isAlive()).as("n%d still runs (no fail-stop); its stderr: %s", i, stderrOf(i)).isTrue();
        }
    }

    private void launch(int index, int port, String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ClusterNodeProcess.class.getName(),
                "n" + index, tmp.resolve("n" + index).toString(), Integer.toString(port), mode)
                .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("n" + index + ".stderr").toFile()))
                .start();
        members[index] = p;
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("n%d started; its stderr: %s", index, stderrOf(index)).startsWith("listening ");
        ports[index] = Integer.parseInt(line.substring("listening ".length()));
        addresses.put(NodeId.of(index), new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[index]));
    }

    private void tellPeers(int index) throws IOException {
        OutputStream in = members[index].getOutputStream();
        for (Map.Entry<NodeId, InetSocketAddress> a : addresses.entrySet()) {
            in.write(("peer " + a.getKey() + " " + a.getValue().getPort() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        in.flush();
    }

    private void kill(int index) throws InterruptedException {
        members[index].destroyForcibly(); // SIGKILL
        assertThat(members[index].waitFor(10, TimeUnit.SECONDS)).as("n%d died", index).isTrue();
    }

    private String stderrOf(int index) {
        try {
            Path f = tmp.resolve("n" + index + ".stderr");
            return Files.exists(f) ? Files.readString(f) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The client's log and every member's stderr, for failure messages. */
    private List<String> diagnostics() {
        List<String> all = new ArrayList<>(log);
        for (int i = 0; i < MEMBERS; i++) all.add("n" + i + " stderr: " + stderrOf(i));
        return all;
    }
}
