package dev.duro.cli.cluster;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster test's judge on doctored histories: it passes a correct one and fails, naming what
 * broke, one that lost an acknowledged write and one that is not linearizable, so a real run that
 * passes has passed a checker that can fail.
 */
class JudgeTest {
    private final HistoryRecorder h = new HistoryRecorder();

    private void write(int process, String key, String value, long from, long to) {
        h.ok(h.invoke(process, "write", key, value, from), null, to);
    }

    private void read(int process, String key, String value, long from, long to) {
        h.ok(h.invoke(process, "read", key, null, from), value, to);
    }

    @Test
    void aCorrectHistoryPasses() {
        write(0, "k0", "v0-1", 0, 10);
        write(1, "k0", "v1-1", 20, 30);
        h.info(h.invoke(0, "write", "k0", "v0-2", 40), 50); // indeterminate: may or may not show
        write(0, "k1", "v0-3", 5, 15);
        read(-1, "k0", "v1-1", 100, 110);
        read(-2, "k1", "v0-3", 100, 110);
        Judge.Judgement j = Judge.judge(h.build());
        assertThat(j.safe()).isTrue();
        assertThat(j.lostAcknowledged()).isZero();
        assertThat(j.acknowledgedWrites()).isEqualTo(3);
        assertThat(j.finalReads()).isEqualTo(2);
    }

    @Test
    void anAcknowledgedWriteTheFinalReadDoesNotShowIsLost() {
        write(0, "k0", "v0-1", 0, 10);
        write(1, "k0", "v1-1", 20, 30); // acknowledged, then gone: what a lost fsync looks like
        read(-1, "k0", "v0-1", 100, 110);
        Judge.Judgement j = Judge.judge(h.build());
        assertThat(j.safe()).isFalse();
        assertThat(j.lostAcknowledged()).isEqualTo(1);
        assertThat(j.findings()).singleElement().asString().contains("v1-1");
        assertThat(j.violations()).as("a stale final read is not linearizable either").hasSize(1);
    }

    @Test
    void aSwapFromAValueThatWasAlreadyOverwrittenIsNotLinearizable() {
        write(0, "k0", "v0-1", 0, 10);
        write(1, "k0", "v1-1", 20, 30);
        h.ok(h.invoke(0, "cas", "k0", Arrays.asList("v0-1", "v0-2"), 40), true, 50); // compared against a stale value
        read(-1, "k0", "v0-2", 100, 110);
        Judge.Judgement j = Judge.judge(h.build());
        assertThat(j.safe()).isFalse();
        assertThat(j.violations()).singleElement().asString().startsWith("key k0 is not linearizable");
        assertThat(j.findings()).as("the swap's value is the last write: nothing acknowledged is missing").isEmpty();
    }

    @Test
    void historiesRoundTripThroughTheFileFormatDuroCheckReads() {
        write(0, "k0", "v0-1", 0, 10);
        h.ok(h.invoke(0, "cas", "k0", Arrays.asList("v9-9", "v0-2"), 20), false, 30); // compared against a value never written
        History built = h.build();
        History back = dev.duro.model.history.DuroJsonLines.parse(dev.duro.model.history.DuroJsonLines.write(built), "t");
        assertThat(back.operations()).hasSize(2);
        assertThat(Judge.judge(back).safe()).isTrue();
    }
}
