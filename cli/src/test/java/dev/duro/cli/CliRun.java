package dev.duro.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code duro ...} in this JVM and keeps its exit code, stdout and stderr (for CLI tests). */
public record CliRun(int exit, String out, String err) {
    public static CliRun of(String... args) {
        CommandLine cli = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    public List<String> lines() {
        return out.lines().toList();
    }

    public String last() {
        List<String> l = lines();
        return l.isEmpty() ? "" : l.get(l.size() - 1);
    }

    /** True when stderr or stdout shows a Java stack trace or exception name: a bad input must never. */
    public boolean showsStackTrace() {
        String all = out + err;
        return all.contains("\tat ") || all.contains("Exception") || all.contains("internal error");
    }

    /** Everything printed, for assertion messages. */
    public String all() {
        return "exit " + exit + "\nstdout:\n" + out + "stderr:\n" + err;
    }
}
