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
        assertThat(o.last()).isEqualTo("repro: ./duro sim run --seed 42 --scenario ping --until-ms 2000 --max-events 20000000 --faults profiles");
    }

    @Test
    void defaultSweepRunsEveryObjectScenarioOnOneNodeTooAndReportsPerProfile() {
        Outcome o = duro("sim", "sweep", "--seeds", "1", "--until-ms", "1500", "--json");
        assertThat(o.exit()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("faults profiles", "kv/1", "scheduler/1", "by fault profile:", "efficiency: answered median");
        assertThat(o.last()).contains("\"runs\":14,", "\"scenario\":\"chat/1\"", "\"profiles\":[{\"profile\":");
        Outcome old = duro("sim", "sweep", "--seeds", "1", "--until-ms", "1500", "--faults", "swarm", "--no-single-node", "--json");
        assertThat(old.last()).contains("\"runs\":8,").doesNotContain("kv/1");
        Outcome bad = duro("sim", "run", "--seed", "1", "--faults", "profile:meteor");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown fault profile 'meteor'", "partition-pause");
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
                {"sim", "replay", "--seed", "1", "--digest", "xyz"},
                {"sim", "run", "--seed", "1", "--bug", "meteor"},
                {"sim", "run", "--seed", "1", "--nodes", "42"},
                {"sim", "run", "--seed", "1", "--scenario", "ping", "--nodes", "3"},
                {"sim", "run", "--seed", "1", "--scenario", "log-demo", "--bug", "skip-fsync"},
                {"sim", "run", "--seed", "1", "--nodes", "1", "--clock-drift-beyond-bound"},
                {"sim", "sweep", "--seeds", "5..2"},
                {"sim", "sweep", "--seeds", "0"},
                {"sim", "sweep", "--bug", "meteor"},
                {"sim", "bug-table", "--seeds", "0"}}) {
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
    void bugsListsEveryPlantedBugWithItsDescription() {
        Outcome o = duro("sim", "bugs");
        assertThat(o.exit()).isZero();
        assertThat(o.lines()).hasSize(dev.duro.runtime.PlantedBug.values().length);
        for (dev.duro.runtime.PlantedBug b : dev.duro.runtime.PlantedBug.values()) {
            assertThat(o.out()).contains(b.cliName() + " ").contains(b.description());
        }
        Outcome bad = duro("sim", "run", "--seed", "1", "--bug", "meteor");
        assertThat(bad.err()).contains("no planted bug 'meteor'", "ack-before-quorum", "split-brain-after-heal");
    }

    @Test
    void clusterSettingsReachTheRunAndItsReproLine() {
        Outcome o = duro("sim", "run", "--seed", "3", "--until-ms", "1500", "--bug", "early-output-gate", "--faults", "none");
        assertThat(o.out()).contains("param nodes: 5 runtime nodes (n0..n4, 3 replicas per object", "param planted: [OUTPUT_GATE_OPEN_EARLY]");
        assertThat(o.last()).isEqualTo("repro: ./duro sim run --seed 3 --scenario kv --until-ms 1500 --max-events 20000000"
                + " --faults none --nodes 5 --bug early-output-gate");
        assertThat(o.exit()).as("the planted bug is caught").isEqualTo(1);
        assertThat(o.out()).contains("violation: P4-output");
        Outcome single = duro("sim", "run", "--seed", "3", "--until-ms", "1500", "--nodes", "1", "--faults", "none");
        assertThat(single.exit()).isZero();
        assertThat(single.out()).contains("param nodes: 1 runtime node (n0)");
        Outcome beyond = duro("sim", "run", "--seed", "3", "--until-ms", "1500", "--clock-drift-beyond-bound");
        assertThat(beyond.out()).contains("BEYOND the cluster's bound of 1000ppm");
        assertThat(beyond.last()).endsWith("--faults profiles --nodes 5 --clock-drift-beyond-bound");
    }

    @Test
    void locationsReachTheParamsAndTheReproLine_andBadSpecsAreExitTwo() {
        Outcome o = duro("sim", "run", "--seed", "3", "--scenario", "counter", "--until-ms", "1500", "--faults", "none",
                "--locations", "weur=0,1,2;enam=3,4");
        assertThat(o.exit()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("param locations: {enam=[n3, n4], weur=[n0, n1, n2]}, 3 replicas", "param placement: ",
                "located ids: ");
        assertThat(o.last()).isEqualTo("repro: ./duro sim run --seed 3 --scenario counter --until-ms 1500 --max-events 20000000"
                + " --faults none --nodes 5 --locations 'weur=0,1,2;enam=3,4'");
        // The repro line runs the same run (the quotes are the shell's: the spec itself has none).
        Outcome again = duro("sim", "run", "--seed", "3", "--scenario", "counter", "--until-ms", "1500", "--faults", "none",
                "--nodes", "5", "--locations", "weur=0,1,2;enam=3,4");
        assertThat(again.line("digest: ")).isEqualTo(o.line("digest: "));
        Outcome plain = duro("sim", "run", "--seed", "3", "--scenario", "counter", "--until-ms", "1500", "--faults", "none");
        assertThat(plain.line("digest: ")).as("located ids are other ids: another run").isNotEqualTo(o.line("digest: "));
        assertThat(plain.out()).doesNotContain("param locations").contains("param placement: ");
        Outcome sweep = duro("sim", "sweep", "--scenario", "all", "--seeds", "2", "--until-ms", "1500", "--locations", "2", "--json");
        assertThat(sweep.exit()).as(sweep.out() + sweep.err()).isZero();
        assertThat(sweep.out()).contains("locations 2").doesNotContain("log-demo").doesNotContain("ping");
        assertThat(sweep.last()).contains("\"locations\":\"2\"", "\"runs\":12,", "\"failed\":0");

        for (String[][] bad : new String[][][] {
                {{"sim", "run", "--seed", "1", "--nodes", "1", "--locations", "2"}, {"needs a cluster", "--nodes 3 or more"}},
                {{"sim", "run", "--seed", "1", "--scenario", "ping", "--locations", "2"}, {"does not run the platform", "--locations"}},
                {{"sim", "run", "--seed", "1", "--scenario", "log-demo", "--locations", "2"}, {"does not run the platform"}},
                {{"sim", "run", "--seed", "1", "--locations", "0"}, {"a count must be 1..5"}},
                {{"sim", "run", "--seed", "1", "--locations", "6"}, {"a count must be 1..5"}},
                {{"sim", "run", "--seed", "1", "--nodes", "3", "--locations", "4"}, {"a count must be 1..3"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur=0,1,2;enam=3"}, {"members [4] have no location"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur=0,1,2;enam=2,3,4"}, {"member 2 is in both 'weur' and 'enam'"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur=0,1,2;enam=3,4,5"}, {"member 5 of location 'enam' is not one of the 5"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur=0,1;weur=2,3,4"}, {"location 'weur' is given twice"}},
                {{"sim", "run", "--seed", "1", "--locations", "WEUR=0,1,2;enam=3,4"}, {"bad label 'WEUR'"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur=0,1,2;enam="}, {"location 'enam' has no members"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur:0,1,2"}, {"has no '='"}},
                {{"sim", "run", "--seed", "1", "--locations", "weur=0,x"}, {"member 'x' of location 'weur' is not a node index"}},
                {{"sim", "sweep", "--seeds", "2", "--nodes", "1", "--locations", "2"}, {"needs a cluster"}},
                {{"sim", "sweep", "--seeds", "2", "--scenario", "ping", "--locations", "2"}, {"does not run the platform"}},
                {{"sim", "sweep", "--seeds", "2", "--locations", "a=0;b=1"}, {"members [2, 3, 4] have no location"}}}) {
            Outcome b = duro(bad[0]);
            assertThat(b.exit()).as(String.join(" ", bad[0])).isEqualTo(2);
            assertThat(b.err().lines().count()).as(b.err()).isEqualTo(1);
            assertThat(b.err()).startsWith("duro: ").doesNotContain("Exception").contains(bad[1]);
        }
    }

    @Test
    void sweepIsTheSameOnOneJobAndOnTwo_andEndsWithJson() {
        String[] args = {"sim", "sweep", "--scenario", "kv", "--seeds", "3", "--until-ms", "1500", "--bug", "early-output-gate",
                "--faults", "none", "--json"};
        Outcome one = duro(concat(args, "--jobs", "1"));
        Outcome two = duro(concat(args, "--jobs", "2"));
        assertThat(one.exit()).as(one.err()).isEqualTo(1);
        String json = one.last();
        assertThat(json).startsWith("{\"seeds\":3,").contains("\"violations\":{\"P4-output\":3}", "\"firstFailingSeed\":1",
                "\"repro\":\"./duro sim run --seed 1 --scenario kv --until-ms 1500 --max-events 20000000 --faults none --nodes 5"
                        + " --bug early-output-gate\"", "\"wallMs\":", "\"seedsPerHour\":");
        // Same report whatever the threads, but for wall times.
        assertThat(stripWall(two.out())).isEqualTo(stripWall(one.out()).replace("1 job(s)", "2 job(s)"));
        Outcome clean = duro("sim", "sweep", "--scenario", "ping", "--seeds", "2..3", "--until-ms", "1000", "--json");
        assertThat(clean.exit()).isZero();
        assertThat(clean.last()).contains("\"seeds\":2,", "\"failed\":0", "\"firstFailingSeed\":null", "\"repro\":null");
    }

    @Test
    void bugTableWritesItsTableBetweenTheMarkers(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("bugs.md");
        Files.writeString(doc, "# Prose before\n\n" + SimBugTableCommand.BEGIN + "\nold table\n" + SimBugTableCommand.END
                + "\n\nProse after.\n");
        Outcome o = duro("sim", "bug-table", "--seeds", "2", "--until-ms", "1500", "--bug", "early-output-gate", "--jobs", "1",
                "--out", doc.toString());
        assertThat(o.exit()).as(o.out() + o.err()).isZero();
        String text = Files.readString(doc);
        assertThat(text).startsWith("# Prose before\n\n" + SimBugTableCommand.BEGIN).endsWith(SimBugTableCommand.END + "\n\nProse after.\n")
                .doesNotContain("old table").contains("| `early-output-gate` | kv | swarm | yes | 1 |");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String stripWall(String out) {
        return out.replaceAll("(?m)^(\\S+\\s+\\d+\\s+\\d+)\\s+[0-9.]+", "$1").replaceAll("in [0-9.]+ s on", "in _ s on")
                .replaceAll("\\([0-9,]+ seeds/hour, [0-9,]+ runs/hour\\)", "").replaceAll("\"wallMs\":\\d+", "").replaceAll("\"seedsPerHour\":\\d+", "").replaceAll("\"runsPerHour\":\\d+", "")
                .replaceAll("\"msPerRun\":\\d+", "").replaceAll("\"jobs\":\\d", "");
    }

    @Test
    void failureExitCodesAreDistinct() {
        assertThat(dev.duro.sim.run.FailureClass.SAFETY.exitCode()).isEqualTo(1);
        assertThat(dev.duro.sim.run.FailureClass.CRASH.exitCode()).isEqualTo(3);
        assertThat(dev.duro.sim.run.FailureClass.LIVENESS.exitCode()).isEqualTo(4);
        assertThat(dev.duro.sim.run.FailureClass.DETERMINISM.exitCode()).isEqualTo(5);
    }
}
