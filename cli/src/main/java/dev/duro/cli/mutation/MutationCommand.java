package dev.duro.cli.mutation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duro mutation}: reading the PIT mutation reports (docs/mutation.md). */
@Command(
        name = "mutation",
        mixinStandardHelpOptions = true,
        description = "Tabulate PIT mutation reports (run PIT with './duro test -Pmutation ...', docs/mutation.md).",
        subcommands = {MutationTableCommand.class})
public final class MutationCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: try 'duro mutation table --help'");
    }
}
