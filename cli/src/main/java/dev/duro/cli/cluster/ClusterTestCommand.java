package dev.duro.cli.cluster;

import dev.duro.cli.UserError;
import dev.duro.cli.check.HistoryFiles;
import dev.duro.model.history.DuroJsonLines;
import dev.duro.model.history.History;
import dev.duro.model.history.Json;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code duro cluster test}: the kv scenario against a real cluster. Starts {@code --nodes}
 * members as separate {@code duro node} processes on loopback (lazy disks, fault admin endpoints,
 * the kv scenario's register objects), runs the scenario's client workload over HTTP while a
 * seeded schedule kills ({@code kill -9}) and restarts, pauses ({@code SIGSTOP}/{@code SIGCONT})
 * and partitions or delays the members, then heals, waits for every key to answer (the liveness
 * bound), reads every key back and judges the history with the simulator's checkers
 * ({@link Judge}). Exit 0 PASS, 1 a safety violation (not linearizable, a lost acknowledged write),
 * 3 no verdict (a checker's step budget ran out), 4 liveness (the cluster did not start, or a key
 * did not answer within the bound after the heal), 2 bad flags.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {
            "Run a scenario's workload against a real cluster of member processes on loopback under real faults "
                    + "(kill -9 and restart, SIGSTOP/SIGCONT, partitions and delays between members), then heal, read "
                    + "everything back and judge the history with the simulator's checkers.",
            "Exit codes: 0 PASS, 1 safety violation, 3 no verdict (checker budget), 4 liveness, 2 bad flags."
        })
public final class ClusterTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", defaultValue = "kv", description = "The workload; only kv today. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--nodes", defaultValue = "3", description = "Members (3..7), each its own process. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--duration", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long the workload and the faults run (5s..2h, e.g. 60s, 2m). Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--faults", defaultValue = "kill,pause,partition", paramLabel = "KINDS",
            description = "Comma-separated kinds: kill, pause, partition, delay, power; or none. Default: ${DEFAULT-VALUE}.")
    String faults;

    @Option(names = "--seed", description = "Seed of the workload and the fault schedule (default: a random one, printed).")
    Long seed;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients (1..64). Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--keys", defaultValue = "8", description = "Registers, spread over 4 objects (1..1000). Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder (must be new or empty): cluster file, data, node logs, history. Default: duro-runs/cluster-<seed>.")
    Path out;

    @Option(names = "--liveness-bound", defaultValue = "60s", paramLabel = "DURATION",
            description = "After the heal, every key must answer within this. Default: ${DEFAULT-VALUE}.")
    String livenessBound;

    @Option(names = "--no-lazy-disk", description = "Disks keep unsynced writes in the page cache (a kill -9 then loses nothing "
            + "unsynced). By default they stay in the process, so kill -9 loses them as a power cut would.")
    boolean noLazyDisk;

    @Option(names = "--planted-bug", hidden = true, paramLabel = "BUG",
            description = "TEST ONLY: run the members with a planted bug to show the checkers catch it: lying-disk (syncs answer "
                    + "one batch early) or one of the runtime's (duro sim bugs), e.g. skip-fsync.")
    String plantedBug;

    @Option(names = "--json", description = "End with one JSON object: verdict, ops, faults, lostAcknowledged, history, repro, ...")
    boolean json;

    private static final Duration OP_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
        if (!scenario.equals("kv")) throw new UserError("--scenario must be kv (the only scenario with an HTTP workload today), got '" + scenario + "'");
        if (nodes < 3 || nodes > 7) throw new UserError("--nodes must be 3..7 (a majority must survive one fault), got " + nodes);
        long durationMs = HistoryFiles.durationNanos("--duration", duration) / 1_000_000;
        if (durationMs < 5_000 || durationMs > 7_200_000) throw new UserError("--duration must be 5s..2h, got '" + duration + "'");
        long boundMs = HistoryFiles.durationNanos("--liveness-bound", livenessBound) / 1_000_000;
        if (boundMs < 1_000) throw new UserError("--liveness-bound must be at least 1s, got '" + livenessBound + "'");
        if (clients < 1 || clients > 64) throw new UserError("--clients must be 1..64, got " + clients);
        if (keys < 1 || keys > 1000) throw new UserError("--keys must be 1..1000, got " + keys);
        List<String> kinds = kinds(faults);
        if (plantedBug != null && !plantedBug.equals("lying-disk")) {
            try {
                dev.duro.runtime.PlantedBug.byName(plantedBug);
            } catch (IllegalArgumentException e) {
                throw new UserError("--planted-bug must be lying-disk or one of the runtime's: " + e.getMessage());
            }
        }
        long s = seed != null ? seed : new SecureRandom().nextLong() >>> 1;
        Path dir = out != null ? out : Path.of("duro-runs", "cluster-" + s);
        prepare(dir);
        String repro = "./duro cluster test --scenario kv --nodes " + nodes + " --duration " + duration + " --faults "
                + (kinds.isEmpty() ? "none" : String.join(",", kinds)) + " --seed " + s
                + (clients != 4 ? " --clients " + clients : "") + (keys != 8 ? " --keys " + keys : "")
                + (livenessBound.equals("60s") ? "" : " --liveness-bound " + livenessBound)
                + (noLazyDisk ? " --no-lazy-disk" : "") + (plantedBug != null ? " --planted-bug " + plantedBug : "");
        PrintWriter o = spec.commandLine().getOut();
        FaultPlan plan = FaultPlan.of(s, nodes, durationMs, kinds);
        o.printf("duro cluster test: kv on %d member processes, %d clients, %d keys over %d objects, %s, faults %s, seed %d, %s%n",
                nodes, clients, keys, Workload.OBJECTS, duration, kinds.isEmpty() ? "none" : String.join(",", kinds), s,
                plantedBug != null ? "PLANTED BUG " + plantedBug : noLazyDisk ? "page-cache disks" : "lazy disks (kill -9 loses unsynced writes)");
        o.println("run folder: " + dir);
        o.println("fault schedule (" + plan.faults().size() + " faults, from the seed; the run itself is not deterministic):");
        for (FaultPlan.Fault f : plan.faults()) o.println("  " + f.describe());
        if (kinds.contains("kill")) o.println("  then, at the end, under load: kill -9 every member at once (a power cut), restart them all, read back");
        o.flush();
        Run run = new Run(dir, o);
        Thread cleanup = new Thread(run::killAll, "duro-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return run.execute(s, plan, durationMs, boundMs, repro);
        } finally {
            run.killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    static List<String> kinds(String text) {
        String t = text.strip();
        if (t.isEmpty()) throw new UserError("--faults is empty: give kinds (kill, pause, partition, delay, power) or none");
        if (t.equals("none")) return List.of();
        List<String> out = new ArrayList<>();
        for (String k : t.split(",")) {
            String kind = k.strip();
            if (!FaultPlan.KINDS.contains(kind)) {
                throw new UserError("--faults: unknown kind '" + kind + "' (kill, pause, partition, delay, power, or none)");
            }
            if (!out.contains(kind)) out.add(kind);
        }
        return out;
    }

    private static void prepare(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new UserError("--out " + dir + " is not empty: give a new folder (the run writes its cluster's data there)");
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("--out " + dir + ": cannot create it: " + e.getMessage());
        }
    }

    /** One run: the member processes, the workload, the faults, the judgement. */
    private final class Run {
        private final Path dir;
        private final PrintWriter o;
        private final List<NodeProcess> members = new ArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final Map<String, Integer> injected = new TreeMap<>();
        private int unexpectedExits;
        private long startNanos;

        Run(Path dir, PrintWriter o) {
            this.dir = dir;
            this.o = o;
        }

        int execute(long s, FaultPlan plan, long durationMs, long boundMs, String repro) throws Exception {
            startMembers();
            String notReady = awaitReady(Math.max(120_000, boundMs));
            Workload w = new Workload(s, clients, keys, members.stream().map(m -> m.httpPort).toList(), http, OP_TIMEOUT);
            if (notReady != null) {
                return report(w, null, List.of(), notReady, repro);
            }
            startNanos = System.nanoTime();
            w.start();
            for (FaultPlan.Fault f : plan.faults()) {
                sleepUntil(f.atMs());
                inject(f);
                sleepUntil(f.atMs() + f.forMs());
                heal(f);
            }
            sleepUntil(durationMs);
            if (plan.powerCut()) { // while the clients still write: requests in flight are cut off too
                injected.merge("power-cut", 1, Integer::sum);
                killAll();
                say("kill -9 every member at once, under load (a power cut: lazy disks lose every unsynced write)");
            }
            w.stop();
            say("workload stopped after %d ops; healing: every member running, no partition", w.ops());
            if (plan.powerCut()) {
                for (NodeProcess m : members) m.start();
                say("restarted every member on its data");
            }
            healAll();
            List<String> silent = w.finalReads(boundMs);
            String liveness = silent.isEmpty() ? null
                    : "keys " + silent + " did not answer within the liveness bound of " + livenessBound + " after the heal";
            return report(w, w.history(), silent, liveness, repro);
        }

        private void startMembers() throws IOException {
            int[] nodePorts = new int[nodes];
            int[] httpPorts = new int[nodes];
            int[] adminPorts = new int[nodes];
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < nodes; i++) {
                    nodePorts[i] = freePort(held);
                    httpPorts[i] = freePort(held);
                    adminPorts[i] = freePort(held);
                }
            } finally {
                for (ServerSocket ss : held) ss.close();
            }
            Files.writeString(dir.resolve("secret"), HexFormat.of().formatHex(new SecureRandom().generateSeed(32)) + "\n");
            StringBuilder toml = new StringBuilder("# written by duro cluster test\nreplicas = 3\ndata_dir = \"data\"\nsecret_file = \"secret\"\n");
            for (int i = 0; i < nodes; i++) {
                toml.append("\n[[member]]\nid = \"n").append(i).append("\"\nhost = \"127.0.0.1\"\nnode_port = ").append(nodePorts[i])
                        .append("\nhttp_port = ").append(httpPorts[i]).append('\n');
            }
            Path config = dir.resolve("cluster.toml");
            Files.writeString(config, toml);
            for (int i = 0; i < nodes; i++) {
                List<String> flags = new ArrayList<>();
                if ("lying-disk".equals(plantedBug)) flags.add("--lying-disk");
                else if (!noLazyDisk) flags.add("--lazy-disk");
                if (plantedBug != null && !plantedBug.equals("lying-disk")) flags.addAll(List.of("--planted-bug", plantedBug));
                NodeProcess m = new NodeProcess(i, httpPorts[i], adminPorts[i], config, dir.resolve("n" + i + ".log"), flags);
                members.add(m);
                m.start();
            }
        }

        /** Null when every object answered a read through some member; else why not. */
        private String awaitReady(long boundMs) {
            long deadline = System.nanoTime() + boundMs * 1_000_000L;
            for (int obj = 0; obj < Workload.OBJECTS; obj++) {
                String key = null;
                for (int k = 0; k < 1000 && key == null; k++) if (Workload.objectOf("k" + k).equals("registers-" + obj)) key = "k" + k;
                int attempt = 0;
                while (true) {
                    NodeProcess m = members.get(attempt++ % members.size());
                    if (get(m.httpPort, "/get?obj=registers-" + obj + "&key=" + key) == 200) break;
                    for (NodeProcess x : members) {
                        if (!x.alive()) return "n" + x.index + " exited with status " + x.exitStatus() + " during start-up (see "
                                + dir.resolve("n" + x.index + ".log") + ")";
                    }
                    if (System.nanoTime() > deadline) return "the cluster did not serve object registers-" + obj + " within " + boundMs + " ms of start";
                    pause(200);
                }
            }
            say("cluster ready: every object answered");
            return null;
        }

        private int get(int port, String path) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).GET().build();
                return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        private void inject(FaultPlan.Fault f) throws InterruptedException {
            restartUnexpectedExits();
            injected.merge(f.kind(), 1, Integer::sum);
            switch (f.kind()) {
                case "kill" -> {
                    NodeProcess m = members.get(f.node());
                    long pid = m.alive() ? m.pid() : -1;
                    m.kill();
                    say("kill -9 n%d (pid %d)", f.node(), pid);
                }
                case "pause" -> {
                    NodeProcess m = members.get(f.node());
                    m.pause();
                    say("SIGSTOP n%d (pid %d)%s", f.node(), m.pid(), m.paused() ? "" : ": FAILED to stop it");
                }
                case "power" -> {
                    killAll();
                    say("power cut: kill -9 every member at once");
                }
                case "delay" -> {
                    boolean told = members.get(f.node()).setFaults(http, "delayMs=" + f.delayMs());
                    say("delay every frame into n%d by %d ms%s", f.node(), f.delayMs(), told ? "" : " (n" + f.node() + " did not answer)");
                }
                default -> {
                    List<String> silent = new ArrayList<>();
                    for (NodeProcess m : members) {
                        if (!m.setFaults(http, rulesOf(f.cut(), m.index))) silent.add("n" + m.index);
                    }
                    say("%s%s", f.what(), silent.isEmpty() ? "" : " (" + silent + " did not answer; their peers enforce it)");
                }
            }
        }

        private void heal(FaultPlan.Fault f) throws IOException, InterruptedException {
            switch (f.kind()) {
                case "kill" -> {
                    NodeProcess m = members.get(f.node());
                    m.start();
                    say("restart n%d (pid %d) on its data", f.node(), m.pid());
                }
                case "pause" -> {
                    members.get(f.node()).resume();
                    say("SIGCONT n%d", f.node());
                }
                case "power" -> {
                    for (NodeProcess m : members) m.start();
                    say("restarted every member on its data");
                }
                case "delay" -> {
                    members.get(f.node()).setFaults(http, "");
                    say("n%d: delay healed", f.node());
                }
                default -> {
                    for (NodeProcess m : members) m.setFaults(http, "");
                    say("partition healed");
                }
            }
        }

        /** Every member running, resumed and without frame faults. */
        private void healAll() throws IOException {
            for (NodeProcess m : members) m.resume();
            restartUnexpectedExits();
            for (NodeProcess m : members) {
                for (int attempt = 0; attempt < 50 && !m.setFaults(http, ""); attempt++) pause(200); // a restarted one may still be starting
            }
        }

        /** A member that ended without being killed by us (a fail-stop): said, counted, started again. */
        private void restartUnexpectedExits() {
            for (NodeProcess m : members) {
                if (m.alive() || m.starts() == 0) continue;
                int status = m.exitStatus();
                unexpectedExits++;
                say("n%d exited by itself with status %d (see its log); starting it again", m.index, status);
                try {
                    m.start();
                } catch (IOException e) {
                    say("n%d could not be started again: %s", m.index, e.getMessage());
                }
            }
        }

        private String rulesOf(boolean[][] cut, int self) {
            List<String> to = new ArrayList<>();
            List<String> from = new ArrayList<>();
            for (int p = 0; p < cut.length; p++) {
                if (cut[self][p]) to.add("n" + p);
                if (cut[p][self]) from.add("n" + p);
            }
            return "dropTo=" + String.join(",", to) + "&dropFrom=" + String.join(",", from);
        }

        private int report(Workload w, History history, List<String> silent, String livenessFailure, String repro) throws IOException {
            Path historyFile = dir.resolve("history.jsonl");
            Judge.Judgement j = null;
            long failedOps = 0;
            int lost = 0;
            if (history != null) {
                Files.writeString(historyFile, DuroJsonLines.write(history));
                Path keysDir = Files.createDirectories(dir.resolve("keys"));
                Map<Object, List<Operation>> byKey = new TreeMap<>();
                for (Operation op : history.operations()) byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
                for (Map.Entry<Object, List<Operation>> e : byKey.entrySet()) {
                    Files.writeString(keysDir.resolve(e.getKey() + ".jsonl"), DuroJsonLines.write(History.of(e.getValue())));
                }
                for (Operation op : history.operations()) if (op.status() == Status.FAIL) failedOps++;
                j = Judge.judge(history);
                lost = j.lostAcknowledged();
            }
            String verdict;
            int exit;
            if (j != null && !j.safe()) {
                verdict = "FAIL";
                exit = 1;
            } else if (livenessFailure != null) {
                verdict = "FAIL";
                exit = 4;
            } else if (j != null && !j.unknownKeys().isEmpty()) {
                verdict = "UNKNOWN";
                exit = 3;
            } else {
                verdict = "PASS";
                exit = 0;
            }
            int faultCount = injected.values().stream().mapToInt(Integer::intValue).sum();
            if (j != null) {
                for (String v : j.violations()) o.println("K1 not linearizable: " + v);
                for (String f : j.findings()) o.println("K2 durability: " + f);
                if (!j.unknownKeys().isEmpty()) o.println("no verdict (step budget) for keys " + j.unknownKeys());
            }
            if (livenessFailure != null) o.println("liveness: " + livenessFailure);
            o.println("verdict: " + verdict);
            o.printf(Locale.ROOT, "ops: %d (%d ok, %d indeterminate, %d failed)%n", w.ops(), w.okOps(), w.indeterminate(), failedOps);
            o.println("faults: " + faultCount + " injected " + injected + (unexpectedExits > 0 ? "; " + unexpectedExits
                    + " members exited by themselves" : ""));
            if (j != null) {
                o.printf("lost acknowledged writes: %d (of %d acknowledged writes and swaps, %d final reads)%n", lost,
                        j.acknowledgedWrites(), j.finalReads());
                o.printf("linearizable: %d of %d keys%n", keys - j.violations().size() - j.unknownKeys().size(), keys);
                o.println("history: " + historyFile + " (per key in " + dir.resolve("keys") + ": duro check --model cas-register "
                        + "--format duro-jsonl " + dir.resolve("keys") + ")");
            }
            o.println("repro: " + repro);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("verdict", verdict);
                m.put("exitCode", (long) exit);
                m.put("ops", w.ops());
                m.put("okOps", w.okOps());
                m.put("indeterminateOps", w.indeterminate());
                m.put("faults", (long) faultCount);
                Map<String, Object> kinds = new LinkedHashMap<>();
                injected.forEach((k, v) -> kinds.put(k, (long) v));
                m.put("faultsByKind", kinds);
                m.put("unexpectedExits", (long) unexpectedExits);
                m.put("lostAcknowledged", (long) lost);
                m.put("acknowledgedWrites", j == null ? 0L : (long) j.acknowledgedWrites());
                m.put("linearizableKeys", j == null ? 0L : (long) (keys - j.violations().size() - j.unknownKeys().size()));
                m.put("keys", (long) keys);
                m.put("silentKeys", silent);
                m.put("liveness", livenessFailure == null ? "ok" : livenessFailure);
                m.put("history", history == null ? null : historyFile.toString());
                m.put("repro", repro);
                o.println(Json.write(m));
            }
            o.flush();
            return exit;
        }

        void killAll() {
            for (NodeProcess m : members) {
                try {
                    m.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void sleepUntil(long ms) throws InterruptedException {
            long left = ms - (System.nanoTime() - startNanos) / 1_000_000;
            if (left > 0) Thread.sleep(left);
        }

        private void say(String format, Object... args) {
            double at = startNanos == 0 ? 0 : (System.nanoTime() - startNanos) / 1e9;
            o.printf(Locale.ROOT, "  %+7.1fs %s%n", at, String.format(Locale.ROOT, format, args));
            o.flush();
        }
    }

    private static int freePort(List<ServerSocket> held) throws IOException {
        ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        held.add(ss);
        return ss.getLocalPort();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
