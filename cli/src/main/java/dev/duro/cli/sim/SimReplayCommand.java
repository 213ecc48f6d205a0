package dev.duro.cli.sim;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code duro sim replay}: a run from a reproduction line, optionally checking the expected digest. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-run a reproduction line (same options as 'sim run'); with --digest, check the trace digest.",
                "Exit codes: as 'sim run'; 5 when the digest differs from --digest."})
public class SimReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Mixin
    OutputOptions output;

    @Option(names = "--digest", paramLabel = "HEX", description = "Expected trace digest (16 hex digits).")
    String digest;

    @Override
    public Integer call() {
        if (digest != null && !digest.matches("[0-9a-fA-F]{16}")) {
            throw new dev.duro.cli.UserError("malformed --digest '" + digest + "': expected 16 hex digits");
        }
        PrintWriter out = spec.commandLine().getOut();
        RunResult result = SimRunCommand.execute(run.scenario(), run.config(), output, out);
        if (digest != null && !digest.equalsIgnoreCase(result.digest())) {
            spec.commandLine().getErr().println("duro: digest mismatch: expected " + digest.toLowerCase(java.util.Locale.ROOT)
                    + ", got " + result.digest() + " (the run is not reproducible on this build or JVM)");
            return FailureClass.DETERMINISM.exitCode();
        }
        if (digest != null) out.println("digest matches: " + result.digest());
        out.flush();
        return result.exitCode();
    }
}
