package dev.duro.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {
    record Outcome(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        String last() {
            List<String> l = lines();
            return l.get(l.size() - 1);
        }

        String line(String prefix) {
            return lines().stream().filter(s -> s.startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    static Outcome duro(String... args) {
        CommandLine cli = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void runPrintsSummaryDigestAndReproLast() {
        Outcome o = duro("sim", "run", "--seed", "42", "--scenario", "ping", "--until-ms", "2000");
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.out()).contains("seed: 42", "scenario: ping", "param nodes:", "stop: TIME_LIMIT", "verdict: PASS");
        assertThat(o.line("digest: ")).matches("digest: [0-9a-f]{16}");
        assertThat(o.last()).isEqualTo("repro: ./duro sim run --seed 42 --scenario ping --until-ms 2000 --max-events 20000000 --faults swarm");
    }

    @Test
    void hexAndDecimalSeedsAreTheSameRun() {
        Outcome dec = duro("sim", "run", "--seed", "42", "--until-ms", "1000");
        Outcome hex = duro("sim", "run", "--seed", "0x2A", "--until-ms", "1000");
        assertThat(hex.line("digest: ")).isEqualTo(dec.line("digest: "));
        Outcome big = duro("sim", "run", "--seed", "18446744073709551615", "--until-ms", "500");
        assertThat(big.exit()).as(big.err()).isZero();
        assertThat(big.out()).contains("seed: 18446744073709551615");
    }

    @Test
    void jsonIsTheLastLine() {
        Outcome o = duro("sim", "run", "--seed", "7", "--scenario", "ping", "--until-ms", "1000", "--json");
        assertThat(o.exit()).isZero();
        assertThat(o.last()).startsWith("{").endsWith("}")
                .contains("\"seed\":\"7\"", "\"scenario\":\"ping\"", "\"digest\":\"", "\"events\":", "\"simTimeMs\":1000",
                        "\"verdict\":\"PASS\"", "\"repro\":\"./duro sim run --seed 7 ");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] args : new String[][] {
                {"sim", "run", "--seed", "12x"},
                {"sim", "run", "--seed", "-5"},
                {"sim", "run", "--seed", "0x"},
                {"sim", "run", "--seed", "0x1ffffffffffffffff"},
                {"sim", "run", "--seed", "99999999999999999999"},
                {"sim", "run", "--seed", "1", "--scenario", "nope"},
                {"sim", "run", "--seed", "1", "--faults", "crash,meteor"},
                {"sim", "run", "--seed", "1", "--max-events", "0"},
                {"sim", "replay", "--seed", "1", "--digest", "xyz"}}) {
            Outcome o = duro(args);
            assertThat(o.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(o.err().lines().count()).as(o.err()).isEqualTo(1);
            assertThat(o.err()).startsWith("duro: ").doesNotContain("Exception");
        }
        Outcome missing = duro("sim", "run");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--seed");
    }

    @Test
    void replayChecksTheDigest() {
        Outcome first = duro("sim", "run", "--seed", "5", "--until-ms", "1000");
        String digest = first.line("digest: ").substring("digest: ".length());
        Outcome ok = duro("sim", "replay", "--seed", "5", "--until-ms", "1000", "--digest", digest);
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("digest matches: " + digest);
        Outcome bad = duro("sim", "replay", "--seed", "5", "--until-ms", "1000", "--digest", "0123456789abcdef");
        assertThat(bad.exit()).isEqualTo(5);
        assertThat(bad.err()).contains("digest mismatch");
    }

    @Test
    void doubleRunReportsIdenticalDigests() {
        Outcome o = duro("sim", "double-run", "--seed", "11", "--until-ms", "2000", "--json");
        assertThat(o.exit()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("determinism: OK");
        assertThat(o.last()).contains("\"deterministic\":true");
    }

    @Test
    void traceFileHoldsEveryEventAsJsonLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.jsonl");
        Outcome o = duro("sim", "run", "--seed", "3", "--until-ms", "500", "--trace", file.toString(), "--json");
        assertThat(o.exit()).isZero();
        List<String> lines = Files.readAllLines(file);
        String json = o.last();
        long traceEvents = Long.parseLong(json.replaceAll(".*\"traceEvents\":(\\d+).*", "$1"));
        assertThat(lines).hasSize((int) traceEvents);
        assertThat(lines.get(0)).startsWith("{\"i\":0,\"t\":0,");
        String digest = json.replaceAll(".*\"digest\":\"([0-9a-f]+)\".*", "$1");
        assertThat(lines.get(lines.size() - 1)).endsWith("\"chain\":\"" + digest + "\"}");
    }

    @Test
    void scenariosAndHelp() {
        Outcome o = duro("sim", "scenarios");
        assertThat(o.exit()).isZero();
        assertThat(o.out()).contains("kv (default)");
        for (String sub : new String[] {"run", "replay", "double-run", "scenarios"}) {
            Outcome h = duro("sim", sub, "--help");
            assertThat(h.exit()).isZero();
            assertThat(h.out()).contains("Usage: duro sim " + sub);
        }
        assertThat(duro("bench", "kernel", "--help").out()).contains("--iterations");
    }

    @Test
    void failureExitCodesAreDistinct() {
        assertThat(dev.duro.sim.run.FailureClass.SAFETY.exitCode()).isEqualTo(1);
        assertThat(dev.duro.sim.run.FailureClass.CRASH.exitCode()).isEqualTo(3);
        assertThat(dev.duro.sim.run.FailureClass.LIVENESS.exitCode()).isEqualTo(4);
        assertThat(dev.duro.sim.run.FailureClass.DETERMINISM.exitCode()).isEqualTo(5);
    }
}
