package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionTest {
    Harness h;
    ObjectStore s;

    @BeforeEach
    void open() {
        h = new Harness();
        s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        s.put("k", 1L);
        s.setAlarm(100);
        h.alarmChanges.clear();
    }

    @Test
    void commitKeepsEverything() {
        int result = s.transactionSync(() -> {
            s.put("k", 2L);
            s.sql().exec("INSERT INTO t VALUES (1)");
            return 7;
        });
        assertThat(result).isEqualTo(7);
        assertThat(s.get("k")).isEqualTo(2L);
        assertThat(s.sql().exec("SELECT count(*) AS n FROM t").one().getLong("n")).isEqualTo(1L);
    }

    @Test
    void exceptionRollsBackStateBatchAndAlarmAndIsRethrown() {
        byte[] before = s.imageForTest();
        var pending = s.pendingForTest();
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> s.transactionSync(() -> {
            s.put("k", 2L);
            s.put("new", 3L);
            s.sql().exec("INSERT INTO t VALUES (1)");
            s.sql().exec("CREATE TABLE u(b)");
            s.setAlarm(200);
            s.deleteAll();
            throw boom;
        })).isSameAs(boom);
        assertThat(s.imageForTest()).isEqualTo(before);
        assertThat(s.pendingForTest()).isEqualTo(pending);
        assertThat(s.getAlarm()).contains(100L);
        assertThat(h.alarmChanges).containsExactly(Optional.of(200L), Optional.empty(), Optional.of(100L));
        assertThat(s.failed()).isFalse();
        s.put("after", 1L); // the store stays usable
    }

    @Test
    void innerFailureCaughtByOuterRollsBackOnlyTheInnerPart() {
        s.transactionSync(() -> {
            s.put("outer", 1L);
            try {
                s.transactionSync(() -> {
                    s.put("inner", 1L);
                    s.sql().exec("INSERT INTO t VALUES (1)");
                    throw new RuntimeException("inner");
                });
            } catch (RuntimeException expected) {
                // the outer transaction goes on
            }
            s.put("outer2", 1L);
        });
        assertThat(s.list()).containsOnlyKeys("k", "outer", "outer2");
        assertThat(s.sql().exec("SELECT count(*) AS n FROM t").one().getLong("n")).isEqualTo(0L);
        assertThat(s.pendingForTest()).filteredOn(m -> m instanceof Mutation.KvPut p && new String(p.key()).equals("inner")).isEmpty();
    }

    @Test
    void failingStatementInsideATransactionLeavesTheRestOfItIntact() {
        s.transactionSync(() -> {
            s.put("a", 1L);
            expect(ErrorCode.SQL_ERROR, () -> s.sql().exec("INSERT INTO nope VALUES (1)"));
            s.put("b", 1L);
        });
        assertThat(s.list()).containsOnlyKeys("a", "b", "k");
    }

    @Test
    void sealInsideATransactionIsAHostBugButSyncWaitsForTheEnd() {
        var sync = s.transactionSync(() -> {
            s.put("x", 1L);
            assertThatThrownBy(s::seal).isInstanceOf(IllegalStateException.class);
            return s.sync();
        });
        h.await(sync);
        assertThat(s.hasPendingWrites()).isFalse();
        assertThat(h.log.durable).isNotEmpty();
    }

    @Test
    void replayOfACommittedTransactionMatches() {
        s.transactionSync(() -> {
            s.put("k", 5L);
            s.sql().exec("INSERT INTO t VALUES (2)");
            try {
                s.transactionSync(() -> {
                    s.sql().exec("INSERT INTO t VALUES (3)");
                    throw new DuroException(ErrorCode.OBJECT_ERROR, "x");
                });
            } catch (DuroException ignored) {
                // rolled back
            }
        });
        h.commit();
        byte[] live = s.imageForTest();
        ObjectStore reopened = h.open();
        Harness.assertSameImage(reopened.imageForTest(), live);
    }
}
