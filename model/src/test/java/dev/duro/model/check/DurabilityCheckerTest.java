package dev.duro.model.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;
import dev.duro.model.history.HistoryRecorder.Handle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durability: acknowledged writes against final reads. Each finding kind has a test that makes it fire. */
class DurabilityCheckerTest {
    private static void op(HistoryRecorder r, int p, String f, Object key, Object in, Object out, long t) {
        Handle h = r.invoke(p, f, key, in, t);
        r.ok(h, out, t + 1);
    }

    @Test
    void aDurableKvHistoryHasNoFindings() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "put", "a", 1L, 1L, 0);
        op(r, 0, "put", "a", 2L, 2L, 10);
        Handle lost = r.invoke(1, "put", "b", 5L, 20);
        r.info(lost, 21); // indeterminate: may be absent
        op(r, 2, "get", "a", null, 2L, 100);
        op(r, 2, "get", "b", null, null, 110);
        DurabilityChecker.Result res = DurabilityChecker.checkKv(r.build());
        assertThat(res.durable()).isTrue();
        assertThat(res.acknowledgedWrites()).isEqualTo(2);
        assertThat(res.finalReads()).isEqualTo(2);
    }

    @Test
    void aFinalReadOfAnOverwrittenValueIsALostWrite() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "put", "a", 1L, 1L, 0);
        op(r, 0, "put", "a", 2L, 2L, 10);
        op(r, 2, "get", "a", null, 1L, 100); // after a crash, 2 is gone
        DurabilityChecker.Result res = DurabilityChecker.checkKv(r.build());
        assertThat(res.findings()).singleElement().isInstanceOfSatisfying(DurabilityFinding.LostWrite.class,
                f -> assertThat(f.write().input()).isEqualTo(2L));
    }

    @Test
    void anAbsentKeyLosesEveryAcknowledgedWriteButNotDeletedOnes() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "put", "a", 1L, 1L, 0);
        op(r, 0, "put", "b", 3L, 3L, 5);
        op(r, 0, "delete", "b", null, null, 8);
        op(r, 2, "get", "a", null, null, 100);
        op(r, 2, "get", "b", null, null, 101);
        assertThat(DurabilityChecker.checkKv(r.build()).findings()).singleElement()
                .isInstanceOf(DurabilityFinding.LostWrite.class);
    }

    @Test
    void aDeleteAcknowledgedAfterTheWriteThenReadBackIsAResurrection() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "put", "a", 1L, 1L, 0);
        op(r, 0, "delete", "a", null, null, 10);
        op(r, 2, "get", "a", null, 1L, 100);
        assertThat(DurabilityChecker.checkKv(r.build()).findings()).singleElement()
                .isInstanceOf(DurabilityFinding.Resurrected.class);
    }

    @Test
    void aValueNobodyWroteIsAPhantom() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "put", "a", 1L, 1L, 0);
        op(r, 2, "get", "a", null, 9L, 100);
        assertThat(DurabilityChecker.checkKv(r.build()).findings()).singleElement()
                .isInstanceOf(DurabilityFinding.Phantom.class);
    }

    @Test
    void appendWorkloadFindsLostDuplicatedAndResurrectedElements() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "append", null, 1L, null, 0);
        op(r, 0, "append", null, 2L, null, 10);
        op(r, 0, "append", null, 3L, null, 20);
        op(r, 1, "remove", null, 3L, null, 30);
        Handle maybe = r.invoke(1, "append", 4L, 40);
        r.info(maybe, 41);
        op(r, 2, "read", null, null, List.of(1L, 1L, 3L), 100);
        History h = r.build();
        List<DurabilityFinding> f = DurabilityChecker.checkCollection(h).findings();
        assertThat(f).hasSize(3);
        assertThat(f).anySatisfy(x -> assertThat(x).isInstanceOf(DurabilityFinding.Duplicate.class));
        assertThat(f).anySatisfy(x -> assertThat(x).isInstanceOf(DurabilityFinding.Resurrected.class));
        assertThat(f).anySatisfy(x -> assertThat(x).isInstanceOfSatisfying(DurabilityFinding.LostWrite.class,
                l -> assertThat(l.write().input()).isEqualTo(2L)));
        assertThat(f).allSatisfy(x -> assertThat(x.describe()).isNotBlank());
    }

    @Test
    void aCompleteSetReadIsDurable() {
        HistoryRecorder r = new HistoryRecorder();
        op(r, 0, "add", null, "x", null, 0);
        op(r, 1, "add", null, "y", null, 0 + 5);
        op(r, 2, "read", null, null, java.util.Set.of("x", "y"), 100);
        assertThat(DurabilityChecker.checkCollection(r.build()).durable()).isTrue();
    }
}
