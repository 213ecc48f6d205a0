package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code duro sim sweep}: many seeds of one scenario (or all), one line per scenario with the
 * failures by property and the reproduction line of the first few failing seeds. For long
 * searches outside CI; the CI suite runs a bounded sweep as a test.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a range of seeds of one scenario (or 'all' object scenarios) and tabulate the failures.",
                "Exit code: 0 all passed, else the most severe failure class seen (1 safety, 3 crash, 4 liveness)."})
public class SimSweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "S", defaultValue = "all",
            description = "Scenario name, or 'all' for every catalogue scenario; default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--seeds", paramLabel = "A..B", defaultValue = "1..100",
            description = "Inclusive seed range; default: ${DEFAULT-VALUE}.")
    String seeds;

    @Option(names = "--faults", paramLabel = "F", defaultValue = "swarm",
            description = "swarm, none, all, or a comma list (see 'sim run --help'); default: ${DEFAULT-VALUE}.")
    String faults;

    @Option(names = "--until-ms", paramLabel = "T", defaultValue = "0",
            description = "Simulated-time budget per run in ms; 0 = each scenario's default.")
    long untilMs;

    @Option(names = "--show", paramLabel = "K", defaultValue = "5",
            description = "Reproduction lines to print per scenario; default: ${DEFAULT-VALUE}.")
    int show;

    @Override
    public Integer call() {
        long[] range = parseRange(seeds);
        FaultSelection selection;
        try {
            selection = FaultSelection.parse(faults);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (untilMs < 0) throw new UserError("--until-ms must be >= 0, got " + untilMs);
        List<Scenario> targets = new ArrayList<>();
        if (scenario.equals("all")) {
            targets.addAll(ScenarioCatalogue.all());
        } else {
            targets.add(ScenarioCatalogue.find(scenario).orElseThrow(() -> new UserError("unknown scenario '" + scenario
                    + "' (known: all, " + String.join(", ", ScenarioCatalogue.names()) + ")")));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("duro sim sweep: seeds " + range[0] + ".." + range[1] + ", faults " + faults);
        out.println(String.format(Locale.ROOT, "%-14s %6s %6s %9s %10s  %s", "scenario", "runs", "failed", "wall s",
                "ms/run", "failures by property"));
        out.flush();
        int exit = 0;
        for (Scenario s : targets) {
            Map<String, Integer> byProperty = new TreeMap<>();
            List<String> repros = new ArrayList<>();
            int failed = 0;
            long start = WallClock.nanos();
            for (long seed = range[0]; seed <= range[1]; seed++) {
                RunConfig config = RunConfig.of(seed, s.name()).withUntilMs(untilMs).withFaults(selection);
                RunResult r = Runner.run(s, config, TraceListener.NONE);
                if (r.violations().isEmpty()) continue;
                failed++;
                for (Violation v : r.violations().stream().map(v -> v.property()).distinct()
                        .map(p -> r.violations().stream().filter(v -> v.property().equals(p)).findFirst().orElseThrow()).toList()) {
                    byProperty.merge(v.property(), 1, Integer::sum);
                }
                exit = worse(exit, r.exitCode());
                if (repros.size() < show) repros.add("  " + r.violations().get(0) + "\n    repro: " + r.repro());
            }
            double wallS = (WallClock.nanos() - start) / 1e9;
            long runs = range[1] - range[0] + 1;
            out.println(String.format(Locale.ROOT, "%-14s %6d %6d %9.1f %10.1f  %s", s.name(), runs, failed, wallS,
                    wallS * 1000 / runs, byProperty.isEmpty() ? "-" : byProperty.toString()));
            for (String line : repros) out.println(line);
            out.flush();
        }
        return exit;
    }

    /** Safety (1) beats crash (3) beats liveness (4); other codes pass through. */
    private static int worse(int a, int b) {
        int[] order = {1, 3, 4, 5};
        for (int code : order) if (a == code || b == code) return code;
        return Math.max(a, b);
    }

    private static long[] parseRange(String text) {
        String[] parts = text.split("\\.\\.", -1);
        try {
            long a = RunOptions.parseSeed(parts[0]);
            long b = parts.length == 2 ? RunOptions.parseSeed(parts[1]) : a;
            if (parts.length > 2 || Long.compareUnsigned(a, b) > 0) throw new UserError("");
            return new long[] {a, b};
        } catch (UserError e) {
            throw new UserError("malformed --seeds '" + text + "': expected A..B with A <= B (for example 1..200)");
        }
    }
}
