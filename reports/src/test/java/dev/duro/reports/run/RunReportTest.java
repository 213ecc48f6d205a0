package dev.duro.reports.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir
    Path dir;

    private static final String OBJ = "018b3dd2c35241b1c59011abd88e6792e97e68bfd991e4d2865b6c1efb29a63d";

    /** A small run in the trace format: n2 owns the object, a partition cuts it off, n4 takes over, n2 answers late. */
    private static List<String> traceLines() {
        List<String> t = new ArrayList<>();
        t.add(line(0, 0, "n0", "start", null, 1, "incarnation 1"));
        t.add(line(1, 0, "n1", "start", null, 1, "incarnation 1"));
        t.add(line(2, 0, "n2", "start", null, 1, "incarnation 1"));
        t.add(line(3, 0, "n4", "start", null, 1, "incarnation 1"));
        t.add(line(4, 0, "n5", "start", null, 1, "incarnation 1"));
        t.add(line(5, 100_000_000L, "n2", "record", "repl-won", 0, "repl-won id=" + OBJ + " fence=1.2.77 adopted=0 from=n2"));
        t.add(line(6, 120_000_000L, "n2", "record", "obj-output", 0, "obj-output id=" + OBJ + " epoch=1 kind=response seq=1 fence=1.2.77"));
        t.add(line(7, 130_000_000L, "n2", "record", "obj-output", 0, "obj-output id=" + OBJ + " epoch=1 kind=response seq=2 fence=1.2.77"));
        t.add(line(8, 500_000_000L, null, "partition", "minority {n2}", 0, "minority {n2} n2->n0 n2->n1 n0->n2 n1->n2"));
        t.add(line(9, 900_000_000L, "n4", "record", "repl-won", 0, "repl-won id=" + OBJ + " fence=3.4.99 adopted=2 from=n4"));
        t.add(line(10, 950_000_000L, "n4", "record", "obj-output", 0, "obj-output id=" + OBJ + " epoch=1 kind=response seq=1 fence=3.4.99"));
        t.add(line(11, 1_000_000_000L, "n2", "record", "obj-output", 0, "obj-output id=" + OBJ + " epoch=1 kind=response seq=3 fence=1.2.77"));
        t.add(line(12, 1_200_000_000L, "n0", "crash", null, 1, "incarnation 1 lost its volatile state"));
        t.add(line(13, 1_300_000_000L, "n1", "pause", null, 400_000_000L, "for 400.000000ms"));
        t.add(line(14, 1_500_000_000L, null, "heal", null, 0, "all links open"));
        t.add(line(15, 1_600_000_000L, "n0", "start", null, 2, "incarnation 2"));
        t.add(line(16, 1_700_000_000L, "n1", "resume", null, 0, ""));
        t.add(line(17, 1_800_000_000L, "n0", "task", null, 5, "seq 5 inc 2"));
        return t;
    }

    private static String line(long i, long t, String node, String kind, String label, long a, String text) {
        return "{\"i\":" + i + ",\"t\":" + t + ",\"node\":" + q(node) + ",\"kind\":" + q(kind) + ",\"a\":" + a
                + ",\"b\":0,\"c\":0,\"label\":" + q(label) + ",\"detail\":null,\"text\":" + q(text) + ",\"chain\":\"00\"}";
    }

    private static String q(String s) {
        return s == null ? "null" : "\"" + s.replace("\"", "\\\"") + "\"";
    }

    private static String summary(boolean failed) {
        String violations = failed
                ? "[{\"property\":\"P3\",\"class\":\"SAFETY\",\"message\":\"object 018b3dd2c352: two activations produced output: "
                + "n2 under fence 1.2.77 sent a response at #11 t=1000.000000ms, after n4 under the newer fence 3.4.99 had produced "
                + "output at #10 t=950.000000ms (a deposed owner still answering)\"}]"
                : "[]";
        return "{\"seed\":\"19\",\"scenario\":\"kv\",\"faults\":\"swarm\",\"digest\":\"8f70b9dd2796ebac\",\"events\":18,"
                + "\"traceEvents\":18,\"simTimeMs\":2000,\"untilMs\":2000,\"maxEvents\":100,\"stopReason\":\"TIME_LIMIT\","
                + "\"verdict\":\"" + (failed ? "FAIL" : "PASS") + "\",\"exitCode\":" + (failed ? 1 : 0) + ","
                + "\"parameters\":{\"nodes\":\"5 runtime nodes (n0..n4, 3 replicas per object) + 1 client(s)\",\"outcome\":\"12 ops, 10 answered\"},"
                + "\"violations\":" + violations + ",\"repro\":\"./duro sim run --seed 19 --scenario kv --bug stale-epoch\"}";
    }

    private Path folder(boolean failed) throws IOException {
        Files.writeString(dir.resolve(RunFolder.SUMMARY), summary(failed));
        Files.write(dir.resolve(RunFolder.TRACE), traceLines(), StandardCharsets.UTF_8);
        return RunFolder.finish(dir);
    }

    @Test
    void aFailingRunSaysWhichPropertyBrokeInWordsAndLinksItsEvidenceToTraceLinesOnThePage() throws IOException {
        String page = Files.readString(folder(true));

        assertThat(page).contains("The run broke P3").contains("two activations of one object both produced output")
                .contains("./duro sim run --seed 19 --scenario kv --bug stale-epoch");
        // Every link into the trace lands on a row that the excerpt holds.
        Matcher links = Pattern.compile("href=\"#e(\\d+)\"").matcher(page);
        int count = 0;
        while (links.find()) {
            count++;
            assertThat(page).as("link to trace event #%s has a target", links.group(1)).contains("id=\"e" + links.group(1) + "\"");
        }
        assertThat(count).isGreaterThanOrEqualTo(4);
        assertThat(page).contains("href=\"#e11\"").contains("href=\"#e10\"");
        assertThat(page).contains("id=\"violation-line\" data-t0=\"1000.000\"");
    }

    @Test
    void theObjectStoryListsEachOwnerAndEachFenceChangeOnceNotEveryResponse() throws IOException {
        folder(true);
        RunSummary s = RunSummary.parse(Files.readString(dir.resolve(RunFolder.SUMMARY)), "summary.json");
        RunStory story = RunStory.of(s, RunFolder.readTrace(dir));

        assertThat(story.firstViolation().objectPrefix()).isEqualTo("018b3dd2c352");
        assertThat(story.objectStory()).extracting(TraceLine::index).containsExactly(5L, 6L, 9L, 10L);
    }

    @Test
    void lanesShowCrashesPausesAndWhomAPartitionCutsANodeFrom() throws IOException {
        folder(true);
        RunSummary s = RunSummary.parse(Files.readString(dir.resolve(RunFolder.SUMMARY)), "summary.json");
        RunStory story = RunStory.of(s, RunFolder.readTrace(dir));

        RunStory.Lane n0 = story.lanes().get(0);
        assertThat(n0.spans()).extracting(RunStory.Span::state)
                .containsExactly(RunStory.State.UP, RunStory.State.DOWN, RunStory.State.UP);
        assertThat(n0.spans().get(1).fromMs()).isEqualTo(1200.0);
        assertThat(n0.spans().get(1).toMs()).isEqualTo(1600.0);
        RunStory.Lane n1 = story.lanes().get(1);
        assertThat(n1.spans()).extracting(RunStory.Span::state)
                .containsExactly(RunStory.State.UP, RunStory.State.PAUSED, RunStory.State.UP);
        RunStory.Lane n2 = story.lanes().get(2);
        assertThat(n2.cuts()).singleElement().satisfies(c -> {
            assertThat(c.peers()).isEqualTo("n0,n1");
            assertThat(c.fromMs()).isEqualTo(500.0);
            assertThat(c.toMs()).isEqualTo(1500.0);
        });
        assertThat(story.lanes()).filteredOn(RunStory.Lane::client).extracting(RunStory.Lane::node).containsExactly(5);
        assertThat(story.happened()).containsEntry("crashes", 1).containsEntry("partitions", 1).containsEntry("pauses", 1);
    }

    @Test
    void clientOperationsGetALaneEachWithOneBarPerOperation() throws IOException {
        Files.writeString(dir.resolve(RunFolder.HISTORY), String.join("\n",
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"key\":\"k1\",\"value\":1,\"time\":100000000}",
                "{\"type\":\"ok\",\"process\":0,\"f\":\"write\",\"key\":\"k1\",\"time\":130000000}",
                "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"key\":\"k1\",\"value\":null,\"time\":990000000}",
                "{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"key\":\"k1\",\"value\":1,\"time\":1001000000}",
                "{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"key\":\"k1\",\"value\":2,\"time\":1100000000}",
                "{\"type\":\"info\",\"process\":0,\"f\":\"write\",\"key\":\"k1\",\"time\":1900000000}") + "\n");
        String page = Files.readString(folder(true));

        assertThat(page).contains(">ops 1</text>").contains(">ops 2</text>").doesNotContain(">ops 3</text>");
        assertThat(page).contains("p1 read(").contains("data-t0=\"990.000\" data-t1=\"1001.000\"");
        assertThat(page).contains("[info]").contains("fill=\"#e0a030\"");
    }

    @Test
    void clientsThatContinueUnderANewProcessNumberShareALaneOnceTheOldOneIsDone() {
        List<dev.duro.model.history.Operation> ops = List.of(
                op(0, 0, 100, 200), op(1, 1, 150, 400), op(2, 7, 300, dev.duro.model.history.Operation.NEVER),
                op(3, 8, 800, 900));
        int[] lanes = new int[1];
        List<Integer> laneOf = RunReport.packLanes(ops, lanes);

        // p0 ends at 200 ms, so p7 (from 300 ms) reuses its lane; p8 starts after p7's 300 ms stub.
        assertThat(lanes[0]).isEqualTo(2);
        assertThat(laneOf).containsExactly(0, 1, 0, 0);
    }

    private static dev.duro.model.history.Operation op(int id, int process, long fromMs, long toMs) {
        long to = toMs == dev.duro.model.history.Operation.NEVER ? toMs : toMs * 1_000_000;
        var status = toMs == dev.duro.model.history.Operation.NEVER ? dev.duro.model.history.Status.INFO
                : dev.duro.model.history.Status.FAIL;
        return new dev.duro.model.history.Operation(id, process, "write", "k", 1L, dev.duro.model.history.Unknown.VALUE,
                status, fromMs * 1_000_000, to, 0);
    }

    @Test
    void aPassingRunSaysSoAndThePageNeedsNothingFromTheNetwork() throws IOException {
        String page = Files.readString(folder(false));

        assertThat(page).contains("No property was violated").contains("12 ops, 10 answered").doesNotContain("The run broke");
        assertThat(page).doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("@import");
        assertThat(dir.resolve(RunFolder.TRACE_GZ)).exists();
        assertThat(dir.resolve(RunFolder.TRACE)).doesNotExist();
    }

    @Test
    void aFolderWithoutASummaryIsRefusedSayingWhatItExpects() {
        assertThatThrownBy(() -> RunFolder.render(dir)).hasMessageContaining("summary.json is missing")
                .hasMessageContaining("--out");
    }
}
