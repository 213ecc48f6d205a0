package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

class SnapshotAndRestoreTest {
    @Test
    void snapshotsAreTakenEveryNBatchesAfterDurabilityAndRecoveryUsesThem() {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(2));
        ObjectStore s = h.open();
        for (int i = 1; i <= 5; i++) {
            s.put("k" + i, (long) i);
            if (i == 1) s.sql().exec("CREATE TABLE t(a)");
            s.sql().exec("INSERT INTO t VALUES (?)", i);
            h.commit();
        }
        assertThat(h.log.snapshots).extracting(snap -> snap.seq()).containsExactly(2L, 4L);
        byte[] live = s.imageForTest();
        // Drop the batches the snapshot covers: recovery must not need them.
        h.log.durable.removeIf(e -> e.seq() <= 4);
        ObjectStore recovered = h.open();
        Harness.assertSameImage(recovered.imageForTest(), live);
        assertThat(recovered.get("k5")).isEqualTo(5L);
        assertThat(recovered.sealedSeq()).isEqualTo(5);
    }

    @Test
    void withSnapshotsOffNoneIsEverTaken() {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(0));
        ObjectStore s = h.open();
        for (long i = 0; i < 3; i++) {
            s.put("k", i);
            h.commit();
        }
        assertThat(h.log.snapshots).isEmpty();
    }

    @Test
    void aFailedSnapshotFailsTheStore() {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(1));
        ObjectStore s = h.open();
        h.log.failSnapshots = true;
        s.put("a", 1L);
        h.commit();
        h.loop.drain();
        assertThat(s.failed()).isTrue();
        expect(ErrorCode.RESET, () -> s.get("a"));
    }

    @Test
    void deleteAllWipesKvTablesViewsTriggersIndexesAndTheAlarmAtomically() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("a", 1L);
        s.setAlarm(10);
        var sql = s.sql();
        sql.exec("CREATE TABLE p(id INTEGER PRIMARY KEY AUTOINCREMENT, x)");
        sql.exec("CREATE TABLE c(pid REFERENCES p(id), y)");
        sql.exec("CREATE INDEX c_y ON c(y)");
        sql.exec("CREATE VIEW v AS SELECT * FROM p JOIN c ON c.pid = p.id");
        sql.exec("CREATE TRIGGER tr AFTER INSERT ON p BEGIN INSERT INTO c VALUES (new.id, 'auto'); END");
        sql.exec("CREATE VIRTUAL TABLE docs USING fts5(body)");
        sql.exec("INSERT INTO docs VALUES ('hello world')");
        sql.exec("INSERT INTO p(x) VALUES ('x')");
        h.commit();
        h.alarmChanges.clear();
        int pendingBefore = s.pendingForTest().size();
        s.deleteAll();
        assertThat(s.pendingForTest()).hasSize(pendingBefore + 1);
        assertThat(s.list()).isEmpty();
        assertThat(s.getAlarm()).isEmpty();
        assertThat(h.alarmChanges).containsExactly(Optional.empty());
        assertThat(sql.exec("SELECT name FROM sqlite_schema WHERE name NOT LIKE '\\_duro\\_%' ESCAPE '\\' "
                + "AND name NOT LIKE 'sqlite_%'").toList()).isEmpty();
        sql.exec("CREATE TABLE p(a)"); // names are free again
        h.commit();
        byte[] live = s.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }

    /** An R*Tree drops its shadow tables without IF EXISTS, so it must go before them. */
    @Test
    void deleteAllDropsAnRtreeWithItsShadowTables() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx)");
        s.sql().exec("INSERT INTO r VALUES (1, 0, 1)");
        s.sql().exec("CREATE TABLE a(x)");
        h.commit();
        s.deleteAll();
        assertThat(s.sql().exec("SELECT name FROM sqlite_schema WHERE name NOT LIKE '\\_duro\\_%' ESCAPE '\\'").raw()).isEmpty();
        h.commit();
        byte[] live = s.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }

    @Test
    void bookmarksSortByTimeAndNameBatchBoundaries() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        String empty = s.currentBookmark();
        s.put("a", 1L);
        String b1 = s.currentBookmark(); // seals the pending write
        assertThat(s.sealedSeq()).isEqualTo(1);
        h.loop.wallMillis += 1000;
        s.put("a", 2L);
        h.commit();
        String b2 = s.currentBookmark();
        assertThat(List.of(empty, b1, b2)).isSorted();
        assertThat(Bookmarks.parse(b1).seq()).isEqualTo(1);
        assertThat(Bookmarks.parse(b2).seq()).isEqualTo(2);
        assertThat(Bookmarks.parse(s.bookmarkForTime(h.loop.wallMillis - 500)).seq()).isEqualTo(1);
        assertThat(Bookmarks.parse(s.bookmarkForTime(h.loop.wallMillis)).seq()).isEqualTo(2);
        assertThat(Bookmarks.parse(s.bookmarkForTime(h.loop.wallMillis - 5000)).seq()).isZero();
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.bookmarkForTime(h.loop.wallMillis - StoreOptions.DEFAULT_RETENTION_MILLIS - 1));
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.bookmarkForTime(h.loop.wallMillis + 1));
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.restoreOnNextActivation("not a bookmark"));
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.restoreOnNextActivation(Bookmarks.format(h.loop.wallMillis, 99)));
        assertThat(s.hasPendingWrites()).isFalse();
    }

    @Test
    void restoreOnNextActivationRestoresDurablyAndCanBeUndone() {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(3));
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        s.put("v", 1L);
        s.setAlarm(111);
        h.commit();
        byte[] atBookmark = s.imageForTest();
        String bookmark = s.currentBookmark();
        for (int i = 2; i <= 6; i++) {
            h.loop.wallMillis += 10;
            s.put("v", (long) i);
            s.sql().exec("INSERT INTO t VALUES (?)", i);
            h.commit();
        }
        s.deleteAlarm();
        h.commit();
        byte[] beforeRestore = s.imageForTest();
        String undo = s.restoreOnNextActivation(bookmark);
        assertThat(h.writes).endsWith("restore");
        h.commit();
        assertThat(s.get("v")).isEqualTo(6L); // nothing changes until the next activation

        ObjectStore restored = h.open();
        assertThat(restored.get("v")).isEqualTo(1L);
        assertThat(restored.getAlarm()).contains(111L);
        assertThat(restored.sql().exec("SELECT count(*) AS n FROM t").one().getLong("n")).isZero();
        Harness.assertSameImage(restored.imageForTest(), atBookmark);
        long restoreSeq = restored.durableSeq();
        assertThat(BatchCodec.decode(h.log.durable.getLast().payload())).singleElement().isInstanceOf(Mutation.Restore.class);

        // The restore is now the head: reopening does not restore again, and later writes build on it.
        restored.put("after", 1L);
        h.commit();
        ObjectStore again = h.open();
        assertThat(again.get("v")).isEqualTo(1L);
        assertThat(again.get("after")).isEqualTo(1L);
        assertThat(again.sealedSeq()).isEqualTo(restoreSeq + 1);

        // The undo bookmark brings back the state before the restore request.
        again.restoreOnNextActivation(undo);
        h.commit();
        ObjectStore undone = h.open();
        Harness.assertSameImage(undone.imageForTest(), beforeRestore);
    }

    @Test
    void aCrashBeforeTheRestoreBatchIsDurableRestoresAgain() {
        Harness h = new Harness();
        h.requestRestoreToBatchOne();
        h.log.holdDurability = true;
        var opening = ObjectStore.open(h.log, h.options, h.hooks, h.loop, h.loop);
        h.loop.drain();
        assertThat(opening.isDone()).isFalse(); // waits for the Restore batch to be durable
        h.log.crash();
        h.log.holdDurability = false;
        h.store = null;
        ObjectStore reopened = h.open();
        assertThat(reopened.get("v")).isEqualTo(1L);
    }

    /** If the log can no longer rebuild the target, the request is withdrawn durably, once. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aWithdrawnRestoreIsNotAttemptedAgain(int snapshotEveryBatches) {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(snapshotEveryBatches));
        byte[] requested = h.requestRestoreToBatchOne();
        // The target fell out of the log; recovery starts from a snapshot of the request's batch.
        h.log.durable.removeIf(e -> e.seq() == 1);
        h.log.snapshots.removeIf(snap -> snap.seq() < 3);
        if (h.log.snapshots.isEmpty()) h.log.snapshots.add(new Snapshot(3, 0, requested));
        ObjectStore kept = h.open();
        assertThat(kept.get("v")).isEqualTo(2L);
        long sealed = kept.sealedSeq();
        assertThat(h.batchesOf(Mutation.CancelRestore.class)).isEqualTo(1);
        ObjectStore again = h.open();
        assertThat(again.get("v")).isEqualTo(2L);
        assertThat(again.sealedSeq()).as("no second attempt, so no second withdrawal").isEqualTo(sealed);
        assertThat(h.batchesOf(Mutation.CancelRestore.class)).isEqualTo(1);
    }
}
