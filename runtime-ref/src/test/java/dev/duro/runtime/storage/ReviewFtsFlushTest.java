package dev.duro.runtime.storage;

import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FTS tables buffer new terms in memory and write them out as a segment at the next savepoint or
 * commit. Live, those are per write; on replay a batch is one transaction, so the segments (and
 * the pages) came out different.
 */
class ReviewFtsFlushTest {
    @ParameterizedTest
    @CsvSource({"f, false, 0", "f, true, 0", "f, true, 2000", "virtual_docs, false, 0"})
    void ftsWritesReplayToTheSameBytes(String table, boolean inTransaction, int extraWords) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE VIRTUAL TABLE " + table + " USING fts5(a)");
        h.commit();
        // With extra words, each segment and each value takes pages of its own: a segment
        // written late (at the next write's savepoint) lands after the next value's pages.
        Runnable body = () -> {
            for (int i = 0; i < 5; i++) {
                StringBuilder doc = new StringBuilder("hello world " + i);
                for (int w = 0; w < extraWords; w++) doc.append(" w").append(i).append('x').append(w);
                s.sql().exec("INSERT INTO " + table + " VALUES (?)", doc.toString());
                s.put("k" + i, "v".repeat(1 + extraWords * 5));
            }
            s.sql().exec("DELETE FROM " + table + " WHERE rowid = ?", 3);
        };
        if (inTransaction) {
            s.transactionSync(() -> {
                body.run();
                return null;
            });
        } else {
            body.run();
        }
        h.commit();
        byte[] live = s.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }

    /** A database loaded from an image that holds an FTS table flushes per write too. */
    @Test
    void ftsWritesAfterRecoveryFromASnapshotReplayToTheSameBytes() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE VIRTUAL TABLE f USING fts5(a)");
        long seq = h.commit();
        h.log.snapshots.add(new Snapshot(seq, 0, s.imageForTest())); // later recoveries load the table from an image
        ObjectStore recovered = h.open();
        for (int i = 0; i < 3; i++) recovered.sql().exec("INSERT INTO f VALUES (?)", "hello world " + i);
        h.commit();
        byte[] live = recovered.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }
}
