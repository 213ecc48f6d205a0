package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ROLLBACK conflict resolution ends SQLite's whole transaction, savepoints included, under
 * the engine's feet: a duplicate key reset the activation ("no such savepoint: duro_1").
 */
class ReviewRollbackConflictTest {
    @ParameterizedTest
    @ValueSource(strings = {"INSERT OR ROLLBACK INTO u VALUES (1)", "UPDATE OR ROLLBACK u SET a = 1",
            "CREATE TABLE v(a UNIQUE ON CONFLICT ROLLBACK)", "CREATE TABLE w(a NOT NULL ON CONFLICT ROLLBACK)",
            "CREATE TRIGGER tr BEFORE INSERT ON u BEGIN SELECT RAISE(ROLLBACK, 'no'); END"})
    void rollbackConflictResolutionIsRefused(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE u(a UNIQUE)");
        s.sql().exec("INSERT INTO u VALUES (1), (2)");
        s.put("k", "before");
        s.transactionSync(() -> {
            s.put("k", "inside");
            expect(ErrorCode.FORBIDDEN_SQL, () -> s.sql().exec(q));
            s.put("k2", "after");
            return null;
        });
        assertThat(s.failed()).isFalse();
        assertThat(s.get("k")).isEqualTo("inside");
        assertThat(s.get("k2")).isEqualTo("after");
        h.commit();
        assertThat(h.open().get("k2")).isEqualTo("after");
    }

    @Test
    void rollbackAsAQuotedNameIsFine() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(\"rollback\")");
        s.sql().exec("INSERT INTO t(\"rollback\") VALUES ('ROLLBACK')");
        assertThat(s.sql().exec("SELECT \"rollback\" FROM t").one().get("rollback")).isEqualTo("ROLLBACK");
    }
}
