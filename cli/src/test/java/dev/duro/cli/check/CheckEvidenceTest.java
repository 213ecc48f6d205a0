package dev.duro.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No verdict without evidence: an empty file, one with no completed operation, and one the
 * parser recognises nothing in are never LINEARIZABLE with exit 0; a directory is checked file
 * by file, naming what it checks.
 */
class CheckEvidenceTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"jepsen-etcd, h.log", "jepsen-kv, h.txt", "knossos-edn, h.edn", "duro-jsonl, h.jsonl"})
    void anEmptyOrBlankFileIsUnknownNotLinearizable(String format, String name) throws Exception {
        for (String text : new String[] {"", "\n\n   \n"}) {
            Path f = write(name, text);
            CliRun r = CliRun.of("check", "--model", "cas-register", "--format", format, f.toString());
            assertThat(r.exit()).as(r.all()).isEqualTo(3);
            assertThat(r.out()).as(r.all()).contains(f + ": UNKNOWN (no operations in the file: nothing to judge)")
                    .doesNotContain("LINEARIZABLE");
        }
    }

    @Test
    void aFileTheParserRecognisesNothingInIsAnInputErrorNamingTheLine() throws Exception {
        Path f = write("garbage.log", "\n\ngarbage here\nmore garbage\n");
        CliRun r = CliRun.of("check", "--model", "cas-register", "--format", "jepsen-etcd", f.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("duro: " + f + ": no line is a jepsen-etcd operation (line 3: 'garbage here'); "
                + "is --format right? (formats: jepsen-etcd, jepsen-kv, knossos-edn, duro-jsonl)");
        assertThat(r.showsStackTrace()).isFalse();
    }

    @Test
    void aHistoryWithNoCompletedOperationIsUnknown() throws Exception {
        Path f = write("info.edn", "{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :info :f :write :value 1}\n"
                + "{:process 1 :type :invoke :f :read}\n{:process 1 :type :fail :f :read}\n");
        CliRun r = CliRun.of("check", "--model", "register", "--format", "knossos-edn", f.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(3);
        assertThat(r.out()).contains("UNKNOWN (none of its 2 operation(s) completed ok; each failed or was indeterminate");
    }

    @Test
    void aDirectoryChecksEveryHistoryFileInsideAndSaysWhich() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("histories"));
        Files.writeString(dir.resolve("b.edn"), "{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :ok :f :write :value 1}\n");
        Files.writeString(dir.resolve("a.edn"), "{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :read :value 7}\n");
        Files.writeString(dir.resolve("README.md"), "not a history\n");
        Files.createDirectory(dir.resolve("sub"));
        CliRun r = CliRun.of("check", "--model", "register", "--format", "knossos-edn", dir.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(1); // a.edn reads 7 from an empty register
        assertThat(r.lines().get(0)).isEqualTo(dir + ": is a directory: checking its 2 .edn files (knossos-edn); "
                + "other files and subdirectories skipped");
        assertThat(r.lines().get(1)).startsWith(dir.resolve("a.edn") + ": VIOLATION");
        assertThat(r.out()).contains(dir.resolve("b.edn") + ": LINEARIZABLE").doesNotContain("README");

        CliRun json = CliRun.of("check", "--model", "register", "--format", "knossos-edn", "--json", dir.toString());
        assertThat(json.lines()).as(json.all()).hasSize(1);
        assertThat(json.last()).startsWith("{\"verdict\":\"violation\",\"exitCode\":1,\"files\":2,\"linearizable\":1,\"violation\":1,"
                + "\"unknown\":0,\"results\":[{\"file\":\"" + dir.resolve("a.edn") + "\"");

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        CliRun none = CliRun.of("check", "--model", "register", "--format", "knossos-edn", empty.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err().strip()).isEqualTo("duro: " + empty + ": is a directory with no .edn files (knossos-edn) directly inside");
    }

    @Test
    void jsonIsOneFinalLineWhoseVerdictIsUnknownWhenAFileHadNothingToJudge() throws Exception {
        Path ok = write("ok.edn", "{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :ok :f :write :value 1}\n");
        Path empty = write("empty.edn", "");
        CliRun r = CliRun.of("check", "--model", "register", "--format", "knossos-edn", "--json", ok.toString(), empty.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(3);
        assertThat(r.lines()).hasSize(1);
        assertThat(r.last()).startsWith("{\"verdict\":\"unknown\",\"exitCode\":3,\"files\":2,\"linearizable\":1,\"violation\":0,\"unknown\":1,")
                .endsWith("{\"file\":\"" + empty + "\",\"verdict\":\"unknown\",\"ops\":0,\"reason\":\"no operations in the file: nothing to judge\"}]}");
    }
}
