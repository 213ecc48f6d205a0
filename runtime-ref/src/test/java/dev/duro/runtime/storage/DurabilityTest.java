package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurabilityTest {
    @Test
    void sealHandsBatchesToTheLogInOrderAndReportsDurability() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        assertThat(h.await(s.seal())).isEqualTo(0L); // nothing pending: completes at once
        h.log.holdDurability = true;
        s.put("a", 1L);
        s.put("b", 2L);
        assertThat(s.hasPendingWrites()).isTrue();
        var first = s.seal();
        assertThat(s.sealedSeq()).isEqualTo(1);
        assertThat(s.hasPendingWrites()).isFalse();
        s.delete("a");
        var second = s.seal();
        var sync = s.sync();
        h.loop.drain();
        assertThat(first.isDone()).isFalse();
        assertThat(sync.isDone()).isFalse();
        assertThat(s.durableSeq()).isZero();
        h.log.releaseHeld();
        assertThat(h.await(first)).isEqualTo(1L);
        assertThat(h.await(second)).isEqualTo(2L);
        h.await(sync);
        assertThat(s.durableSeq()).isEqualTo(2);
        assertThat(BatchCodec.decode(h.log.durable.get(0).payload())).hasSize(2);
        assertThat(BatchCodec.decode(h.log.durable.get(1).payload())).singleElement().isInstanceOf(Mutation.KvDelete.class);
    }

    @Test
    void sealWithNothingPendingYieldsTheLastBatchWithoutAppending() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("a", 1L);
        assertThat(h.commit()).isEqualTo(1L);
        assertThat(h.await(s.seal())).isEqualTo(1L);
        assertThat(h.log.appends).isEqualTo(1);
    }

    @Test
    void aFailedAppendFailsWaitersAndTheStoreRefusesFurtherCalls() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        h.log.failAppends = true;
        s.put("a", 1L);
        Throwable failure = h.awaitFailure(s.seal());
        assertThat(failure).isInstanceOfSatisfying(DuroException.class, e -> assertThat(e.isReset()).isTrue());
        assertThat(s.failed()).isTrue();
        expect(ErrorCode.RESET, () -> s.get("a"));
        expect(ErrorCode.RESET, () -> s.put("b", 1L));
        expect(ErrorCode.RESET, () -> s.sql());
        assertThat(h.awaitFailure(s.seal())).isInstanceOf(DuroException.class);
    }

    @Test
    void closedStoreThrowsResetAndFailsWaiters() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        h.log.holdDurability = true;
        s.put("a", 1L);
        var sealed = s.seal();
        s.close();
        assertThat(h.awaitFailure(sealed)).isInstanceOf(DuroException.class);
        expect(ErrorCode.RESET, () -> s.get("a"));
        assertThatThrownBy(() -> s.sql()).isInstanceOf(DuroException.class);
    }

    @Test
    void crashKeepsExactlyTheDurableBatches() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        s.put("a", 1L);
        h.commit();
        byte[] durableImage = s.imageForTest();
        h.log.holdDurability = true;
        s.put("b", 2L);
        s.sql().exec("INSERT INTO t VALUES (1)");
        s.seal();
        s.put("c", 3L); // never sealed
        h.loop.drain();
        h.log.crash();
        h.log.holdDurability = false;
        ObjectStore recovered = h.open();
        Harness.assertSameImage(recovered.imageForTest(), durableImage);
        assertThat(recovered.sealedSeq()).isEqualTo(1);
        assertThat(recovered.durableSeq()).isEqualTo(1);
        recovered.put("d", 4L); // and the next batch continues the sequence
        assertThat(h.commit()).isEqualTo(2L);
    }

    @Test
    void sizeLimitUndoesTheWriteThatCrossesIt() {
        Harness h = new Harness(StoreOptions.defaults(true).withSizeLimitBytes(64 * 1024));
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        byte[] chunk = new byte[4000];
        int stored = 0;
        DuroException limit = null;
        for (int i = 0; i < 100 && limit == null; i++) {
            byte[] before = s.imageForTest();
            var pending = s.pendingForTest();
            try {
                if (i % 2 == 0) s.put("k" + i, chunk);
                else s.sql().exec("INSERT INTO t VALUES (?)", chunk);
                stored++;
            } catch (DuroException e) {
                limit = e;
                assertThat(s.imageForTest()).isEqualTo(before);
                assertThat(s.pendingForTest()).isEqualTo(pending);
            }
        }
        assertThat(limit).isNotNull();
        assertThat(limit.code()).isEqualTo(ErrorCode.SIZE_LIMIT);
        assertThat(stored).isGreaterThan(5);
        assertThat(s.sql().databaseSize()).isLessThanOrEqualTo(64 * 1024);
        s.delete("k0"); // deleting still works, and frees room for a smaller write
        s.put("small", 1L);
        h.commit();
        byte[] live = s.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }
}
