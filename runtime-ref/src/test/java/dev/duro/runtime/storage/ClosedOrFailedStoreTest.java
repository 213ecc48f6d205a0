package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.ListOptions;
import dev.duro.model.storage.SqlStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Once the activation ended (close) or the log failed, every storage call throws RESET before it
 * looks at its arguments or touches the database: a closed store's SQLite is gone, and a failed
 * store's state may be ahead of the log, so it must neither be read nor written. Durability waits
 * fail instead of hanging.
 */
class ClosedOrFailedStoreTest {
    /** A storage call; {@code sql} was taken while the store was usable. */
    record Call(String name, BiConsumer<Harness, SqlStorage> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Call> calls() {
        return List.of(
                new Call("get", (h, sql) -> h.store.get("k")),
                new Call("get typed", (h, sql) -> h.store.get("k", String.class)),
                new Call("get list", (h, sql) -> h.store.get(List.of("k"))),
                new Call("list", (h, sql) -> h.store.list(new ListOptions(null, null, null, null, false, 0))),
                new Call("put", (h, sql) -> h.store.put("k", "w")),
                new Call("put map", (h, sql) -> h.store.put(Map.of("k", "w"))),
                new Call("delete", (h, sql) -> h.store.delete("k")),
                new Call("delete list", (h, sql) -> h.store.delete(List.of("k"))),
                new Call("deleteAll", (h, sql) -> h.store.deleteAll()),
                new Call("getAlarm", (h, sql) -> h.store.getAlarm()),
                new Call("setAlarm", (h, sql) -> h.store.setAlarm(9)),
                new Call("deleteAlarm", (h, sql) -> h.store.deleteAlarm()),
                new Call("transactionSync", (h, sql) -> h.store.transactionSync(() -> {
                    throw new AssertionError("the transaction ran on an unusable store");
                })),
                new Call("sync", (h, sql) -> h.store.sync()),
                new Call("sql", (h, sql) -> h.store.sql()),
                new Call("exec read", (h, sql) -> sql.exec("SELECT * FROM t")),
                new Call("exec write", (h, sql) -> sql.exec("INSERT INTO t VALUES (2)")),
                new Call("databaseSize", (h, sql) -> sql.databaseSize()),
                new Call("currentBookmark", (h, sql) -> h.store.currentBookmark()),
                new Call("bookmarkForTime", (h, sql) -> h.store.bookmarkForTime(h.loop.wallMillis)),
                new Call("restoreOnNextActivation", (h, sql) -> h.store.restoreOnNextActivation("not even a bookmark")));
    }

    /** A store with a table, a key and an alarm, all durable. */
    private static Harness usable() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        s.put("k", "v");
        s.setAlarm(5);
        h.commit();
        return h;
    }

    /** Makes the next append fail with {@code cause} and waits until the store knows. */
    private static Throwable failLog(Harness h, RuntimeException cause) {
        h.log.appendFailure = cause;
        h.log.failAppends = true;
        h.store.put("x", 1L);
        return h.awaitFailure(h.store.seal());
    }

    @ParameterizedTest
    @MethodSource("calls")
    void aClosedStoreThrowsResetOnEveryCall(Call call) {
        Harness h = usable();
        SqlStorage sql = h.store.sql();
        h.store.close();
        expect(ErrorCode.RESET, () -> call.run().accept(h, sql));
    }

    @ParameterizedTest
    @MethodSource("calls")
    void aFailedStoreThrowsResetOnEveryCallAndChangesNothing(Call call) {
        Harness h = usable();
        SqlStorage sql = h.store.sql();
        failLog(h, new RuntimeException("disk gone"));
        byte[] image = h.store.imageForTest();
        List<Mutation> pending = h.store.pendingForTest();
        int writes = h.writes.size();
        expect(ErrorCode.RESET, () -> call.run().accept(h, sql));
        assertThat(h.store.imageForTest()).isEqualTo(image);
        assertThat(h.store.pendingForTest()).isEqualTo(pending);
        assertThat(h.writes).hasSize(writes);
    }

    @Test
    void durabilityWaitsOnAClosedStoreFailWithReset() {
        Harness h = usable();
        ObjectStore s = h.store;
        long durable = s.durableSeq();
        s.close();
        assertReset(h.awaitFailure(s.seal()));
        assertReset(h.awaitFailure(s.whenDurable(durable + 1)));
        h.await(s.whenDurable(durable)); // what was durable stays so
    }

    @Test
    void durabilityWaitsOnAFailedStoreFailWithTheStoresFailure() {
        Harness h = usable();
        ObjectStore s = h.store;
        long durable = s.durableSeq();
        Throwable failure = failLog(h, new RuntimeException("disk gone"));
        assertReset(failure);
        assertThat(h.awaitFailure(s.seal())).isSameAs(failure);
        assertThat(h.awaitFailure(s.whenDurable(s.sealedSeq() + 1))).isSameAs(failure);
        h.await(s.whenDurable(durable));
    }

    @Test
    void aLogFailureThatIsAlreadyAResetIsPassedOnAsIs() {
        Harness h = usable();
        DuroException lostEpoch = new DuroException(ErrorCode.RESET, "another owner took the log");
        assertThat(failLog(h, lostEpoch)).isSameAs(lostEpoch);
    }

    @Test
    void anyOtherLogFailureBecomesAResetThatKeepsItAsTheCause() {
        Harness h = usable();
        DuroException diskFull = new DuroException(ErrorCode.INTERNAL, "disk full");
        Throwable failure = failLog(h, diskFull);
        assertReset(failure);
        assertThat(failure).hasCause(diskFull).hasMessageContaining("disk full");
    }

    @Test
    void closeReleasesTheDatabaseAndTheLogOnce() {
        Harness h = usable();
        int closes = h.log.closes;
        h.store.close();
        h.store.close();
        assertThat(h.log.closes).isEqualTo(closes + 1);
        assertThatThrownBy(h.store::imageForTest).as("the in-memory database is released").isNotNull();
    }

    @Test
    void closingTheStoreInsideATransactionEndsItWithReset() {
        Harness h = usable();
        ObjectStore s = h.store;
        expect(ErrorCode.RESET, () -> s.transactionSync(() -> {
            s.put("y", 1L);
            s.close();
            return null;
        }));
    }

    @Test
    void aLogFailureLandingDuringATransactionRollsItBack() {
        Harness h = usable();
        ObjectStore s = h.store;
        h.log.failAppends = true;
        s.put("x", 1L);
        var sealed = s.seal(); // fails on the loop, not yet
        byte[] before = s.imageForTest();
        expect(ErrorCode.RESET, () -> s.transactionSync(() -> {
            s.put("y", 1L);
            s.sql().exec("INSERT INTO t VALUES (3)");
            h.loop.drain(); // the append failure lands while the transaction is open
            return null;
        }));
        assertThat(sealed.isFailed()).isTrue();
        assertThat(s.imageForTest()).isEqualTo(before);
        assertThat(s.pendingForTest()).isEmpty();
    }

    private static void assertReset(Throwable t) {
        assertThat(t).isInstanceOfSatisfying(DuroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESET));
    }
}
