package dev.duro.cli.sim;

import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.trace.TraceListener;
import dev.duro.sim.plan.RunPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code duro sim run}: one seeded run, its verdict, digest and reproduction line. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run one scenario with one seed and print its verdict, digest and reproduction line.",
                "Exit codes: 0 pass, 1 safety violation, 2 bad usage, 3 crash (an invariant broke), 4 liveness failure, "
                        + "5 determinism failure, 6 inconclusive (the event budget ended the run before its workload), "
                        + "70 internal error."})
public class SimRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "Replay a plan (a run folder's plan.jsonl, or what 'duro sim minimize' wrote): the nemesis executes "
                    + "exactly its fault events and standing rates, the clients issue exactly its operations. Object scenarios; "
                    + "the other options must be the ones the plan was recorded with.")
    Path plan;

    @Override
    public Integer call() {
        RunConfig config = run.config();
        Scenario scenario = run.scenario();
        PlannedRun planned = plan == null ? null : PlannedRun.read(plan, scenario, config);
        RunResult result = execute(scenario, config, planned, output, spec.commandLine().getOut());
        return result.exitCode();
    }

    /** A plan read from its file, with the file's name for the reproduction line. */
    record PlannedRun(Path file, RunPlan plan) {
        /** Reads {@code file} for a run of {@code scenario} under {@code config}; problems are one-line errors. */
        static PlannedRun read(Path file, Scenario scenario, RunConfig config) {
            if (!(scenario instanceof dev.duro.scenarios.frame.ObjectScenario)) {
                throw new dev.duro.cli.UserError("scenario '" + scenario.name() + "' takes no --plan: plans record object "
                        + "scenarios (kv, counter, bank, chat, rate-limiter, scheduler)");
            }
            RunConfig resolved = Runner.resolved(scenario, config);
            return new PlannedRun(file, PlanFile.read(file, resolved, Runner.resolvedUntilMs(scenario, config), resolved.nodes()));
        }
    }

    /**
     * Runs and prints; shared with {@code replay}. With {@code --out} the run writes its folder as it
     * goes; without it a failing run is run again with the same seed into its default folder
     * (unless {@code --no-report}), and the rerun must give the same digest.
     */
    static RunResult execute(Scenario scenario, RunConfig config, OutputOptions output, PrintWriter out) {
        return execute(scenario, config, null, output, out);
    }

    /** As above, replaying {@code planned} (null: faults and workload drawn from the seed). */
    static RunResult execute(Scenario scenario, RunConfig config, PlannedRun planned, OutputOptions output, PrintWriter out) {
        OutputOptions.TraceFile traceFile = output.openTrace();
        RunFolderOutput folder = output.out == null ? null : RunFolderOutput.open(output.out);
        long startNanos = WallClock.nanos();
        RunResult result;
        try {
            result = runPlanned(scenario, config, planned, both(traceFile, folder == null ? null : folder.trace()),
                    folder == null ? done -> { } : folder::afterRun);
        } finally {
            if (traceFile != null) traceFile.close();
            if (folder != null) folder.trace().close();
        }
        long wallNanos = WallClock.nanos() - startNanos;
        String report = null;
        if (folder != null) {
            report = folder.finish(result, planned == null ? null : planned.file()).toString();
        } else if (result.exitCode() != 0 && !output.noReport) {
            report = reportOfRerun(scenario, config, planned, result);
        }
        print(result, wallNanos, out, traceFile, output.json, "run", report, planned == null ? "" : " --plan " + planned.file());
        return result;
    }

    /**
     * One run, under {@code planned}'s plan when given; a plan this seed's fault kinds cannot take
     * (a standing rate of a kind that is off) is a one-line error.
     */
    static RunResult runPlanned(Scenario scenario, RunConfig config, PlannedRun planned, TraceListener listener,
                                java.util.function.Consumer<dev.duro.sim.run.ScenarioRun> afterRun) {
        if (planned == null) return Runner.run(scenario, config, listener, afterRun);
        try {
            return Runner.run(scenario, config, planned.plan(), listener, afterRun);
        } catch (IllegalArgumentException e) {
            throw new dev.duro.cli.UserError("plan " + planned.file() + ": " + e.getMessage());
        }
    }

    /** Runs the failing seed again, writing its folder; says so if the rerun is not the same run. */
    private static String reportOfRerun(Scenario scenario, RunConfig config, PlannedRun planned, RunResult first) {
        RunFolderOutput folder = RunFolderOutput.open(RunFolderOutput.defaultDir(config));
        RunResult again;
        try {
            again = runPlanned(scenario, config, planned, folder.trace(), folder::afterRun);
        } finally {
            folder.trace().close();
        }
        String page = folder.finish(again, planned == null ? null : planned.file()).toString();
        if (!again.digest().equals(first.digest())) {
            return page + " (WARNING: the rerun gave digest " + again.digest() + ", not " + first.digest()
                    + ": a determinism bug; ./duro sim double-run names the first divergent event)";
        }
        return page + " (open it in a browser)";
    }

    private static TraceListener both(TraceListener a, TraceListener b) {
        if (a == null) return b == null ? TraceListener.NONE : b;
        if (b == null) return a;
        return event -> {
            a.onEvent(event);
            b.onEvent(event);
        };
    }

    /** The verdict line of a pass that did not judge liveness says so where a person looks. */
    static String qualified(String line, RunResult result) {
        String liveness = result.parameters().getOrDefault("liveness", "");
        if (!line.equals("verdict: PASS") || !liveness.startsWith("not judged")) return line;
        return line + " (safety only: liveness was not judged, see 'param liveness')";
    }

    static void print(RunResult result, long wallNanos, PrintWriter out, OutputOptions.TraceFile traceFile, boolean json,
                      String verb) {
        print(result, wallNanos, out, traceFile, json, verb, null);
    }

    static void print(RunResult result, long wallNanos, PrintWriter out, OutputOptions.TraceFile traceFile, boolean json,
                      String verb, String report) {
        print(result, wallNanos, out, traceFile, json, verb, report, "");
    }

    /** As above; {@code planArg} ({@code " --plan FILE"} or empty) ends the reproduction line. */
    static void print(RunResult result, long wallNanos, PrintWriter out, OutputOptions.TraceFile traceFile, boolean json,
                      String verb, String report, String planArg) {
        List<String> lines = result.lines();
        for (int i = 0; i < lines.size() - 2; i++) out.println(qualified(lines.get(i), result));
        double seconds = wallNanos / 1e9;
        out.println(String.format(Locale.ROOT, "wall: %.3f s (%,.0f events/s)", seconds,
                seconds > 0 ? result.events() / seconds : 0.0));
        if (traceFile != null) out.println("trace: " + traceFile.written() + " events written");
        if (report != null) out.println("report: " + report);
        out.println(lines.get(lines.size() - 2));
        out.println("repro: " + result.repro().replace("./duro sim run ", "./duro sim " + verb + " ")
                + planArg + ("replay".equals(verb) ? " --digest " + result.digest() : ""));
        if (json) out.println(result.toJson(result.repro() + planArg));
        out.flush();
    }
}
