package dev.duro.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The recorder API and Duro's JSON-lines format: what is recorded reads back the same. */
class DuroJsonLinesTest {
    @Test
    void recordedHistoriesRoundTrip() {
        HistoryRecorder r = new HistoryRecorder();
        HistoryRecorder.Handle w = r.invoke(0, "write", "k\"1", 1L, 100);
        HistoryRecorder.Handle c = r.invoke(1, "cas", List.of(1L, 2L), 110);
        r.ok(w, 1L, 150);
        r.fail(c, 160);
        HistoryRecorder.Handle t = r.invoke(2, "read", null, 170);
        r.info(t, 200);
        r.invoke(3, "write", 5L, 210); // never completes
        History h = r.build();
        String text = DuroJsonLines.write(h);
        History back = DuroJsonLines.parse(text, "x.jsonl");
        assertThat(back.operations()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            Operation a = h.operations().get(i);
            Operation b = back.operations().get(i);
            assertThat(b.withId(0)).usingRecursiveComparison().ignoringFields("line", "completeNanos").isEqualTo(a.withId(0));
        }
        assertThat(back.operations().get(3).completeNanos()).isEqualTo(Operation.NEVER);
        assertThat(text.lines().findFirst().orElseThrow())
                .isEqualTo("{\"type\":\"invoke\",\"process\":0,\"f\":\"write\",\"key\":\"k\\\"1\",\"value\":1,\"time\":100}");
    }

    @Test
    void aProcessWithAnOpenOperationCannotInvokeAgain() {
        HistoryRecorder r = new HistoryRecorder();
        r.invoke(0, "read", null, 0);
        assertThatThrownBy(() -> r.invoke(0, "read", null, 1)).hasMessageContaining("another of its operations is open");
    }

    @Test
    void timeGoingBackwardsIsAnError() {
        String text = "{\"type\":\"invoke\",\"process\":0,\"f\":\"read\",\"time\":5}\n{\"type\":\"ok\",\"process\":0,\"f\":\"read\",\"value\":1,\"time\":4}\n";
        assertThatThrownBy(() -> DuroJsonLines.parse(text, "b.jsonl")).hasMessageStartingWith("b.jsonl:2: time 4 goes backwards");
    }
}
