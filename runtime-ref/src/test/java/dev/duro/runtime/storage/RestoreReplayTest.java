package dev.duro.runtime.storage;

import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore is a batch like any other: replay reproduces it byte for byte, from the log or from a
 * snapshot, and a restore request is acted on (or withdrawn) exactly once.
 */
class RestoreReplayTest {
    @Test
    void aCompletedRestoreIsReplayedFromTheLog() {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(0));
        h.requestRestoreToBatchOne();
        ObjectStore restored = h.open();
        assertThat(restored.get("v")).isEqualTo(1L);
        restored.put("after", 1L);
        h.commit();
        byte[] live = restored.imageForTest();
        ObjectStore replayed = h.open(); // no snapshot: every batch replays, the Restore among them
        assertThat(h.log.snapshots).isEmpty();
        Harness.assertSameImage(replayed.imageForTest(), live);
        assertThat(replayed.get("v")).isEqualTo(1L);
        assertThat(h.batchesOf(Mutation.Restore.class)).isEqualTo(1);
    }

    @Test
    void aRestoreRequestIsKeptByASnapshotOfItsBatch() {
        Harness h = new Harness(StoreOptions.defaults(true).withSnapshotEveryBatches(1));
        h.requestRestoreToBatchOne();
        assertThat(h.log.snapshots.getLast().seq()).isEqualTo(3); // recovery starts from it, replaying nothing
        assertThat(h.open().get("v")).isEqualTo(1L);
    }

    @Test
    void aRestoreToAStateThatHeldARequestIsDoneOnce() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("v", 1L);
        h.commit();
        String first = s.currentBookmark();
        s.put("v", 2L);
        s.restoreOnNextActivation(first); // batch 2: v=2; batch 3: the request
        h.commit();
        String requested = s.currentBookmark(); // a state that asks to restore to batch 1
        s.put("v", 3L);
        s.restoreOnNextActivation(requested);
        h.commit();
        assertThat(h.open().get("v")).isEqualTo(2L);
        assertThat(h.open().get("v")).isEqualTo(2L);
        assertThat(h.batchesOf(Mutation.Restore.class)).isEqualTo(1);
    }

    @Test
    void statementsRunBeforeARestoreRunAgainAfterIt() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        s.sql().exec("INSERT INTO t VALUES (?)", 1);
        h.commit();
        String first = s.currentBookmark();
        s.sql().exec("INSERT INTO t VALUES (?)", 2);
        h.commit();
        s.restoreOnNextActivation(first);
        h.commit();
        ObjectStore restored = h.open(); // replay ran the INSERT, then the restore replaced the database
        restored.sql().exec("INSERT INTO t VALUES (?)", 3);
        assertThat(restored.sql().exec("SELECT a FROM t ORDER BY a").raw()).containsExactly(List.of(1L), List.of(3L));
    }

    /** Deleted content is zeroed in a restored database too, so the live image matches one rebuilt from a snapshot. */
    @Test
    void aRestoredDatabaseReplaysToTheSameBytes() {
        Harness h = new Harness();
        h.requestRestoreToBatchOne();
        ObjectStore restored = h.open();
        h.log.snapshots.add(new Snapshot(restored.sealedSeq(), 0, restored.imageForTest())); // later recoveries load it fresh
        restored.put("secret", "s".repeat(300));
        restored.put("w", 1L);
        restored.delete("secret");
        h.commit();
        byte[] live = restored.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }
}
