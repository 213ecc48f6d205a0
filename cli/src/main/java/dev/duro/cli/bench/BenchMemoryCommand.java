package dev.duro.cli.bench;

import dev.duro.cli.UserError;
import dev.duro.deploy.example.ExampleApp;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.RealNode;
import dev.duro.deploy.serve.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code duro bench memory}: what objects cost in memory on a real node. Starts the example
 * application in this process (as {@code duro dev}), measures the heap after a full GC and the
 * process's resident set, makes {@code --objects} counter objects (one write each, so each has a
 * SQLite database and a replicated log), measures again while they are all resident (idle eviction
 * comes after 70 s), and, with {@code --idle-wait-s}, once more after they have been evicted.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Memory per object on a real in-process cluster: heap after GC and resident set, before and after making N objects.")
public final class BenchMemoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--objects", paramLabel = "N", defaultValue = "10000", description = "Objects to make (1..1000000). Default: ${DEFAULT-VALUE}.")
    int objects;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1", description = "Nodes: 1 or 3 (3 replicas). Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "64", description = "Requests in flight (1..1024). Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--idle-wait-s", paramLabel = "S", defaultValue = "0",
            description = "Then wait this long for idle eviction and measure again (0: do not; eviction starts after 70 s). Default: ${DEFAULT-VALUE}.")
    int idleWaitSeconds;

    @Override
    public Integer call() throws Exception {
        if (objects < 1 || objects > 1_000_000) throw new UserError("--objects must be in 1..1000000, got " + objects);
        if (nodes != 1 && nodes != 3) throw new UserError("--nodes must be 1 or 3, got " + nodes);
        if (concurrency < 1 || concurrency > 1024) throw new UserError("--concurrency must be in 1..1024, got " + concurrency);
        if (idleWaitSeconds < 0 || idleWaitSeconds > 3600) throw new UserError("--idle-wait-s must be in 0..3600, got " + idleWaitSeconds);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path data = Files.createTempDirectory("duro-bench-memory-");
        // Node log lines go to stderr; a node's fail-stop ends the bench with its reason instead of a silent exit.
        RealNode.Options options = RealNode.Options.defaults()
                .withLog(line -> {
                    err.println("node: " + line);
                    err.flush();
                })
                .withExit(reason -> {
                    err.println("duro: a node failed-stop during the bench, so there are no figures: " + reason);
                    err.flush();
                    Runtime.getRuntime().halt(1);
                });
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Spec(nodes, "127.0.0.1", 0, data, ExampleApp::deployment,
                ExampleApp.worker(), HttpOptions.defaults(), options), 60_000)) {
            String base = "http://127.0.0.1:" + cluster.httpAddress().getPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 200; i++) get(client, base + "/counter/warm-" + (i % 20)); // classes loaded, JIT started (statuses do not matter)
            Sample before = Sample.now();
            long started = System.nanoTime();
            AtomicLong failed = new AtomicLong();
            AtomicLong retried = new AtomicLong();
            java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            Semaphore inFlight = new Semaphore(concurrency);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < objects; i++) {
                    String url = base + "/counter/mem-" + i;
                    inFlight.acquire();
                    pool.submit(() -> {
                        try {
                            for (int attempt = 1; ; attempt++) {
                                int status = get(client, url);
                                if (status == 200) break;
                                // 429, 503 and 504 say "try again": a client would, so the bench does (counted)
                                boolean retryable = status == 429 || status == 503 || status == 504;
                                if (!retryable || attempt == 5) throw new IOException(url + " answered " + status + " (attempt " + attempt + ")");
                                retried.incrementAndGet();
                                Thread.sleep(100L * attempt);
                            }
                        } catch (IOException | RuntimeException | InterruptedException e) {
                            failed.incrementAndGet();
                            if (failures.size() < 3) failures.add(e.getMessage());
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (failed.get() > 0) {
                throw new UserError(failed.get() + " of " + objects + " object writes failed, so the figures would mean nothing; first: "
                        + String.join("; ", failures), 1);
            }
            Sample resident = Sample.now();
            out.printf("duro bench memory: %,d objects on %d node(s) (%s), made in %.1f s (%,.0f/s, %,d retried answers)%n", objects, nodes,
                    nodes == 1 ? "1 replica" : "3 replicas, all in this process", seconds, objects / seconds, retried.get());
            out.printf("%-34s %14s %14s%n", "", "heap after GC", "resident set");
            out.printf("%-34s %,11d KiB %,11d KiB%n", "before", before.heapBytes / 1024, before.rssBytes / 1024);
            out.printf("%-34s %,11d KiB %,11d KiB%n", "with every object resident", resident.heapBytes / 1024, resident.rssBytes / 1024);
            out.printf("%-34s %,11d B   %,11d B%n", "per resident object", (resident.heapBytes - before.heapBytes) / objects,
                    (resident.rssBytes - before.rssBytes) / objects);
            out.printf("%-34s %,11d KiB %,11d KiB%n", "per 10,000 resident objects", (resident.heapBytes - before.heapBytes) * 10_000 / objects / 1024,
                    (resident.rssBytes - before.rssBytes) * 10_000 / objects / 1024);
            if (idleWaitSeconds > 0) {
                Thread.sleep(idleWaitSeconds * 1000L);
                Sample idle = Sample.now();
                out.printf("%-34s %,11d KiB %,11d KiB%n", "after " + idleWaitSeconds + " s idle", idle.heapBytes / 1024, idle.rssBytes / 1024);
                out.printf("%-34s %,11d B   %,11d B%n", "per object, idle", (idle.heapBytes - before.heapBytes) / objects,
                        (idle.rssBytes - before.rssBytes) / objects);
            }
            out.println("heap: java.lang.management after System.gc(); resident set: VmRSS of /proc/self/status (the JVM's own "
                    + "growth included; SQLite's native memory is only here)");
            out.flush();
            return 0;
        } finally {
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The status of a GET (the body read and dropped). */
    private static int get(HttpClient client, String url) throws IOException {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private record Sample(long heapBytes, long rssBytes) {
        static Sample now() throws IOException, InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
            return new Sample(heap, rss);
        }
    }
}
