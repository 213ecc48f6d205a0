package dev.duro.cli.sim;

import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.trace.EventKind;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coverage probe of the runtime's fault points (docs/runtime.md, "Fault points"): runs the
 * runs of {@code duro sim sweep --scenario S --seeds A..B --faults F} one after another and counts,
 * per site, the runs in which it fired at least once (each firing is a FAULT trace record
 * labelled {@code fault-point}). A measuring tool, not a test:
 * {@code java -cp cli/target/duro.jar:cli/target/test-classes dev.duro.cli.sim.FaultPointCoverage all 1 100 buggify,crash,partition}.
 */
public final class FaultPointCoverage {
    private FaultPointCoverage() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: FaultPointCoverage SCENARIO|all FIRST_SEED LAST_SEED FAULTS");
            System.exit(2);
        }
        List<Scenario> targets = SimSweepCommand.targets(args[0], false);
        long first = Long.parseLong(args[1]);
        long last = Long.parseLong(args[2]);
        FaultSelection faults = FaultSelection.parse(args[3]);
        TreeMap<String, Integer> runsFired = new TreeMap<>();
        TreeMap<String, Long> firings = new TreeMap<>();
        int runs = 0;
        int failed = 0;
        for (Scenario s : targets) {
            for (long seed = first; seed <= last; seed++) {
                Set<String> sites = new TreeSet<>();
                RunResult r = Runner.run(s, RunConfig.of(seed, s.name()).withFaults(faults), e -> {
                    if (e.kind() == EventKind.FAULT && "fault-point".equals(e.label())) {
                        sites.add(e.detail());
                        firings.merge(e.detail(), 1L, Long::sum);
                    }
                });
                runs++;
                if (!r.violations().isEmpty()) {
                    failed++;
                    System.out.println("FAILED " + s.name() + " seed " + seed + ": " + r.violations().getFirst());
                }
                for (String site : sites) runsFired.merge(site, 1, Integer::sum);
            }
        }
        System.out.println(String.format(Locale.ROOT, "%d runs (%d with violations) of --scenario %s --seeds %d..%d --faults %s",
                runs, failed, args[0], first, last, args[3]));
        System.out.println(String.format(Locale.ROOT, "%-26s %8s %10s", "site", "runs", "firings"));
        for (var e : runsFired.entrySet()) {
            System.out.println(String.format(Locale.ROOT, "%-26s %8d %10d", e.getKey(), e.getValue(), firings.get(e.getKey())));
        }
    }
}
