package dev.duro.cli.sim;

import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.trace.TraceListener;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Override
    public Integer call() {
        RunConfig config = run.config();
        RunResult result = execute(run.scenario(), config, output, spec.commandLine().getOut());
        return result.exitCode();
    }

    /**
     * Runs and prints; shared with {@code replay}. With {@code --out} the run writes its folder as it
     * goes; without it a failing run is run again with the same seed into its default folder
     * (unless {@code --no-report}), and the rerun must give the same digest.
     */
    static RunResult execute(Scenario scenario, RunConfig config, OutputOptions output, PrintWriter out) {
        OutputOptions.TraceFile traceFile = output.openTrace();
        RunFolderOutput folder = output.out == null ? null : RunFolderOutput.open(output.out);
        long startNanos = WallClock.nanos();
        RunResult result;
        try {
            result = Runner.run(scenario, config, both(traceFile, folder == null ? null : folder.trace()),
                    folder == null ? done -> { } : folder::afterRun);
        } finally {
            if (traceFile != null) traceFile.close();
            if (folder != null) folder.trace().close();
        }
        long wallNanos = WallClock.nanos() - startNanos;
        String report = null;
        if (folder != null) {
            report = folder.finish(result, result.lines()).toString();
        } else if (result.exitCode() != 0 && !output.noReport) {
            report = reportOfRerun(scenario, config, result);
        }
        print(result, wallNanos, out, traceFile, output.json, "run", report);
        return result;
    }

    /** Runs the failing seed again, writing its folder; says so if the rerun is not the same run. */
    private static String reportOfRerun(Scenario scenario, RunConfig config, RunResult first) {
        RunFolderOutput folder = RunFolderOutput.open(RunFolderOutput.defaultDir(config));
        RunResult again;
        try {
            again = Runner.run(scenario, config, folder.trace(), folder::afterRun);
        } finally {
            folder.trace().close();
        }
        String page = folder.finish(again, again.lines()).toString();
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
        List<String> lines = result.lines();
        for (int i = 0; i < lines.size() - 2; i++) out.println(qualified(lines.get(i), result));
        double seconds = wallNanos / 1e9;
        out.println(String.format(Locale.ROOT, "wall: %.3f s (%,.0f events/s)", seconds,
                seconds > 0 ? result.events() / seconds : 0.0));
        if (traceFile != null) out.println("trace: " + traceFile.written() + " events written");
        if (report != null) out.println("report: " + report);
        out.println(lines.get(lines.size() - 2));
        out.println("repro: " + result.repro().replace("./duro sim run ", "./duro sim " + verb + " ")
                + ("replay".equals(verb) ? " --digest " + result.digest() : ""));
        if (json) out.println(result.toJson());
        out.flush();
    }
}
