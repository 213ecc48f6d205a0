package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.reports.run.RunFolder;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duro sim minimize}: a failing run shrunk to a smaller one that fails the same property
 * ({@link Minimizer}), its plan and report in a run folder, and the line that replays it.
 */
@Command(name = "minimize", mixinStandardHelpOptions = true,
        description = {"Shrink a failing run (same options as 'sim run') to a smaller run that fails the same property: "
                + "shorter, fewer nodes, clients and objects, standing fault rates off, and delta debugging over its fault "
                + "events and client operations, each candidate a deterministic run of the seed, the settings and a plan.",
                "Prints the sizes before and after, the time it took and the line that replays the result; the minimized "
                        + "plan (plan.jsonl), the original one (plan-original.jsonl) and the result's report go into the run folder.",
                "Exit codes: 0 minimized (the written plan was replayed and fails the same property), 1 the recorded plan "
                        + "did not reproduce the failure, 2 bad usage or a run that passes, 70 internal error."})
public class SimMinimizeCommand implements Callable<Integer> {
    /** The most wall time one minimization may take. */
    static final long MAX_TIME_S = 3_600;

    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The run folder for the minimized run; default: duro-runs/<scenario>-<seed>[-<bugs>]-min.")
    Path out;

    @Option(names = "--property", paramLabel = "P",
            description = "The property the smaller run must fail (P3, K1, ...); default: the original run's first violation's.")
    String property;

    @Option(names = "--max-time", paramLabel = "S", defaultValue = "120",
            description = "Stop shrinking after S seconds of wall time (1.." + MAX_TIME_S + "), keeping the smallest run so far; "
                    + "default: ${DEFAULT-VALUE}.")
    long maxTimeS;

    @Option(names = "--max-runs", paramLabel = "N", defaultValue = "1000",
            description = "Stop after N candidate runs (1..100000); default: ${DEFAULT-VALUE}.")
    int maxRuns;

    @Option(names = "--quiet", description = "Print only the result, not each step that made the run smaller.")
    boolean quiet;

    /** What one minimization found, for the command's output and the table. */
    record Report(String property, Minimizer.Sizes before, Minimizer.Sizes after, int runs, double seconds, String stoppedBy,
                  Path folder, String repro, boolean verified, Minimizer.Candidate best) {}

    @Override
    public Integer call() {
        if (maxTimeS < 1 || maxTimeS > MAX_TIME_S) throw new UserError("--max-time must lie in 1.." + MAX_TIME_S + " s, got " + maxTimeS);
        if (maxRuns < 1 || maxRuns > 100_000) throw new UserError("--max-runs must lie in 1..100000, got " + maxRuns);
        Scenario scenario = run.scenario();
        RunConfig config = run.config();
        PrintWriter w = spec.commandLine().getOut();
        Minimizer.Progress progress = quiet ? (what, now) -> { } : (what, now) -> {
            w.println("  smaller: " + what + " -> " + now.line());
            w.flush();
        };
        Report r = minimize(scenario, config, property == null ? List.of() : List.of(property), out, maxTimeS, maxRuns, progress, w);
        return r.verified() ? 0 : 1;
    }

    /**
     * Minimizes the run of {@code config} for the first property in {@code wanted} that it fails
     * (empty: its first violation's); prints the result to {@code w}. Shared with the
     * table command. A run that passes (or fails none of {@code wanted}) is a {@link UserError}.
     */
    static Report minimize(Scenario scenario, RunConfig requested, List<String> wanted, Path outDir, long maxTimeS, int maxRuns,
                           Minimizer.Progress progress, PrintWriter w) {
        if (!(scenario instanceof ObjectScenario)) {
            throw new UserError("scenario '" + scenario.name() + "' cannot be minimized: plans record object scenarios "
                    + "(kv, counter, bank, chat, rate-limiter, scheduler)");
        }
        RunConfig config = Runner.resolved(scenario, requested);
        long start = WallClock.nanos();
        Path dir = outDir != null ? outDir : Path.of(RunFolderOutput.defaultDir(config) + "-min");
        RunFolderOutput.prepare(dir);
        // The original run, seeded as ever, names the property; its recorded plan must fail the same.
        Minimizer probe = new Minimizer(scenario, "", Long.MAX_VALUE, Integer.MAX_VALUE, progress);
        Minimizer.Tried original = probe.run(new Minimizer.Candidate(config, null));
        if (original == null) throw new UserError("the run cannot start: " + probe.unrunnable());
        List<String> failed = original.result().violations().stream().map(Violation::property).distinct().toList();
        // The first of the wanted properties (most direct first) that the run fails; without any, its first violation's.
        String property = wanted.isEmpty() ? failed.stream().findFirst().orElse(null)
                : wanted.stream().filter(failed::contains).findFirst().orElse(null);
        if (property == null) {
            throw new UserError(failed.isEmpty() ? "the run passes (no property failed): nothing to minimize"
                    : "the run does not fail " + String.join(" or ", wanted) + " (it fails " + failed + "): nothing to minimize");
        }
        Violation first = original.result().violations().stream().filter(v -> v.property().equals(property)).findFirst().orElseThrow();
        w.println("minimize: " + config.scenario() + " seed " + config.seedText() + " fails " + property + " ["
                + first.failureClass().name().toLowerCase(Locale.ROOT) + "]");
        PlanFile.save(dir.resolve("plan-original.jsonl"), PlanFile.write(original.executed(), config, original.result().untilMs(),
                config.nodes()));
        // Room at the end for the last runs (the result into its folder, then its written plan replayed), each
        // no longer than the original was.
        long deadline = start + maxTimeS * 1_000_000_000L - 2 * (WallClock.nanos() - start);
        Minimizer m = new Minimizer(scenario, property, deadline, maxRuns, progress);
        Minimizer.Candidate recorded = new Minimizer.Candidate(config, original.executed());
        Minimizer.Sizes before = recorded.sizes(original.result().untilMs());
        w.println("before: " + before.line());
        w.flush();
        Minimizer.Tried replay = m.run(recorded);
        if (replay == null || !m.failsSame(replay.result())) {
            w.println("the recorded plan (" + dir.resolve("plan-original.jsonl") + ") replays without failing " + property
                    + (replay == null ? " (" + m.unrunnable() + ")" : " (it fails " + replay.result().violations().stream()
                    .map(Violation::property).distinct().toList() + ")") + ": cannot minimize this run");
            w.flush();
            return new Report(property, before, before, m.runs() + 1, (WallClock.nanos() - start) / 1e9, "no reproduction", dir,
                    "", false, recorded);
        }
        Minimizer.Outcome o = m.minimize(new Minimizer.Candidate(config, replay.executed()), replay.result());
        Minimizer.Candidate best = o.best();
        // The smallest run once more, into its folder (report, trace, and the plan it executed) ...
        RunFolderOutput folder = RunFolderOutput.open(dir);
        RunResult finalRun;
        try {
            finalRun = SimRunCommand.runPlanned(scenario, best.config(), new SimRunCommand.PlannedRun(dir.resolve(RunFolder.PLAN),
                    best.plan()), folder.trace(), folder::afterRun);
        } finally {
            folder.trace().close();
        }
        // The best plan is one a run executed, so the run executes it again exactly: the folder's plan is
        // the same plan, and its repro line names it.
        Path planFile = dir.resolve(RunFolder.PLAN);
        folder.finish(finalRun, planFile);
        // ... and the written plan read back and replayed, as the repro line will: the same run, digest and all.
        SimRunCommand.PlannedRun written = SimRunCommand.PlannedRun.read(planFile, scenario, best.config());
        RunResult check = SimRunCommand.runPlanned(scenario, best.config(), written, dev.duro.sim.trace.TraceListener.NONE, r -> { });
        boolean verified = m.failsSame(finalRun) && m.failsSame(check) && check.digest().equals(finalRun.digest());
        double seconds = (WallClock.nanos() - start) / 1e9;
        Minimizer.Sizes after = best.sizes(finalRun.untilMs());
        String repro = finalRun.repro() + " --plan " + planFile;
        List<String> lines = new ArrayList<>();
        lines.add("after:  " + after.line());
        lines.add(String.format(Locale.ROOT, "time: %.1f s, %d candidate runs (stopped: %s)", seconds, o.runs() + 3, o.stoppedBy()));
        if (!m.unrunnable().isEmpty()) lines.add("note: " + m.unrunnable());
        lines.add(verified ? "verified: the written plan replays to the same digest and fails " + property + " again"
                : "NOT verified: the written plan replays " + (m.failsSame(check) ? "to digest " + check.digest() + ", not "
                + finalRun.digest() : "without failing " + property) + " (a determinism problem; please report it)");
        lines.add("folder: " + dir + " (report.html, plan.jsonl, plan-original.jsonl)");
        lines.add("repro: " + repro);
        for (String l : lines) w.println(l);
        w.flush();
        List<String> summary = new ArrayList<>();
        summary.add("minimize: " + config.scenario() + " seed " + config.seedText() + " fails " + property);
        summary.add("before: " + before.line());
        summary.addAll(lines);
        PlanFile.save(dir.resolve("minimize.txt"), String.join("\n", summary) + "\n");
        return new Report(property, before, after, o.runs() + 3, seconds, o.stoppedBy(), dir, repro, verified, best);
    }
}
