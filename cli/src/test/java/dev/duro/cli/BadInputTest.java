package dev.duro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every class of bad flag value, on every command that takes it: exit 2, a first line that starts
 * with "duro: " and names the flag and its limit, and never a stack trace. Nothing here runs a
 * simulation (the refusal comes first), so the whole table takes well under a second per row.
 */
class BadInputTest {
    @TempDir
    static Path tmp;

    static Stream<Arguments> badFlags() {
        List<Arguments> rows = new ArrayList<>();
        // Numbers a person might type that are not whole numbers, or do not fit.
        for (String cmd : new String[] {"run", "replay", "double-run"}) {
            rows.add(row("'1e17' is not a whole number (write it out in digits", "sim", cmd, "--seed", "1", "--until-ms", "1e17"));
            rows.add(row("'2.5' is not a whole number", "sim", cmd, "--seed", "1", "--until-ms", "2.5"));
            rows.add(row("is too large (at most 9223372036854775807)", "sim", cmd, "--seed", "1", "--max-events", "99999999999999999999"));
            // --until-ms too small for a scenario's phases, or so large the nanosecond clock overflows.
            for (String until : new String[] {"1", "2", "5", "99", "-1"}) {
                rows.add(row("--until-ms must be 0 (the scenario's default) or 100..1000000000", "sim", cmd, "--seed", "1",
                        "--until-ms", until));
            }
            for (String until : new String[] {"1000000001", "100000000000000000", "5000000000000000000", "9223372036854775807"}) {
                rows.add(row("overflow the simulated nanosecond clock", "sim", cmd, "--seed", "1", "--until-ms", until));
            }
            rows.add(row("--max-events must be at least 1", "sim", cmd, "--seed", "1", "--max-events", "0"));
            rows.add(row("--nodes must be 1 (one node on its own disk log) or 3..9", "sim", cmd, "--seed", "1", "--nodes", "2"));
            rows.add(row("--nodes must be 1", "sim", cmd, "--seed", "1", "--nodes", "-1"));
            rows.add(row("--faults is empty", "sim", cmd, "--seed", "1", "--faults", ""));
            rows.add(row("--faults is empty", "sim", cmd, "--seed", "1", "--faults", "  "));
            rows.add(row("is not a whole number", "sim", cmd, "--seed", "1", "--nodes", "three"));
        }
        for (String scenario : new String[] {"kv", "counter", "bank", "chat", "rate-limiter", "scheduler", "log-demo", "ping"}) {
            rows.add(row("--until-ms must be 0", "sim", "run", "--seed", "1", "--scenario", scenario, "--until-ms", "1"));
        }
        rows.add(row("--context must lie in [0, 1000]", "sim", "double-run", "--seed", "1", "--context", "-1"));
        rows.add(row("too large (at most 2147483647)", "sim", "double-run", "--seed", "1", "--context", "99999999999"));

        // sweep
        // --scenario all: 8 scenarios and the six object scenarios on one node (<scenario>/1).
        rows.add(row("one sweep makes at most 10000000 runs: split it into sweeps of at most 714285 seeds, e.g. --seeds "
                + "1..714285, then --seeds 714286..1428570", "sim", "sweep", "--seeds", "18446744073709551615"));
        rows.add(row("--seeds 0..18446744073709551615 is 18446744073709551615+1 seeds x 1 scenario(s)", "sim", "sweep",
                "--scenario", "kv", "--seeds", "0..18446744073709551615"));
        rows.add(row("is 10000001 seeds x 1 scenario(s)", "sim", "sweep", "--scenario", "ping", "--seeds", "10000001"));
        rows.add(row("is 1250001 seeds x 14 scenario(s)", "sim", "sweep", "--seeds", "1250001"));
        rows.add(row("--until-ms must be 0", "sim", "sweep", "--until-ms", "5"));
        rows.add(row("overflow", "sim", "sweep", "--until-ms", "100000000000000000"));
        rows.add(row("--jobs must be 0", "sim", "sweep", "--jobs", "-1"));
        rows.add(row("(4 per processor", "sim", "sweep", "--jobs", "100000"));
        rows.add(row("--nodes must be 1", "sim", "sweep", "--nodes", "2"));
        rows.add(row("--faults is empty", "sim", "sweep", "--faults", ""));
        rows.add(row("--show must be >= 0", "sim", "sweep", "--show", "-1"));
        rows.add(row("malformed --seeds '1e6'", "sim", "sweep", "--seeds", "1e6"));

        // bug-table: every flag is checked before the first hunt
        rows.add(row("--seeds must be 1..1000000 per bug", "sim", "bug-table", "--seeds", "0"));
        rows.add(row("--seeds must be 1..1000000 per bug", "sim", "bug-table", "--seeds", "2000000000"));
        rows.add(row("--until-ms must be 0", "sim", "bug-table", "--until-ms", "1"));
        rows.add(row("--jobs must be 0", "sim", "bug-table", "--jobs", "100000"));
        rows.add(row("--nodes must be 1", "sim", "bug-table", "--nodes", "2"));
        rows.add(row("--faults is empty", "sim", "bug-table", "--faults", ""));
        rows.add(row("no such directory", "sim", "bug-table", "--out", tmp.resolve("missing/dir/bugs.md").toString()));
        rows.add(row("is a directory", "sim", "bug-table", "--out", tmp.toString()));

        // check
        rows.add(row("--max-steps must be positive", "check", "--model", "register", "--format", "knossos-edn", "--max-steps", "0",
                "x.edn"));
        rows.add(row("--timeout must be a positive duration", "check", "--model", "register", "--format", "knossos-edn",
                "--timeout", "soon", "x.edn"));
        rows.add(row("no such directory", "check", "--model", "register", "--format", "knossos-edn", "--html",
                tmp.resolve("missing/out.html").toString(), "x.edn"));
        rows.add(row("absent.edn: no such file", "check", "--model", "register", "--format", "knossos-edn",
                tmp.resolve("absent.edn").toString()));

        // bench: refused before JMH or any run starts
        rows.add(row("--iterations must be >= 1", "bench", "kernel", "--iterations", "0"));
        rows.add(row("--time-ms must be >= 10", "bench", "kernel", "--time-ms", "1"));
        rows.add(row("--forks must be >= 0", "bench", "kernel", "--forks", "-1"));
        rows.add(row("is not a whole number", "bench", "kernel", "--iterations", "1e3"));
        rows.add(row("--seeds must be 1..100000", "bench", "runtime", "--seeds", "0"));
        rows.add(row("--sweep-seeds must be 0..100000", "bench", "runtime", "--sweep-seeds", "2147483647"));
        rows.add(row("--warmup-seeds must be 0..100000", "bench", "runtime", "--warmup-seeds", "-1"));
        rows.add(row("--runs must be 1..1000", "bench", "lin", "--runs", "0"));
        rows.add(row("--min-ms must be >= 0", "bench", "lin", "--min-ms", "-5"));
        rows.add(row("no Porcupine corpus there (no verdicts.csv)", "bench", "lin", "--corpus", tmp.resolve("nope").toString()));
        rows.add(row("--inputs must be in 1..1000000000", "fuzz", "ports", "--inputs", "0"));
        rows.add(row("'1e6' is not a whole number", "fuzz", "ports", "--inputs", "1e6"));
        rows.add(row("--nodes must be 1 or 3", "fuzz", "ports", "--nodes", "2"));
        rows.add(row("--clients must be in 1..1024", "fuzz", "ports", "--clients", "0"));
        // Plan files (sim run --plan): checked line by line before anything runs.
        String header = "{\"duroPlan\":1,\"scenario\":\"kv\",\"seed\":\"1\",\"untilMs\":20000,\"nodes\":5,\"bugs\":[],"
                + "\"faults\":\"profiles\"}\n";
        String sizes = "{\"standing\":\"rates\",\"loss\":0,\"duplicate\":0,\"reorder\":0,\"faultPoints\":0,\"tornWrite\":0,"
                + "\"corruptSector\":0,\"syncFailure\":0,\"slowSync\":0,\"lostNode\":-1}\n{\"workload\":\"sizes\",\"clients\":2,\"objects\":2}\n";
        rows.add(planRow("malformed plan", "not json at all\n"));
        rows.add(planRow("expected the header line", sizes));
        rows.add(planRow("unknown fault event \"meteor\"", header + sizes + "{\"fault\":\"meteor\",\"atNanos\":5,\"node\":1}\n"));
        rows.add(planRow("field \"node\" = 7 out of range 0..4", header + sizes
                + "{\"fault\":\"crash\",\"atNanos\":5,\"node\":7,\"downNanos\":1,\"wipeDisk\":false}\n"));
        rows.add(planRow("unknown field \"speed\"", header + sizes
                + "{\"fault\":\"pause\",\"atNanos\":5,\"node\":1,\"durationNanos\":9,\"messagesFirst\":true,\"speed\":3}\n"));
        rows.add(planRow("missing field \"durationNanos\"", header + sizes + "{\"fault\":\"clog\",\"atNanos\":5,\"node\":1,\"peer\":-1}\n"));
        rows.add(planRow("has no \"workload\" line", header + sizes.substring(0, sizes.indexOf('\n') + 1)));
        rows.add(planRow("recorded with seed \"2\"", header.replace("\"seed\":\"1\"", "\"seed\":\"2\"") + sizes));
        rows.add(planRow("disk faults are off", header + sizes.replace("\"tornWrite\":0", "\"tornWrite\":0.5")));
        rows.add(row("cannot read the plan", "sim", "run", "--seed", "1", "--plan", tmp.resolve("absent-plan.jsonl").toString()));
        rows.add(row("takes no --plan", "sim", "run", "--seed", "1", "--scenario", "ping", "--plan", tmp.resolve("x").toString()));
        rows.add(row("--max-time must lie in 1..3600 s", "sim", "minimize", "--seed", "1", "--max-time", "0"));
        rows.add(row("--max-runs must lie in 1..100000", "sim", "minimize", "--seed", "1", "--max-runs", "0"));
        rows.add(row("cannot be minimized", "sim", "minimize", "--seed", "1", "--scenario", "ping"));
        rows.add(row("--max-time must lie in 1..3600 s", "sim", "minimize-table", "--max-time", "0"));
        rows.add(row("unknown planted bug 'nope'", "sim", "minimize-table", "--bug", "nope"));

        // cluster test: refused before any member process starts
        rows.add(row("--nodes must be 3..7", "cluster", "test", "--nodes", "2"));
        rows.add(row("--nodes must be 3..7", "cluster", "test", "--nodes", "8"));
        rows.add(row("is not a whole number", "cluster", "test", "--nodes", "three"));
        rows.add(row("--duration must be 5s..2h", "cluster", "test", "--duration", "1s"));
        rows.add(row("--duration must be 5s..2h", "cluster", "test", "--duration", "121m"));
        rows.add(row("--duration must be a positive duration such as 30s", "cluster", "test", "--duration", "soon"));
        rows.add(row("--faults: unknown kind 'explode' (kill, pause, partition, delay, power, or none)", "cluster", "test", "--faults",
                "kill,explode"));
        rows.add(row("--faults is empty", "cluster", "test", "--faults", " "));
        rows.add(row("--scenario must be kv", "cluster", "test", "--scenario", "bank"));
        rows.add(row("--clients must be 1..64", "cluster", "test", "--clients", "0"));
        rows.add(row("--keys must be 1..1000", "cluster", "test", "--keys", "0"));
        rows.add(row("--liveness-bound must be at least 1s", "cluster", "test", "--liveness-bound", "10ms"));
        rows.add(row("--planted-bug must be lying-disk or one of the runtime's: no planted bug 'typo'", "cluster", "test", "--planted-bug", "typo"));
        rows.add(row("--fault-admin-port must be 1..65535", "node", "--config", tmp.resolve("c.toml").toString(), "--id", "n0",
                "--fault-admin-port", "0"));
        return rows.stream();
    }

    /** {@code sim run --seed 1 --plan FILE} (kv's defaults) with {@code text} as the plan file. */
    private static Arguments planRow(String expected, String text) {
        Path file = tmp.resolve("plan-" + Integer.toHexString(text.hashCode()) + ".jsonl");
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return row(expected, "sim", "run", "--seed", "1", "--plan", file.toString());
    }

    private static Arguments row(String expected, String... args) {
        return Arguments.of(String.join(" ", args), args, expected);
    }

    @ParameterizedTest(name = "duro {0}")
    @MethodSource("badFlags")
    void aBadValueIsOneClearLineAndExitTwo(String shown, String[] args, String expected) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.showsStackTrace()).as(r.all()).isFalse();
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).as(r.all()).startsWith("duro: ").contains(expected);
        assertThat(r.err().lines().count()).as("the error, and at most a pointer to --help: " + r.all()).isLessThanOrEqualTo(2);
    }

    @Test
    void bugTableRefusesAnUnwritableOutBeforeHunting() {
        CliRun r = CliRun.of("sim", "bug-table", "--seeds", "1000", "--out", tmp.resolve("nope/bugs.md").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).as("no hunt started: " + r.all()).isEmpty();
        assertThat(Files.exists(tmp.resolve("nope"))).isFalse();
    }
}
