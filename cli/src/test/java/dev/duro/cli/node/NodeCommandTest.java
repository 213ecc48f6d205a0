package dev.duro.cli.node;

import dev.duro.cli.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code duro node}: bad input is one line and exit 2; a node process serves HTTP, drains on
 * SIGTERM and exits 0, and a new process on its data directory reads back what it acknowledged.
 */
class NodeCommandTest {
    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void killLeftovers() {
        for (Process p : processes) p.destroyForcibly();
    }

    private Path clusterFile(int httpPort, int nodePort) throws IOException {
        Path f = dir.resolve("cluster.toml");
        Files.writeString(f, """
                replicas = 1
                data_dir = "data"
                secret = "a test secret of enough bytes"

                [[member]]
                id = "n0"
                host = "127.0.0.1"
                node_port = %d
                http_port = %d
                """.formatted(nodePort, httpPort));
        return f;
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path good = clusterFile(1, 2);
        Path broken = dir.resolve("broken.toml");
        Files.writeString(broken, "replicas = 2\ndata_dir = \"d\"\nsecret = \"0123456789abcdef\"\n[[member]]\nid = \"n0\"\n");
        String[][] cases = {
            {"no such file", "node", "--config", dir.resolve("none.toml").toString(), "--id", "n0"},
            {"broken.toml:4: missing 'host'", "node", "--config", broken.toString(), "--id", "n0"},
            {"n3 is not a member; the members are n0", "node", "--config", good.toString(), "--id", "duro-3"},
            {"--id must be n<index>, <index> or a pod name", "node", "--config", good.toString(), "--id", "first"},
            {"Missing required option: '--config=FILE'", "node", "--id", "n0"},
            {"--drain-timeout-ms must be >= 0", "node", "--config", good.toString(), "--id", "n0", "--drain-timeout-ms", "-1"},
            {"--nodes must be 1 or 3..9, got 2", "dev", "--nodes", "2"},
            {"--port must be in 0..", "dev", "--port", "70000"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun r = CliRun.of(args);
            assertThat(r.exit()).as(r.all()).isEqualTo(2);
            assertThat(r.showsStackTrace()).as(r.all()).isFalse();
            assertThat(r.err().lines().findFirst().orElse("")).as(r.all()).startsWith("duro: ").contains(c[0]);
        }
    }

    @Test
    void aNodeProcessDrainsOnSigtermExitsZeroAndKeepsItsData() throws Exception {
        int http = freePort();
        Path config = clusterFile(http, freePort());
        Process first = start(config, "first");
        awaitUp(first, http);
        assertThat(get(http, "/counter/c?echo")).isEqualTo("1 c\n");
        assertThat(get(http, "/counter/c")).isEqualTo("2\n");

        Process second = start(config, "second");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("a second process on the same data directory stops").isTrue();
        assertThat(second.exitValue()).as(log("second")).isEqualTo(2);
        assertThat(log("second")).contains("is in use by n0 (pid " + first.pid() + ")");

        first.destroy(); // SIGTERM
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the drain ends the process; %s", log("first")).isTrue();
        assertThat(first.exitValue()).as(log("first")).isZero();
        assertThat(log("first")).contains("SIGTERM: draining").contains("n0 stopped; every request in flight was answered");

        Process again = start(config, "again");
        awaitUp(again, http);
        assertThat(get(http, "/read/c")).as(log("again")).isEqualTo("2\n");
        assertThat(log("again")).contains("(restarted on its data)");
        again.destroy();
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(log("again")).isZero();
    }

    private Process start(Path config, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder b = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.duro.cli.Main", "node",
                "--config", config.toString(), "--id", "n0", "--bind", "127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Process p = b.start();
        processes.add(p);
        return p;
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitUp(Process p, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) throw new AssertionError("the node process exited " + p.exitValue());
            try {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the node did not answer HTTP within 60 s");
    }

    /** A write through one member of one replica: retried only on 503, which this node gives while it elects itself. */
    private String get(int port, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) return r.body();
            if (r.statusCode() != 503 || !r.body().contains("nothing ran") || System.nanoTime() - deadline > 0) {
                throw new AssertionError(path + " answered " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
