package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FTS3/FTS4 cannot replay identically: their optimize() function merges the index from inside a
 * SELECT (a write that is never logged), and automerge merges at commit points a replay does not
 * reproduce. Both modules are refused; FTS5 is the full-text engine objects get.
 */
class ReviewFts3OptimizeTest {
    @Test
    void fts3AndFts4TablesAreRefusedAndFts5Works() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        expect(ErrorCode.NON_DETERMINISTIC_SQL, () -> s.sql().exec("CREATE VIRTUAL TABLE f USING fts4(a)"));
        expect(ErrorCode.NON_DETERMINISTIC_SQL, () -> s.sql().exec("CREATE VIRTUAL TABLE f USING FTS3(a)"));
        assertThat(s.hasPendingWrites()).as("a refused statement writes nothing").isFalse();
        s.sql().exec("CREATE VIRTUAL TABLE f USING fts5(a)");
        for (String text : new String[] {"hello world", "hello there", "again hello"}) s.sql().exec("INSERT INTO f VALUES (?)", text);
        expect(ErrorCode.FORBIDDEN_SQL, () -> s.sql().exec("SELECT optimize(f) FROM f LIMIT 1"));
        assertThat(s.sql().exec("SELECT count(*) AS n FROM f WHERE f MATCH 'hello'").one().getLong("n")).isEqualTo(3L);
        s.sql().exec("INSERT INTO f(f) VALUES ('optimize')");
        h.commit();
        byte[] live = s.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }
}
