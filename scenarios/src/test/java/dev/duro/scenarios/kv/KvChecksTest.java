package dev.duro.scenarios.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KvChecksTest {
    @Test
    void aSwapIsAWriteAndAFailedCompareIsNothing() {
        HistoryRecorder h = new HistoryRecorder();
        h.ok(h.invoke(0, "write", "k", "a", 0), null, 10);
        h.ok(h.invoke(0, "cas", "k", Arrays.asList("a", "b"), 20), true, 30);
        h.ok(h.invoke(1, "cas", "k", Arrays.asList("x", "c"), 40), false, 50);
        History converted = KvChecks.asWrites(h.build());
        assertThat(converted.operations()).extracting(op -> op.f() + ":" + op.input()).containsExactly("write:a", "write:b");
    }

    @Test
    void aFinalReadMissingAnAcknowledgedSwapIsALostWrite() {
        HistoryRecorder h = new HistoryRecorder();
        h.ok(h.invoke(0, "write", "k", "a", 0), null, 10);
        h.ok(h.invoke(0, "cas", "k", Arrays.asList("a", "b"), 20), true, 30);
        h.ok(h.invoke(1, "read", "k", null, 100), "a", 110);
        assertThat(KvChecks.durability("k", h.build())).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("lost write"));
    }

    @Test
    void aFinalReadOfTheLastSwapPasses() {
        HistoryRecorder h = new HistoryRecorder();
        h.ok(h.invoke(0, "write", "k", "a", 0), null, 10);
        h.ok(h.invoke(0, "cas", "k", Arrays.asList("a", "b"), 20), true, 30);
        h.invoke(2, "cas", "k", Arrays.asList("b", "c"), 35); // indeterminate: may show up
        h.ok(h.invoke(1, "read", "k", null, 100), "c", 110);
        assertThat(KvChecks.durability("k", h.build())).isEmpty();
    }
}
