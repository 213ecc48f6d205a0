package dev.duro.cli;

import picocli.CommandLine;

/** Entry point of the {@code duro} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests: no System.exit). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new DuroCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(new ErrorHandler.Usage());
        Numbers.register(cli);
        return cli;
    }
}
