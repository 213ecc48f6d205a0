package dev.duro.deploy.serve;

import dev.duro.deploy.example.ExampleApp;
import dev.duro.deploy.example.ExampleWorker;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.RealNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a 3-node cluster in this JVM (real loops, TCP on loopback, data directories with
 * fsync, ephemeral ports) serving the example worker over real HTTP; writes through the shared
 * listener and each member's own; a stop of the whole cluster and a start on the same data, after
 * which every acknowledged write reads back.
 */
class LocalClusterTest {
    private static final long READY_MILLIS = 60_000;

    @TempDir
    Path data;

    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> exits = new ConcurrentLinkedQueue<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    private LocalCluster start(int nodes) {
        RealNode.Options options = RealNode.Options.defaults().withLog(log::add).withExit(r -> exits.add(r));
        return LocalCluster.start(new LocalCluster.Spec(nodes, "127.0.0.1", 0, data, ExampleApp::deployment, ExampleApp.worker(),
                HttpOptions.defaults(), options), READY_MILLIS);
    }

    private HttpResponse<String> get(InetSocketAddress at, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A write, sent again only after a 503 whose body says nothing ran (MOVED, draining) or an overload: never twice if it may have run. */
    private String write(InetSocketAddress at, String path) throws Exception {
        HttpResponse<String> r = get(at, path);
        assertThat(r.statusCode()).as("%s answered %s; log: %s", path, r.body(), log).isEqualTo(200);
        return r.body();
    }

    @Test
    void threeNodesServeHttpAndReadBackEveryAcknowledgedWriteAfterARestart() throws Exception {
        cluster = start(3);
        InetSocketAddress front = cluster.httpAddress();
        List<InetSocketAddress> listeners = new ArrayList<>();
        listeners.add(front);
        for (ServedNode n : cluster.nodes()) listeners.add(n.httpAddress());

        HttpResponse<String> root = get(front, "/");
        assertThat(root.statusCode()).isEqualTo(404);
        assertThat(root.body()).isEqualTo(ExampleWorker.USAGE);
        assertThat(get(front, "/hello").body()).isEqualTo("hello\n");
        assertThat(get(front, "/nope/x").statusCode()).isEqualTo(404);

        Map<String, Long> sql = new LinkedHashMap<>();
        Map<String, Long> kv = new LinkedHashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int object = 0; object < 4; object++) {
                String name = "obj-" + object;
                InetSocketAddress at = listeners.get((round + object) % listeners.size()); // every listener serves every object
                assertThat(write(at, "/counter/" + name + "?echo")).isEqualTo((round + 1) + " " + name + "\n");
                sql.put(name, (long) round + 1);
                assertThat(write(at, "/kv/" + name)).isEqualTo((round + 1) + "\n");
                kv.put(name, (long) round + 1);
            }
        }
        assertThat(get(listeners.get(2), "/read/obj-0").body()).isEqualTo("3\n");
        assertThat(get(listeners.get(3), "/read/never-written").body()).isEqualTo("0\n");

        assertThat(cluster.drainAndStop(10_000)).as("requests left in flight by the drain").isZero();
        cluster = null;
        assertThat(Files.readString(data.resolve("secret"))).as("the secret was kept").isNotBlank();

        // A new cluster on the same data directories: nothing is in memory, every member is an existing one.
        cluster = start(3);
        assertThat(cluster.nodes()).allMatch(ServedNode::existing);
        List<InetSocketAddress> after = new ArrayList<>();
        after.add(cluster.httpAddress());
        for (ServedNode n : cluster.nodes()) after.add(n.httpAddress());
        int i = 0;
        for (String name : sql.keySet()) {
            InetSocketAddress at = after.get(i++ % after.size());
            assertThat(get(at, "/read/" + name + "?echo").body()).as("SQL value of %s after the restart; log: %s", name, log)
                    .isEqualTo(sql.get(name) + " " + name + "\n");
            assertThat(get(at, "/kvread/" + name).body()).as("KV value of %s after the restart", name).isEqualTo(kv.get(name) + "\n");
        }
        assertThat(write(after.get(1), "/counter/obj-0")).as("writes go on from the read-back value").isEqualTo("4\n");
        assertThat(exits).as("no node failed-stop; log: %s", log).isEmpty();
    }

    @Test
    void aWebSocketThroughAnyListenerReachesItsObjectAndBack() throws Exception {
        RealNode.Options options = RealNode.Options.defaults().withLog(log::add).withExit(r -> exits.add(r));
        cluster = LocalCluster.start(new LocalCluster.Spec(3, "127.0.0.1", 0, data, SocketEcho::deployment, SocketEcho.worker(),
                HttpOptions.defaults(), options), READY_MILLIS);
        List<InetSocketAddress> listeners = new ArrayList<>();
        listeners.add(cluster.httpAddress());
        for (ServedNode n : cluster.nodes()) listeners.add(n.httpAddress());
        for (int i = 0; i < listeners.size(); i++) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = client.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + listeners.get(i).getPort() + "/ws/room"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence text, boolean last) {
                            received.add(text.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            received.add("closed " + code + " " + reason);
                            return null;
                        }
                    }).get(30, TimeUnit.SECONDS);
            ws.sendText("hi " + i, true).get(10, TimeUnit.SECONDS);
            assertThat(received.poll(30, TimeUnit.SECONDS)).as("echo through listener %d; log: %s", i, log).isEqualTo("echo hi " + i);
            ws.sendText("bye", true).get(10, TimeUnit.SECONDS);
            assertThat(received.poll(30, TimeUnit.SECONDS)).as("the object's close through listener %d", i).isEqualTo("closed 1000 bye");
        }
        assertThat(exits).as("no node failed-stop; log: %s", log).isEmpty();
    }

    @Test
    void oneNodeServesWithOneReplica() throws Exception {
        cluster = start(1);
        InetSocketAddress front = cluster.httpAddress();
        assertThat(write(front, "/counter/solo")).isEqualTo("1\n");
        assertThat(write(cluster.nodes().getFirst().httpAddress(), "/counter/solo")).isEqualTo("2\n");
        cluster.close();
        cluster = start(1);
        assertThat(get(cluster.httpAddress(), "/read/solo").body()).isEqualTo("2\n");
        assertThat(exits).as("no node failed-stop; log: %s", log).isEmpty();
    }
}
