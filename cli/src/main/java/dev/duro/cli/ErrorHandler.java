package dev.duro.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear line and an exit code, never a bare stack trace.
 * {@link UserError} is a problem with the input (exit 2); anything else is a bug (exit 70, with
 * the stack trace, since a bug report needs it).
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE; // 2
    static final int EXIT_INTERNAL = 70;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof UserError user) {
            cmd.getErr().println("duro: " + user.getMessage());
            return user.exitCode();
        }
        if (e instanceof ParameterException pe) {
            return new Usage().handleParseException(pe, new String[0]);
        }
        cmd.getErr().println("duro: internal error (a bug in duro, please report it with the command line):");
        e.printStackTrace(cmd.getErr());
        return EXIT_INTERNAL;
    }

    /** Bad flags and arguments: one line naming the problem, plus where to get help. */
    static final class Usage implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("duro: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            return EXIT_USAGE;
        }
    }
}
