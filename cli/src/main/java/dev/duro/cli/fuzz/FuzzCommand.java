package dev.duro.cli.fuzz;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duro fuzz}: generated bad input against a live cluster. */
@Command(
        name = "fuzz",
        mixinStandardHelpOptions = true,
        description = "Send generated bad input to a live cluster's ports and check that nothing crashes or is corrupted.",
        subcommands = {FuzzPortsCommand.class})
public final class FuzzCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: try 'duro fuzz ports --help'");
    }
}
