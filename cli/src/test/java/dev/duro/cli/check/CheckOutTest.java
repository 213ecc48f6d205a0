package dev.duro.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import dev.duro.model.history.DuroJsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duro check --out DIR}: a recorded history from another system gets the same kind of folder as a run. */
class CheckOutTest {
    @TempDir
    Path tmp;

    private static Path corpus(String file) {
        return Path.of(System.getProperty("duro.testdata.dir"), "lin", "porcupine", file);
    }

    @Test
    void aViolationGetsItsSummaryItsHistoryInDurosFormatAndItsCounterexamplePage() throws Exception {
        Path dir = tmp.resolve("etcd3");
        CliRun r = CliRun.of("check", "--model", "cas-register", "--format", "jepsen-etcd",
                corpus("jepsen/etcd_003.log").toString(), "--out", dir.toString());

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.last()).isEqualTo("report: " + dir.resolve("report.html"));
        assertThat(Files.readString(dir.resolve("summary.json"))).contains("\"verdict\":\"violation\"");
        assertThat(DuroJsonLines.parse(Files.readString(dir.resolve("history.jsonl")), "history.jsonl").size()).isEqualTo(87);
        assertThat(Files.readString(dir.resolve("report.html"))).contains("VIOLATION");
    }

    @Test
    void severalHistoriesGetAFolderEachAndAnIndex() throws Exception {
        Path dir = tmp.resolve("two");
        CliRun r = CliRun.of("check", "--model", "cas-register", "--format", "jepsen-etcd",
                corpus("jepsen/etcd_001.log").toString(), corpus("jepsen/etcd_003.log").toString(), "--out", dir.toString());

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(dir.resolve("etcd_001.log/report.html")).isRegularFile();
        assertThat(Files.readString(dir.resolve("index.html"))).contains("etcd_003.log/report.html").contains("violation");
    }

    @Test
    void anOutThatIsAFileIsRefusedBeforeAnyCheck() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        CliRun r = CliRun.of("check", "--model", "cas-register", "--format", "jepsen-etcd",
                corpus("jepsen/etcd_001.log").toString(), "--out", file.toString());

        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("is a file, not a directory");
        assertThat(r.showsStackTrace()).isFalse();
    }
}
