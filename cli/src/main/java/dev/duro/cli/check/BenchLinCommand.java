package dev.duro.cli.check;

import dev.duro.cli.DuroHome;
import dev.duro.cli.UserError;
import dev.duro.model.check.CheckResult;
import dev.duro.model.check.LinearizabilityChecker;
import dev.duro.model.check.Models;
import dev.duro.model.check.Verdict;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import dev.duro.model.history.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code duro bench lin}: times the checker on Porcupine's corpus, in process after a warm-up
 * pass, and prints per file our median, Porcupine's median (verdicts.csv) and the ratio, then
 * group totals. Fast files repeat until {@code --min-ms} has passed (at most 1000 runs), like
 * Porcupine's own measurements. Rows Porcupine timed out on are skipped.
 */
@Command(name = "lin", mixinStandardHelpOptions = true,
        description = "Benchmark the linearizability checker against Porcupine's times (verdicts.csv).")
public final class BenchLinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "5", description = "Minimum timed runs per file. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--min-ms", defaultValue = "200", description = "Keep repeating a file until this long was spent (max 1000 runs). Default: ${DEFAULT-VALUE}.")
    long minMs;

    @Option(names = "--json", description = "One JSON object per file, then one for the totals.")
    boolean json;

    @Option(names = "--corpus", paramLabel = "DIR", description = "The porcupine directory (default: testdata/lin/porcupine in the Duro checkout).")
    Path corpus;

    private record Row(String file, boolean byKey, boolean expectOk, double porcupineS, String group) {}

    @Override
    public Integer call() {
        if (runs < 1 || runs > 1000) throw new UserError("--runs must be 1..1000 (timed runs per file), got " + runs);
        if (minMs < 0) throw new UserError("--min-ms must be >= 0, got " + minMs);
        Path dir = corpus != null ? corpus : defaultCorpus();
        if (!Files.isRegularFile(dir.resolve("verdicts.csv"))) {
            throw new UserError("--corpus " + dir + ": no Porcupine corpus there (no verdicts.csv)");
        }
        List<Row> rows = readRows(dir);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, History> loaded = new LinkedHashMap<>();
        for (Row r : rows) {
            loaded.computeIfAbsent(r.file, f -> HistoryFiles.load(dir.resolve(f),
                    f.startsWith("jepsen/") ? HistoryFormat.JEPSEN_ETCD : HistoryFormat.JEPSEN_KV));
        }
        for (Row r : rows) once(r, loaded.get(r.file)); // warm-up: JIT, and verdicts must agree
        Map<String, double[]> groups = new LinkedHashMap<>(); // group -> {ours, porcupine}
        int disagreements = 0;
        if (!json) out.printf("%-22s %-7s %-13s %10s %12s %8s%n", "file", "part", "verdict", "ours ms", "porcupine ms", "ratio");
        for (Row r : rows) {
            History h = loaded.get(r.file);
            List<Long> times = new ArrayList<>();
            long spentNanos = 0;
            Verdict v = null;
            while (times.size() < runs || (spentNanos < TimeUnit.MILLISECONDS.toNanos(minMs) && times.size() < 1000)) {
                long t0 = System.nanoTime();
                v = once(r, h).verdict();
                long t = System.nanoTime() - t0;
                times.add(t);
                spentNanos += t;
            }
            long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
            double oursS = sorted[sorted.length / 2] / 1e9;
            boolean agrees = v == (r.expectOk ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
            if (!agrees) disagreements++;
            double[] g = groups.computeIfAbsent(r.group, k -> new double[2]);
            g[0] += oursS;
            g[1] += r.porcupineS;
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("file", r.file);
                o.put("partitioning", r.byKey ? "by-key" : "none");
                o.put("verdict", CheckCommand.verdictName(v));
                o.put("agrees", agrees);
                o.put("runs", (long) times.size());
                o.put("oursMs", round(oursS * 1e3));
                o.put("porcupineMs", round(r.porcupineS * 1e3));
                o.put("ratio", round(oursS / r.porcupineS));
                out.println(Json.write(o));
            } else {
                out.printf(Locale.ROOT, "%-22s %-7s %-13s %10.3f %12.3f %8.3f%s%n", r.file, r.byKey ? "by-key" : "none",
                        CheckCommand.verdictName(v), oursS * 1e3, r.porcupineS * 1e3, oursS / r.porcupineS,
                        agrees ? "" : "  DISAGREES");
            }
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        if (!json) out.printf("%ntotals (sum of medians)%n");
        for (Map.Entry<String, double[]> e : groups.entrySet()) {
            double[] g = e.getValue();
            if (json) {
                // Insertion-ordered: Map.of's iteration order changes from run to run.
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("oursMs", round(g[0] * 1e3));
                group.put("porcupineMs", round(g[1] * 1e3));
                group.put("ratio", round(g[0] / g[1]));
                totals.put(e.getKey(), group);
            } else {
                out.printf(Locale.ROOT, "%-34s ours %10.3f ms  porcupine %10.3f ms  ratio %6.3f%n", e.getKey(), g[0] * 1e3, g[1] * 1e3, g[0] / g[1]);
            }
        }
        if (json) {
            totals.put("disagreements", (long) disagreements);
            out.println(Json.write(Map.of("totals", totals)));
        } else {
            out.println(disagreements == 0 ? "all verdicts agree" : disagreements + " verdicts DISAGREE");
        }
        out.flush();
        return disagreements == 0 ? 0 : 1;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static CheckResult once(Row r, History h) {
        return LinearizabilityChecker.check(h, Models.create(r.file.startsWith("jepsen/") ? "cas-register" : "kv", null),
                LinearizabilityChecker.Options.unbounded().withPartition(r.byKey)
                        .withDeadline(TimeUnit.SECONDS.toNanos(120), System::nanoTime));
    }

    /** The corpus kept in the repository: {@code duro.home} (set by the launcher) or the jar's checkout. */
    private static Path defaultCorpus() {
        Path dir = DuroHome.find().resolve("testdata/lin/porcupine");
        if (!Files.isRegularFile(dir.resolve("verdicts.csv"))) {
            throw new UserError("no Porcupine corpus at " + dir.toAbsolutePath().normalize() + " (pass --corpus DIR)");
        }
        return dir;
    }

    private static List<Row> readRows(Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve("verdicts.csv"));
        } catch (IOException e) {
            throw new UserError(dir.resolve("verdicts.csv") + ": cannot read: " + e.getMessage());
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length < 10) throw new UserError(dir.resolve("verdicts.csv") + ":" + (i + 1) + ": expected 12 columns");
            if (f[3].equals("NO_TEST") || !f[4].matches("Ok|Illegal")) continue; // no test, or Porcupine timed out
            boolean byKey = f[2].equals("by-key");
            String group = f[0].startsWith("jepsen/") ? "etcd (102 files)"
                    : f[0].substring(0, f[0].lastIndexOf('.')) + (byKey ? " by key" : " unpartitioned");
            rows.add(new Row(f[0], byKey, Boolean.parseBoolean(f[3]), Double.parseDouble(f[9]), group));
        }
        if (Arrays.asList(dir.toFile().list()).isEmpty()) throw new UserError(dir + ": empty corpus");
        return rows;
    }
}
