package dev.duro.cli.cluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duro cluster}: commands that run a real cluster of processes on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A real cluster of member processes on loopback: test it under real faults.",
        subcommands = {
            ClusterTestCommand.class,
        })
public class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: try 'duro cluster --help'");
    }
}
