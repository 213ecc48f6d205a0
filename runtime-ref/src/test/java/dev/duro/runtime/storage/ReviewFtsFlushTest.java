package dev.duro.runtime.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FTS tables buffer new terms in memory and write them out as a segment at the next savepoint or
 * commit. Live, those are per write; on replay a batch is one transaction, so the segments (and
 * the pages) came out different.
 */
class ReviewFtsFlushTest {
    @ParameterizedTest
    @CsvSource({"fts5, false", "fts5, true"})
    void ftsWritesReplayToTheSameBytes(String module, boolean inTransaction) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE VIRTUAL TABLE f USING " + module + "(a)");
        h.commit();
        Runnable body = () -> {
            for (int i = 0; i < 5; i++) {
                s.sql().exec("INSERT INTO f VALUES (?)", "hello world " + i);
                s.put("k" + i, "v");
            }
            s.sql().exec("DELETE FROM f WHERE a = ?", "hello world 2");
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
}
