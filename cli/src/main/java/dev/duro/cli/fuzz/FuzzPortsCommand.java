package dev.duro.cli.fuzz;

import dev.duro.cli.UserError;
import dev.duro.deploy.config.ClusterFile;
import dev.duro.deploy.example.ExampleApp;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.RealNode;
import dev.duro.deploy.serve.LocalCluster;
import dev.duro.deploy.serve.ServedNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code duro fuzz ports}: starts a cluster in this process (as {@code duro dev} does, on free
 * loopback ports and a temporary data directory), writes known values into canary objects, then
 * sends generated bad input ({@link InputKind}) to every HTTP listener and node port from many
 * client threads while a well-behaved client keeps incrementing a counter. The run passes when no
 * node failed-stop or stopped answering, every canary reads back its value, and the counter holds
 * every increment it acknowledged.
 */
@Command(
        name = "ports",
        mixinStandardHelpOptions = true,
        description = {
            "Fuzz a live local cluster's HTTP listeners, WebSockets and node-to-node ports with generated bad input, then "
                    + "check that every node still serves and no object lost or changed what it had acknowledged.",
            "Exit codes: 0 pass, 1 a node crashed or an object was corrupted, 2 bad flags."
        })
public final class FuzzPortsCommand implements java.util.concurrent.Callable<Integer> {
    private static final int CANARIES = 10;
    private static final long ODD_WAIT_MILLIS = 15_000;
    private static final long SHORT_WAIT_MILLIS = 150;
    private static final long LIMIT_WAIT_MILLIS = 2_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--inputs", paramLabel = "N", defaultValue = "100000",
            description = "Generated inputs to send (1..1000000000). Default: ${DEFAULT-VALUE}.")
    long inputs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the generated input. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Nodes: 1 or 3. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--clients", paramLabel = "C", defaultValue = "64",
            description = "Concurrent fuzzing connections (virtual threads, 1..1024). Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--json", description = "End with one JSON line: verdict, inputs, per-kind outcomes, checks.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (inputs < 1 || inputs > 1_000_000_000L) throw new UserError("--inputs must be in 1..1000000000, got " + inputs);
        if (nodes != 1 && nodes != 3) throw new UserError("--nodes must be 1 or 3, got " + nodes);
        if (clients < 1 || clients > 1024) throw new UserError("--clients must be in 1..1024, got " + clients);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path data = Files.createTempDirectory("duro-fuzz-");
        ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failStops = new ConcurrentLinkedQueue<>();
        RealNode.Options options = RealNode.Options.defaults().withLog(logs::add).withExit(failStops::add);
        long started = System.nanoTime();
        LocalCluster cluster = LocalCluster.start(new LocalCluster.Spec(nodes, "127.0.0.1", 0, data, ExampleApp::deployment,
                ExampleApp.worker(), HttpOptions.defaults(), options), 60_000);
        try {
            List<InetSocketAddress> http = new ArrayList<>(List.of(cluster.httpAddress()));
            List<InetSocketAddress> nodePorts = new ArrayList<>();
            for (ServedNode n : cluster.nodes()) {
                http.add(n.httpAddress());
                nodePorts.add(n.nodeAddress());
            }
            byte[] clusterSecret = ClusterFile.derive(Files.readString(data.resolve("secret"), StandardCharsets.UTF_8).strip()
                    .getBytes(StandardCharsets.UTF_8), "duro cluster frames");
            String base = "http://127.0.0.1:" + cluster.httpAddress().getPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            if (!json) {
                out.printf("duro fuzz ports: %,d inputs (seed %d) against %d node(s): %d HTTP listeners, %d node ports, %d clients%n",
                        inputs, seed, nodes, http.size(), nodePorts.size(), clients);
                out.flush();
            }
            for (int c = 0; c < CANARIES; c++) {
                for (int i = 0; i <= c; i++) call(client, base + "/counter/canary-" + c);
            }
            Tally tally = new Tally();
            AtomicLong next = new AtomicLong();
            AtomicLong acked = new AtomicLong();
            AtomicReference<String> witnessFailure = new AtomicReference<>();
            Thread witness = Thread.ofPlatform().name("fuzz-witness").daemon().start(() -> {
                while (next.get() < inputs && !Thread.currentThread().isInterrupted()) {
                    try {
                        String v = call(client, base + "/counter/live").strip();
                        acked.accumulateAndGet(Long.parseLong(v), Math::max);
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException | RuntimeException e) {
                        witnessFailure.compareAndSet(null, e.toString()); // reported, not fatal: fuzzing loads the node
                    }
                }
            });
            Ticker progress = new Ticker(err, !json && System.console() != null, inputs);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < clients; c++) {
                    int index = c;
                    pool.submit(() -> fuzz(new SplittableRandom(seed * 1_000_003L + index), inputs, next, tally, http, nodePorts,
                            new NodeInputs(clusterSecret, nodes), progress));
                }
            }
            progress.clear();
            witness.interrupt();
            witness.join(20_000);
            double seconds = (System.nanoTime() - started) / 1e9;

            // The checks: every node serves, canaries hold their values, the live counter every acknowledged increment.
            List<String> problems = new ArrayList<>(failStops.stream().map(s -> "fail-stop: " + s).toList());
            for (InetSocketAddress a : http) {
                try {
                    String hello = call(client, "http://127.0.0.1:" + a.getPort() + "/hello");
                    if (!hello.equals("hello\n")) problems.add(a + " answered /hello with " + hello.strip());
                } catch (IOException | RuntimeException e) {
                    problems.add(a + " did not answer /hello after the run: " + e);
                }
            }
            int canariesOk = 0;
            for (int c = 0; c < CANARIES; c++) {
                String v = call(client, base + "/read/canary-" + c).strip();
                if (v.equals(Integer.toString(c + 1))) canariesOk++;
                else problems.add("canary-" + c + " reads " + v + ", expected " + (c + 1));
            }
            long live = Long.parseLong(call(client, base + "/read/live").strip());
            if (live < acked.get()) problems.add("the live counter reads " + live + " but " + acked.get() + " increments were acknowledged");
            Map<String, Long> logKinds = logKinds(logs);
            String verdict = problems.isEmpty() ? "PASS" : "FAIL";
            String repro = "./duro fuzz ports --inputs " + inputs + " --seed " + seed + " --nodes " + nodes + " --clients " + clients;
            if (json) {
                out.println(json(verdict, inputs, seed, nodes, clients, seconds, tally, canariesOk, acked.get(), live, problems, logKinds, repro));
            } else {
                report(out, tally, seconds, canariesOk, acked.get(), live, witnessFailure.get(), logKinds, problems, verdict, repro);
            }
            out.flush();
            return problems.isEmpty() ? 0 : 1;
        } finally {
            cluster.close();
            deleteTree(data);
        }
    }

    private static void fuzz(SplittableRandom r, long inputs, AtomicLong next, Tally tally, List<InetSocketAddress> http,
                             List<InetSocketAddress> nodePorts, NodeInputs nodeInputs, Ticker progress) {
        Probe kept = null;
        try {
            long k;
            while ((k = next.getAndIncrement()) < inputs) {
                InputKind kind = InputKind.pick(r.nextInt(100));
                Outcome o;
                if (kind == InputKind.HTTP_ODD) {
                    if (kept == null || kept.isClosed()) kept = Probe.open(http.get(r.nextInt(http.size())));
                    o = kept.send(HttpInputs.odd(r)) ? Probe.ofStatus(kept.readResponse(ODD_WAIT_MILLIS)) : Outcome.CLOSED;
                    if (o == Outcome.CLOSED || o == Outcome.SILENT) {
                        kept.close();
                        kept = null;
                    }
                } else {
                    o = once(kind, r, http, nodePorts, nodeInputs);
                }
                tally.add(kind, o);
                if ((k & 1023) == 0) progress.update(k);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a fuzz client could not connect: " + e.getMessage(), e);
        } finally {
            if (kept != null) kept.close();
        }
    }

    private static Outcome once(InputKind kind, SplittableRandom r, List<InetSocketAddress> http, List<InetSocketAddress> nodePorts,
                                NodeInputs nodeInputs) throws IOException {
        boolean node = kind == InputKind.NODE_UNAUTHENTICATED || kind == InputKind.NODE_SIGNED_GARBAGE;
        int target = r.nextInt(node ? nodePorts.size() : http.size());
        try (Probe p = Probe.open(node ? nodePorts.get(target) : http.get(target))) {
            return switch (kind) {
                case HTTP_MUTATED -> p.send(HttpInputs.mutated(r)) ? Probe.ofStatus(p.readResponse(SHORT_WAIT_MILLIS)) : Outcome.CLOSED;
                case HTTP_GARBAGE -> p.send(HttpInputs.garbage(r)) ? Probe.ofStatus(p.readResponse(SHORT_WAIT_MILLIS)) : Outcome.CLOSED;
                case HTTP_TRUNCATED -> p.send(HttpInputs.truncated(r)) ? Outcome.ABANDONED : Outcome.CLOSED;
                case HTTP_LIMITS -> p.send(HttpInputs.limits(r)) ? Probe.ofStatus(p.readResponse(LIMIT_WAIT_MILLIS)) : Outcome.CLOSED;
                case WEBSOCKET -> webSocket(p, r);
                case NODE_UNAUTHENTICATED -> p.send(nodeInputs.foreign(r, target)) ? p.readAny(SHORT_WAIT_MILLIS) : Outcome.CLOSED;
                case NODE_SIGNED_GARBAGE -> p.send(nodeInputs.signedGarbage(r, target)) ? p.readAny(SHORT_WAIT_MILLIS) : Outcome.CLOSED;
                case HTTP_ODD -> throw new IllegalStateException("kept-alive input");
            };
        }
    }

    private static Outcome webSocket(Probe p, SplittableRandom r) {
        boolean broken = r.nextInt(5) == 0;
        if (!p.send(HttpInputs.upgrade(r, HttpInputs.object(r), broken))) return Outcome.CLOSED;
        int status = p.readResponse(LIMIT_WAIT_MILLIS);
        if (status != 101) return Probe.ofStatus(status);
        Outcome last = Outcome.OK;
        for (int i = r.nextInt(1, 5); i > 0; i--) {
            if (!p.send(HttpInputs.wsFrame(r))) return Outcome.CLOSED;
            last = p.readAny(SHORT_WAIT_MILLIS);
            if (last == Outcome.CLOSED) return last;
        }
        return last;
    }

    private static String call(HttpClient client, String url) throws IOException {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException(url + " answered " + r.statusCode() + ": " + r.body().strip());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Node log lines grouped by what they say, numbers and addresses left out. */
    static Map<String, Long> logKinds(Iterable<String> logs) {
        Map<String, Long> kinds = new TreeMap<>();
        for (String line : logs) {
            String kind = line.replaceAll("/127\\.0\\.0\\.1:\\d+", "<peer>").replaceAll("\\d+", "N");
            if (kind.length() > 160) kind = kind.substring(0, 157) + "...";
            kinds.merge(kind, 1L, Long::sum);
        }
        return kinds;
    }

    private static void report(PrintWriter out, Tally tally, double seconds, int canariesOk, long acked, long live, String witnessFailure,
                               Map<String, Long> logKinds, List<String> problems, String verdict, String repro) {
        out.printf("%-20s %10s", "input", "inputs");
        for (Outcome o : Outcome.values()) out.printf(" %12s", o.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        out.println();
        for (InputKind k : InputKind.values()) {
            out.printf("%-20s %,10d", k.label, tally.inputs(k));
            for (Outcome o : Outcome.values()) out.printf(" %,12d", tally.get(k, o));
            out.println();
        }
        out.printf("%,d inputs in %.1f s (%,.0f inputs/s)%n", tally.total(), seconds, tally.total() / seconds);
        out.println("node log lines, by kind:" + (logKinds.isEmpty() ? " none" : ""));
        logKinds.forEach((k, n) -> out.printf("  %,9d  %s%n", n, k));
        out.printf("canaries: %d/%d read back their values; live counter: %,d increments acknowledged, reads %,d%n", canariesOk, CANARIES,
                acked, live);
        if (witnessFailure != null) out.println("the well-behaved client saw an error during the run (not a failure): " + witnessFailure);
        for (String p : problems) out.println("problem: " + p);
        out.println("verdict: " + verdict + (problems.isEmpty() ? " (no node crashed or stopped serving, no object lost or changed a value)" : ""));
        out.println("repro: " + repro);
    }

    private static String json(String verdict, long inputs, long seed, int nodes, int clients, double seconds, Tally tally, int canariesOk,
                               long acked, long live, List<String> problems, Map<String, Long> logKinds, String repro) {
        StringBuilder b = new StringBuilder("{\"verdict\":\"").append(verdict).append("\",\"inputs\":").append(tally.total())
                .append(",\"asked\":").append(inputs).append(",\"seed\":").append(seed).append(",\"nodes\":").append(nodes)
                .append(",\"clients\":").append(clients).append(",\"seconds\":").append(String.format(java.util.Locale.ROOT, "%.1f", seconds))
                .append(",\"kinds\":{");
        String sep = "";
        for (InputKind k : InputKind.values()) {
            b.append(sep).append('"').append(k.label).append("\":{");
            String s2 = "";
            for (Map.Entry<Outcome, Long> e : tally.row(k).entrySet()) {
                b.append(s2).append('"').append(e.getKey().name().toLowerCase(java.util.Locale.ROOT)).append("\":").append(e.getValue());
                s2 = ",";
            }
            b.append('}');
            sep = ",";
        }
        b.append("},\"canariesOk\":").append(canariesOk).append(",\"canaries\":").append(CANARIES).append(",\"ackedIncrements\":")
                .append(acked).append(",\"liveCounter\":").append(live).append(",\"nodeLogLines\":")
                .append(logKinds.values().stream().mapToLong(Long::longValue).sum()).append(",\"problems\":[");
        sep = "";
        for (String p : problems) {
            b.append(sep).append(quote(p));
            sep = ",";
        }
        return b.append("],\"repro\":").append(quote(repro)).append('}').toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + '"';
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
