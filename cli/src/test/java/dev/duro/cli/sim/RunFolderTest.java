package dev.duro.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duro sim run --out DIR}: one run, one folder, one page, made from the run's own files. */
class RunFolderTest {
    @TempDir
    Path tmp;

    @Test
    void aFailingRunsFolderHoldsItsSummaryTraceHistoryParametersAndAPageThatNamesTheBrokenProperty() throws Exception {
        Path dir = tmp.resolve("kv-12");
        CliRun r = CliRun.of("sim", "run", "--seed", "12", "--scenario", "kv", "--bug", "stale-epoch", "--out", dir.toString(),
                "--json");

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("report: " + dir.resolve("report.html"));
        for (String f : new String[] {"summary.json", "trace.jsonl.gz", "history.jsonl", "params.txt", "report.html"}) {
            assertThat(dir.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(dir.resolve("summary.json")).strip()).isEqualTo(r.last());
        String page = Files.readString(dir.resolve("report.html"));
        assertThat(page).contains("The run broke P3").contains("--bug stale-epoch").contains(">ops 1</text>");
        assertThat(Files.readString(dir.resolve("params.txt"))).contains("digest: ");
    }

    @Test
    void theFolderDoesNotChangeTheRunItsDigestIsTheOneWithoutIt() {
        CliRun plain = CliRun.of("sim", "run", "--seed", "5", "--scenario", "counter", "--until-ms", "3000", "--json");
        CliRun folder = CliRun.of("sim", "run", "--seed", "5", "--scenario", "counter", "--until-ms", "3000", "--json",
                "--out", tmp.resolve("c5").toString());

        assertThat(folder.last()).as(folder.all()).isEqualTo(plain.last());
    }

    @Test
    void aSweepWritesAFolderPerFailingRunAndAnIndexByProperty() throws Exception {
        Path dir = tmp.resolve("sweep");
        CliRun r = CliRun.of("sim", "sweep", "--scenario", "kv", "--seeds", "11..12", "--bug", "stale-epoch", "--jobs", "1",
                "--out", dir.toString());

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(dir.resolve("kv-12/report.html")).isRegularFile();
        assertThat(dir.resolve("kv-11")).doesNotExist();
        String index = Files.readString(dir.resolve("index.html"));
        assertThat(index).contains("P3: single activation").contains("href=\"kv-12/report.html\"");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("index.html", "kv-12");
        }
    }

    @Test
    void anOutThatIsAFileIsRefusedInOneLineBeforeTheRun() throws Exception {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        CliRun r = CliRun.of("sim", "run", "--seed", "1", "--scenario", "kv", "--out", file.toString());

        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("is a file, not a directory");
        assertThat(r.showsStackTrace()).as(r.all()).isFalse();
        assertThat(r.out()).doesNotContain("verdict");
    }
}
