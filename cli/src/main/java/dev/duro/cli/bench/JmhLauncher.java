package dev.duro.cli.bench;

import dev.duro.cli.UserError;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Option;

/**
 * Shared JMH settings for {@code duro bench} subcommands (a picocli mixin) and the code that runs
 * JMH's {@link Runner} in-process; JMH forks fresh JVMs from the same jar.
 */
public final class JmhLauncher {
    @Option(names = "--forks", defaultValue = "1", description = "JMH forks; default: ${DEFAULT-VALUE}.")
    int forks;

    @Option(names = "--warmups", defaultValue = "3", description = "Warm-up iterations; default: ${DEFAULT-VALUE}.")
    int warmups;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured iterations; default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--time-ms", defaultValue = "1000", description = "Length of each iteration in ms; default: ${DEFAULT-VALUE}.")
    long timeMs;

    @Option(names = "--jmh-verbose", description = "Show JMH's own progress output.")
    boolean verbose;

    /** One measured benchmark: its label, mean ops/s and the 99.9% error. */
    public record Score(String benchmark, double opsPerSecond, double error) {}

    /** Runs the benchmarks whose names match any of {@code includes} (regular expressions). */
    public List<Score> run(List<String> includes) {
        if (forks < 0) throw new UserError("--forks must be >= 0 (0 runs in this JVM), got " + forks);
        if (warmups < 0) throw new UserError("--warmups must be >= 0, got " + warmups);
        if (iterations < 1) throw new UserError("--iterations must be >= 1, got " + iterations);
        if (timeMs < 10) throw new UserError("--time-ms must be >= 10 (shorter iterations measure mostly JMH itself), got " + timeMs);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.milliseconds(timeMs))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(timeMs))
                .shouldFailOnError(true)
                .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT)
                .jvmArgsAppend(forkJvmArgs());
        for (String include : includes) options = options.include(include);
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            throw new UserError("benchmark run failed: " + e.getMessage(), 1);
        }
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            var primary = r.getPrimaryResult();
            scores.add(new Score(r.getParams().getBenchmark(), primary.getScore(), primary.getScoreError()));
        }
        return scores;
    }

    /** Prints one line per score, with a target check when {@code targetOpsPerSecond > 0}. */
    public static void print(PrintWriter out, Score s, String label, double targetOpsPerSecond) {
        String verdict = targetOpsPerSecond <= 0 ? ""
                : String.format(Locale.ROOT, "  (target >= %,.0f: %s)", targetOpsPerSecond,
                        s.opsPerSecond() >= targetOpsPerSecond ? "met" : "MISSED");
        // JMH has no error estimate from fewer than 3 measured iterations (all forks together): say so, not "NaN".
        String error = Double.isFinite(s.error()) ? String.format(Locale.ROOT, "± %,.0f", s.error())
                : "± n/a (an error estimate needs >= 3 measured iterations in all; see --iterations, --forks)";
        out.println(String.format(Locale.ROOT, "%-28s %,14.0f ops/s %s%s", label, s.opsPerSecond(), error, verdict));
    }

    /**
     * The forked JVMs' flags: sqlite-jdbc loads a JNI library, and JMH itself uses sun.misc.Unsafe;
     * both print warnings on new JDKs unless allowed (the Unsafe flag exists from JDK 23 on).
     */
    static String[] forkJvmArgs() {
        return Runtime.version().feature() >= 23
                ? new String[] {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"}
                : new String[] {"--enable-native-access=ALL-UNNAMED"};
    }

    public String settings() {
        return "forks=" + forks + " warmups=" + warmups + "x" + timeMs + "ms iterations=" + iterations + "x" + timeMs + "ms";
    }
}
