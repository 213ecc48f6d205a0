package dev.duro.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code duro} root command: a group of subcommands. */
@Command(
        name = "duro",
        mixinStandardHelpOptions = true,
        version = "duro 0.1.0",
        description = "Duro: a Durable-Objects-style platform and its deterministic simulation testbed.",
        subcommands = {
            // Subcommands, one line each; keep alphabetical.
            dev.duro.cli.bench.BenchCommand.class,
            dev.duro.cli.check.CheckCommand.class,
            dev.duro.cli.cluster.ClusterCommand.class,
            dev.duro.cli.node.DevCommand.class,
            dev.duro.cli.fuzz.FuzzCommand.class,
            dev.duro.cli.mutation.MutationCommand.class,
            dev.duro.cli.node.NodeCommand.class,
            dev.duro.cli.sim.SimCommand.class,
        })
public final class DuroCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: try 'duro --help'");
    }
}
