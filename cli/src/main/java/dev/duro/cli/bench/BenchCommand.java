package dev.duro.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code duro bench}: JMH benchmarks run from the duro jar. To add a benchmark group, write a
 * subcommand (see {@link BenchKernelCommand} and {@link JmhLauncher}) and add its class to the
 * list below, one line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: JMH groups run from the duro jar, and the checker against Porcupine's times.",
        subcommands = {
            // One line per benchmark group.
            BenchKernelCommand.class,
            BenchMemoryCommand.class,
            BenchRuntimeCommand.class,
            dev.duro.cli.check.BenchLinCommand.class,
        })
public class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: try 'duro bench --help'");
    }
}
