package dev.duro.cli.bench;

import dev.duro.cli.UserError;
import dev.duro.cli.bench.storage.StorageBenchmark;
import dev.duro.scenarios.ScenarioCatalogue;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code duro bench runtime}: the one-node runtime in simulation. Part 1 runs seeds of the
 * {@code counter} and {@code kv} scenarios end to end (simulation plus checkers) and reports client
 * operations per wall second and simulated seconds per wall second. Part 2 is JMH: the SQLite
 * storage engine's operations per second, each beside the same operation on raw sqlite-jdbc, as
 * a ratio. These are the baseline the cluster is measured against.
 */
@Command(name = "runtime", mixinStandardHelpOptions = true,
        description = {"Benchmark the one-node runtime in simulation: counter and kv scenario throughput",
                "(client ops per wall second, simulated time per wall second) and SQLite storage engine ops/s",
                "side by side with raw sqlite-jdbc (JMH, one core)."})
public class BenchRuntimeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JmhLauncher jmh;

    @Option(names = "--seeds", defaultValue = "40", description = "Measured seeds per scenario and fault mix; default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--warmup-seeds", defaultValue = "15", description = "Unmeasured seeds first (JIT warm-up); default: ${DEFAULT-VALUE}.")
    int warmupSeeds;

    @Option(names = "--skip-jmh", description = "Only the scenario part.")
    boolean skipJmh;

    @Override
    public Integer call() {
        if (seeds < 1 || warmupSeeds < 0) throw new UserError("need --seeds >= 1 and --warmup-seeds >= 0");
        PrintWriter out = spec.commandLine().getOut();
        out.println("duro bench runtime: scenarios, " + warmupSeeds + " warm-up + " + seeds + " measured seeds each (one core)");
        out.println(String.format(Locale.ROOT, "%-9s %-11s %10s %14s %16s %12s", "scenario", "faults", "client ops",
                "ops/wall s", "sim s/wall s", "ms/run"));
        out.flush();
        for (String name : List.of("counter", "kv")) {
            Scenario scenario = ScenarioCatalogue.find(name).orElseThrow();
            for (String faults : List.of("none", "crash,disk")) {
                FaultSelection selection = FaultSelection.parse(faults);
                for (int s = 0; s < warmupSeeds; s++) run(scenario, 10_000 + s, selection);
                long ops = 0;
                long simNanos = 0;
                long start = System.nanoTime();
                for (int s = 1; s <= seeds; s++) {
                    RunResult r = run(scenario, s, selection);
                    ops += leadingCount(r.parameters().getOrDefault("outcome", ""));
                    simNanos += r.simTimeNanos();
                }
                double wallS = (System.nanoTime() - start) / 1e9;
                out.println(String.format(Locale.ROOT, "%-9s %-11s %10d %,14.0f %,16.1f %12.1f", name, faults, ops,
                        ops / wallS, simNanos / 1e9 / wallS, wallS * 1000 / seeds));
                out.flush();
            }
        }
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

    private static RunResult run(Scenario scenario, long seed, FaultSelection faults) {
        return Runner.run(scenario, RunConfig.of(seed, scenario.name()).withFaults(faults), TraceListener.NONE);
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
