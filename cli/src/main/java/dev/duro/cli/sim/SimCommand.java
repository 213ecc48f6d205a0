package dev.duro.cli.sim;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duro sim}: deterministic simulation runs. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Deterministic simulation: run a seed, replay a reproduction line, check determinism, shrink a failing run.",
        subcommands = {
            // One line each.
            SimBugsCommand.class,
            SimBugTableCommand.class,
            SimDoubleRunCommand.class,
            SimMinimizeCommand.class,
            SimMinimizeTableCommand.class,
            SimReplayCommand.class,
            SimRunCommand.class,
            SimScenariosCommand.class,
            SimSweepCommand.class,
        })
public class SimCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: try 'duro sim --help'");
    }
}
