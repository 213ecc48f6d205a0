package dev.duro.cli.sim;

import dev.duro.sim.run.DoubleRun;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code duro sim double-run}: the determinism check (P7). */
@Command(name = "double-run", mixinStandardHelpOptions = true,
        description = {"Run the same seed twice in this JVM, interleaved, and compare the traces event by event.",
                "Reports identical digests, or the first divergent event with the events before it from both runs.",
                "Exit codes: 5 when the runs diverge; otherwise as 'sim run'."})
public class SimDoubleRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--context", paramLabel = "K", defaultValue = "8",
            description = "Events to show before the divergence; default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--json", description = "End the output with one JSON object summarizing the first run.")
    boolean json;

    @Override
    public Integer call() {
        if (context < 0 || context > 1000) throw new dev.duro.cli.UserError("--context must lie in [0, 1000], got " + context);
        RunConfig config = run.config();
        PrintWriter out = spec.commandLine().getOut();
        long start = WallClock.nanos();
        DoubleRun.Result result = DoubleRun.run(run.scenario(), config, context);
        long wall = WallClock.nanos() - start;
        out.println("run 1 digest: " + result.first().digest() + " (" + result.first().traceEvents() + " trace events)");
        out.println("run 2 digest: " + result.second().digest() + " (" + result.second().traceEvents() + " trace events)");
        if (result.deterministic()) {
            out.println("determinism: OK, identical traces");
        } else {
            out.println("determinism: FAILED");
            out.println("violation: " + result.violation());
            if (result.divergence() != null) {
                List<String> lines = result.divergence().lines();
                for (String line : lines) out.println(line);
            }
        }
        SimRunCommand.print(result.first(), wall, out, null, false, "double-run");
        if (json) {
            String j = result.first().toJson();
            out.println(j.substring(0, j.length() - 1) + ",\"deterministic\":" + result.deterministic()
                    + ",\"secondDigest\":\"" + result.second().digest() + "\""
                    + (result.divergence() == null ? "" : ",\"divergenceIndex\":" + result.divergence().index()) + "}");
        }
        out.flush();
        return result.deterministic() ? result.first().exitCode() : FailureClass.DETERMINISM.exitCode();
    }
}
