package dev.duro.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress of sweeps and hunts: what the line says, when it is drawn, and that it stays off stdout. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    /** A clock the test moves by hand. */
    private static final class FakeClock {
        long nanos;
    }

    @Test
    void theLineSaysDoneTotalFailuresRateAndTimeLeft() {
        FakeClock clock = new FakeClock();
        Progress p = new Progress(new PrintWriter(new StringWriter()), "runs", 1000, true, false, () -> clock.nanos);
        assertThat(p.line(0, 0, 0)).isEqualTo("0/1000 runs (0%), 0 failed, 0.0 runs/s, time left not known yet");
        assertThat(p.line(100, 2, 20 * SECOND)).isEqualTo("100/1000 runs (10%), 2 failed, 5.0 runs/s, about 3 min 0 s left");
        assertThat(p.line(1000, 2, 200 * SECOND)).isEqualTo("1000/1000 runs (100%), 2 failed, 5.0 runs/s, done in 3 min 20 s");
        Progress hunt = new Progress(new PrintWriter(new StringWriter()), "seeds", 1000, true, false, () -> clock.nanos, true);
        assertThat(hunt.line(500, -1, 3600 * SECOND)).isEqualTo("500/1000 seeds (50%), 0.1 runs/s, at most 1 h 0 min left");
        assertThat(Progress.duration(3 * 86_400 + 4 * 3600)).isEqualTo("3 d 4 h");
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndClearedBeforeOtherOutput() {
        FakeClock clock = new FakeClock();
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), "runs", 10, true, true, () -> clock.nanos);
        p.update(1, 0);
        assertThat(err.toString()).as("not yet half a second").isEmpty();
        clock.nanos = SECOND;
        p.update(2, 1);
        assertThat(err.toString()).isEqualTo("\r2/10 runs (20%), 1 failed, 2.0 runs/s, about 4 s left");
        p.clear();
        assertThat(err.toString()).endsWith("\r" + " ".repeat("2/10 runs (20%), 1 failed, 2.0 runs/s, about 4 s left".length()) + "\r");
        assertThat(err.toString()).doesNotContain("\n");
    }

    @Test
    void forcedOffATerminalItIsALineEveryTenSecondsAndAtTheEnd() {
        FakeClock clock = new FakeClock();
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), "runs", 100, true, false, () -> clock.nanos);
        clock.nanos = 5 * SECOND;
        p.update(10, 0);
        assertThat(err.toString()).isEmpty();
        clock.nanos = 11 * SECOND;
        p.update(20, 0);
        clock.nanos = 12 * SECOND;
        p.update(100, 0);
        assertThat(err.toString().lines()).hasSize(2).last().asString().endsWith("done in 12 s");
    }

    @Test
    void offItPrintsNothing() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), "runs", 2, false, true, () -> 99 * SECOND);
        p.update(2, 0);
        p.clear();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aSweepShowsProgressOnStderrOnlyWhenAskedOffATerminal() {
        String[] args = {"sim", "sweep", "--scenario", "ping", "--seeds", "2", "--until-ms", "500", "--jobs", "1"};
        CliRun quiet = CliRun.of(args);
        assertThat(quiet.exit()).as(quiet.all()).isZero();
        assertThat(quiet.err()).as("tests are not a terminal: no progress").isEmpty();
        CliRun shown = CliRun.of(concat(args, "--progress"));
        assertThat(shown.err()).as(shown.all()).startsWith("2/2 runs (100%), 0 failed, ").contains(" runs/s, done in ");
        assertThat(shown.out()).doesNotContain("runs/s,");
        CliRun json = CliRun.of(concat(args, "--json", "--no-progress"));
        assertThat(json.err()).isEmpty();
    }

    @Test
    void seedsPerHourCountsSeedsNotRuns() {
        // Clusters only: a 200 ms run is too short for chat's final catch-up on one node (H6), and 8 entries keep it quick.
        CliRun r = CliRun.of("sim", "sweep", "--scenario", "all", "--seeds", "1", "--until-ms", "200", "--jobs", "1",
                "--faults", "none", "--no-single-node", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        long seeds = Long.parseLong(r.last().replaceAll(".*\"seedsPerHour\":(\\d+).*", "$1"));
        long runs = Long.parseLong(r.last().replaceAll(".*\"runsPerHour\":(\\d+).*", "$1"));
        assertThat(r.last()).contains("\"runs\":8,");
        assertThat(runs).as("8 scenarios per seed").isBetween(8 * seeds - 8, 8 * seeds + 8);
        assertThat(r.out()).containsPattern("\\([0-9,]+ seeds/hour, [0-9,]+ runs/hour\\)");
    }

    @Test
    void theBugTableNamesEveryFlagThatMadeIt(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("bugs.md");
        CliRun r = CliRun.of("sim", "bug-table", "--seeds", "1", "--until-ms", "1500", "--bug", "early-output-gate", "--jobs", "1",
                "--faults", "none", "--out", doc.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(Files.readString(doc)).contains("<!-- Generated by: ./duro sim bug-table --seeds 1 --bug early-output-gate "
                + "--faults none --until-ms 1500 --out FILE (1 job(s))");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
