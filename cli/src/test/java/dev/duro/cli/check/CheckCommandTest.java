package dev.duro.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code duro check}: verdicts as exit codes, JSON lines, HTML output, one-line input errors. */
class CheckCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Main.newCommandLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cli.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cli.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path corpus(String file) {
        Path p = Path.of(System.getProperty("duro.testdata.dir"), "lin", "porcupine", file);
        assertThat(p).as("the Porcupine corpus must be present").isRegularFile();
        return p;
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aLinearizableHistoryExitsZero() {
        Run r = run("check", "--model", "cas-register", "--format", "jepsen-etcd", corpus("jepsen/etcd_005.log").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("LINEARIZABLE");
    }

    @Test
    void aViolationExitsOneAndWritesHtml() throws Exception {
        Path html = tmp.resolve("v.html");
        Run r = run("check", "--model", "kv", "--format", "jepsen-kv", "--html", html.toString(), corpus("kv/c10-bad.txt").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("VIOLATION").contains("no linearization reaches past");
        assertThat(Files.readString(html)).contains("<svg").contains("cannot be linearized");
    }

    @Test
    void jsonPrintsOneSummaryLineWithAnObjectPerFile() {
        Run r = run("check", "--model", "cas-register", "--format", "jepsen-etcd", "--json",
                corpus("jepsen/etcd_005.log").toString(), corpus("jepsen/etcd_000.log").toString());
        assertThat(r.exit()).isEqualTo(1);
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("{\"verdict\":\"violation\",\"exitCode\":1,\"files\":2,\"linearizable\":1,\"violation\":1,"
                + "\"unknown\":0,\"results\":[{\"file\":\"" + corpus("jepsen/etcd_005.log") + "\",\"verdict\":\"linearizable\"")
                .contains("{\"file\":\"" + corpus("jepsen/etcd_000.log") + "\",\"verdict\":\"violation\",\"ops\":85,\"partitions\":1,\"millis\":");
    }

    @Test
    void aTinyBudgetExitsThree() {
        Run r = run("check", "--model", "cas-register", "--format", "jepsen-etcd", "--max-steps", "100",
                corpus("jepsen/etcd_002.log").toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("UNKNOWN").contains("step budget");
    }

    @Test
    void theInitialStateIsAnOption() throws Exception {
        Path h = write("r.edn", "{:process 0 :type :invoke :f :cas :value [0 1]}\n{:process 0 :type :ok :f :cas :value [0 1]}\n");
        assertThat(run("check", "--model", "cas-register", "--format", "knossos-edn", h.toString()).exit()).isEqualTo(1);
        assertThat(run("check", "--model", "cas-register", "--format", "knossos-edn", "--initial", "0", h.toString()).exit()).isZero();
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() throws Exception {
        Path bad = write("bad.edn", "{:process 0 :type :invoke :f :read}\n{:process 0, :type :ok :f :read :value [1\n");
        Run malformed = run("check", "--model", "register", "--format", "knossos-edn", bad.toString());
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err().strip()).isEqualTo("duro: " + bad + ":3: expected ']' to close the collection opened on line 2");

        assertThat(run("check", "--model", "nope", "--format", "knossos-edn", bad.toString()).err()).contains("unknown model 'nope'");
        assertThat(run("check", "--model", "register", "--format", "csv", bad.toString()).exit()).isEqualTo(2);
        Run missing = run("check", "--model", "register", "--format", "knossos-edn", tmp.resolve("absent.edn").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("absent.edn: no such file");
        Path wrongOp = write("op.edn", "{:process 0 :type :invoke :f :acquire}\n");
        Run unknownOp = run("check", "--model", "register", "--format", "knossos-edn", wrongOp.toString());
        assertThat(unknownOp.exit()).isEqualTo(2);
        assertThat(unknownOp.err()).contains("line 1: register has no operation 'acquire'");
    }

    @Test
    void duroJsonLinesAreChecked() throws Exception {
        Path h = write("h.jsonl", String.join("\n",
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":0}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"write\",\"value\":1,\"time\":10}",
                "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"value\":null,\"time\":20}",
                "{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"value\":2,\"time\":30}", ""));
        Run r = run("check", "--model", "register", "--format", "duro-jsonl", "--json", h.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("\"failingLine\":3");
    }

    @Test
    void benchLinRunsOnTheCorpus() {
        Run r = run("bench", "lin", "--runs", "1", "--min-ms", "0", "--json", "--corpus", corpus("verdicts.csv").getParent().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("{\"totals\":").contains("\"disagreements\":0");
    }
}
