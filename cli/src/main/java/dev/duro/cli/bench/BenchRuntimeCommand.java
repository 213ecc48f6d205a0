package dev.duro.cli.bench;

import dev.duro.cli.UserError;
import dev.duro.cli.bench.storage.StorageBenchmark;
import dev.duro.cli.sim.SweepEngine;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.trace.TraceListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code duro bench runtime}: the runtime in simulation, one node beside a 5-node cluster. Part 1
 * (one core) runs seeds of the {@code counter} and {@code kv} scenarios end to end (simulation plus
 * checkers) on one node and on the cluster, under the same fault mixes, and reports client
 * operations per wall second and simulated seconds per wall second, with the cluster/one-node
 * ratio of each. Part 2 (every core) is the default sweep (every scenario, swarm faults) on the
 * cluster and on one node: seeds per hour. Part 3 is JMH: the SQLite storage engine's operations
 * per second, each beside the same operation on raw sqlite-jdbc, as a ratio.
 */
@Command(name = "runtime", mixinStandardHelpOptions = true,
        description = {"Benchmark the runtime in simulation, one node beside a 5-node cluster: counter and kv scenario",
                "throughput (client ops per wall second, simulated time per wall second; one core), seeds per hour of",
                "the default sweep (every core), and SQLite storage engine ops/s side by side with raw sqlite-jdbc (JMH)."})
public class BenchRuntimeCommand implements Callable<Integer> {
    /** The fault mixes of part 1: none, the disk and crash faults of the one-node baseline, and the sweep's swarm. */
    static final List<String> FAULT_MIXES = List.of("none", "crash,disk", "swarm");
    /** The most seeds of any part: a benchmark, not a hunt (use 'duro sim sweep' for that). */
    static final int MAX_SEEDS = 100_000;

    @Spec
    CommandSpec spec;

    @Mixin
    JmhLauncher jmh;

    @Option(names = "--seeds", defaultValue = "40", description = "Measured seeds per scenario, fault mix and node count; default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--warmup-seeds", defaultValue = "15", description = "Unmeasured seeds first (JIT warm-up); default: ${DEFAULT-VALUE}.")
    int warmupSeeds;

    @Option(names = "--sweep-seeds", defaultValue = "60", description = "Seeds per scenario of the default-sweep part (0 skips it); default: ${DEFAULT-VALUE}.")
    int sweepSeeds;

    @Option(names = "--skip-jmh", description = "Skip the JMH part.")
    boolean skipJmh;

    /** One row of part 1. */
    record Throughput(long ops, double opsPerWallSecond, double simSecondsPerWallSecond, double msPerRun) {}

    @Override
    public Integer call() {
        if (seeds < 1 || seeds > MAX_SEEDS) throw new UserError("--seeds must be 1.." + MAX_SEEDS + ", got " + seeds);
        if (warmupSeeds < 0 || warmupSeeds > MAX_SEEDS) {
            throw new UserError("--warmup-seeds must be 0.." + MAX_SEEDS + ", got " + warmupSeeds);
        }
        if (sweepSeeds < 0 || sweepSeeds > MAX_SEEDS) {
            throw new UserError("--sweep-seeds must be 0.." + MAX_SEEDS + " (the sweep's runs are listed in memory first), got "
                    + sweepSeeds);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("duro bench runtime: counter and kv, " + warmupSeeds + " warm-up + " + seeds
                + " measured seeds per row (one core); nodes 1 = one node on its disk log, 5 = the cluster (3 replicas per object)");
        out.println(String.format(Locale.ROOT, "%-9s %-11s %5s %10s %14s %14s %10s", "scenario", "faults", "nodes", "client ops",
                "ops/wall s", "sim s/wall s", "ms/run"));
        out.flush();
        for (String name : List.of("counter", "kv")) {
            Scenario scenario = ScenarioCatalogue.find(name).orElseThrow();
            for (String faults : FAULT_MIXES) {
                FaultSelection selection = FaultSelection.parse(faults);
                Throughput one = measure(scenario, selection, 1);
                print(out, name, faults, 1, one);
                Throughput cluster = measure(scenario, selection, 5);
                print(out, name, faults, 5, cluster);
                out.println(String.format(Locale.ROOT, "%-9s %-11s %5s %10s %14.2f %14.2f %10.2f", "", "", "5/1", "",
                        cluster.opsPerWallSecond() / one.opsPerWallSecond(),
                        cluster.simSecondsPerWallSecond() / one.simSecondsPerWallSecond(), cluster.msPerRun() / one.msPerRun()));
                out.flush();
            }
        }
        if (sweepSeeds > 0) sweepPart(out);
        if (skipJmh) return 0;
        out.println();
        out.println("storage engine vs raw sqlite-jdbc (in-memory, JMH " + jmh.settings() + "):");
        out.flush();
        List<JmhLauncher.Score> scores = jmh.run(List.of(StorageBenchmark.class.getName() + "\\..*"));
        Map<String, Double> byName = new HashMap<>();
        for (JmhLauncher.Score s : scores) {
            String method = s.benchmark().substring(s.benchmark().lastIndexOf('.') + 1);
            byName.put(method, s.opsPerSecond());
            JmhLauncher.print(out, s, method, 0);
        }
        ratio(out, byName, "kvPut", "rawPut", "KV put, one durable batch per op, vs raw INSERT OR REPLACE");
        ratio(out, byName, "kvGet", "rawGet", "KV get vs raw SELECT");
        out.flush();
        return 0;
    }

    private Throughput measure(Scenario scenario, FaultSelection faults, int nodes) {
        for (int s = 0; s < warmupSeeds; s++) run(scenario, 10_000 + s, faults, nodes);
        long ops = 0;
        long simNanos = 0;
        long start = System.nanoTime();
        for (int s = 1; s <= seeds; s++) {
            RunResult r = run(scenario, s, faults, nodes);
            ops += leadingCount(r.parameters().getOrDefault("outcome", ""));
            simNanos += r.simTimeNanos();
        }
        double wallS = (System.nanoTime() - start) / 1e9;
        return new Throughput(ops, ops / wallS, simNanos / 1e9 / wallS, wallS * 1000 / seeds);
    }

    private static void print(PrintWriter out, String scenario, String faults, int nodes, Throughput t) {
        out.println(String.format(Locale.ROOT, "%-9s %-11s %5d %10d %,14.0f %,14.1f %10.1f", scenario, faults, nodes, t.ops(),
                t.opsPerWallSecond(), t.simSecondsPerWallSecond(), t.msPerRun()));
    }

    /** The default sweep (every scenario, swarm) on every core, on the cluster and on one node. */
    private void sweepPart(PrintWriter out) {
        int threads = SweepEngine.defaultThreads();
        out.println();
        out.println("default sweep (every scenario, swarm faults, seeds 1.." + sweepSeeds + " each, " + threads + " job(s)):");
        out.println(String.format(Locale.ROOT, "%-7s %8s %8s %10s %14s", "nodes", "runs", "failed", "wall s", "seeds/hour"));
        double[] perHour = new double[2];
        int[] nodeCounts = {5, 1};
        for (int i = 0; i < nodeCounts.length; i++) {
            int nodes = nodeCounts[i];
            List<SweepEngine.Job> jobs = new ArrayList<>();
            for (Scenario s : ScenarioCatalogue.all()) {
                // Scenarios without a runtime (log-demo, ping) run the same either way.
                int n = s instanceof ObjectScenario ? nodes : 0;
                for (long seed = 1; seed <= sweepSeeds; seed++) {
                    jobs.add(new SweepEngine.Job(s, RunConfig.of(seed, s.name()).withFaults(FaultSelection.parse("swarm")).withNodes(n)));
                }
            }
            long[] failed = {0};
            long start = System.nanoTime();
            new SweepEngine(threads).runAll(jobs.iterator(), o -> {
                if (o.failed()) failed[0]++;
            });
            double wallS = (System.nanoTime() - start) / 1e9;
            perHour[i] = jobs.size() / wallS * 3600;
            out.println(String.format(Locale.ROOT, "%-7d %8d %8d %10.1f %,14.0f", nodes, jobs.size(), failed[0], wallS, perHour[i]));
            out.flush();
        }
        out.println(String.format(Locale.ROOT, "ratio cluster/one-node seeds per hour %.2f", perHour[0] / perHour[1]));
    }

    private static RunResult run(Scenario scenario, long seed, FaultSelection faults, int nodes) {
        return Runner.run(scenario, RunConfig.of(seed, scenario.name()).withFaults(faults).withNodes(nodes), TraceListener.NONE);
    }

    private static void ratio(PrintWriter out, Map<String, Double> byName, String ours, String raw, String label) {
        Double a = byName.get(ours);
        Double b = byName.get(raw);
        if (a == null || b == null) return;
        out.println(String.format(Locale.ROOT, "ratio %-60s %.2f", label, a / b));
    }

    /** The first integer of an outcome line such as "412 ops, 398 answered, ...". */
    static long leadingCount(String outcome) {
        int i = 0;
        while (i < outcome.length() && Character.isDigit(outcome.charAt(i))) i++;
        return i == 0 ? 0 : Long.parseLong(outcome.substring(0, i));
    }
}
