package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** FTS3/FTS4's optimize() auxiliary function merges the index from inside a SELECT: a write that is never logged. */
class ReviewFts3OptimizeTest {
    @Test
    void optimizeFunctionIsRefusedAndReplayMatches() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE VIRTUAL TABLE f USING fts4(a)");
        for (String text : new String[] {"hello world", "hello there", "again hello"}) s.sql().exec("INSERT INTO f VALUES (?)", text);
        expect(ErrorCode.FORBIDDEN_SQL, () -> s.sql().exec("SELECT optimize(f) FROM f LIMIT 1"));
        expect(ErrorCode.FORBIDDEN_SQL, () -> s.sql().exec("SELECT \"optimize\" (f) FROM f LIMIT 1"));
        assertThat(s.sql().exec("SELECT count(*) AS n FROM f_segdir").one().getLong("n")).isEqualTo(3L);
        // The logged way to optimize still works.
        s.sql().exec("INSERT INTO f(f) VALUES ('optimize')");
        assertThat(s.sql().exec("SELECT count(*) AS n FROM f_segdir").one().getLong("n")).isEqualTo(1L);
        h.commit();
        byte[] live = s.imageForTest();
        Harness.assertSameImage(h.open().imageForTest(), live);
    }
}
