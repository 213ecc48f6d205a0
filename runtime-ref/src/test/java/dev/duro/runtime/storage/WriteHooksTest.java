package dev.duro.runtime.storage;

import dev.duro.model.storage.SqlStorage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host schedules the seal of a batch from {@link StoreHooks#onWrite}: every call that changed
 * something reports once, and a call that changed nothing (deleting a missing key, an UPDATE that
 * matched no row) reports nothing, so it costs no batch.
 */
class WriteHooksTest {
    /** A store holding keys a and b and an empty table t, all durable; no write reported yet. */
    private static Harness withData() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("a", 1L);
        s.put("b", 2L);
        s.sql().exec("CREATE TABLE t(x)");
        h.commit();
        h.writes.clear();
        return h;
    }

    @Test
    void kvCallsReportOnlyWhenTheyChangedSomething() {
        Harness h = withData();
        ObjectStore s = h.store;
        assertThat(s.delete("nope")).isFalse();
        assertThat(s.delete(List.of("nope"))).isZero();
        assertThat(s.delete(List.of("nope", "nada"))).isZero();
        assertThat(h.writes).isEmpty();
        assertThat(s.hasPendingWrites()).isFalse();

        s.put(Map.of("c", 3L, "d", 4L));
        assertThat(s.delete("a")).isTrue();
        assertThat(s.delete(List.of("b"))).isEqualTo(1);
        assertThat(s.delete(List.of("c", "nope"))).isEqualTo(1);
        s.deleteAll();
        assertThat(h.writes).containsExactly("put", "delete", "delete", "delete", "delete-all");
    }

    @Test
    void sqlReportsOnlyStatementsThatChangedSomething() {
        Harness h = withData();
        ObjectStore s = h.store;
        SqlStorage sql = s.sql();
        sql.exec("UPDATE t SET x = 1 WHERE x = 99");
        sql.exec("DELETE FROM t");
        sql.exec("SELECT * FROM t");
        assertThat(h.writes).isEmpty();
        assertThat(s.hasPendingWrites()).isFalse();

        sql.exec("INSERT INTO t VALUES (1)");
        sql.exec("UPDATE t SET x = 2");
        sql.exec("CREATE INDEX tx ON t(x)");
        assertThat(h.writes).containsExactly("sql", "sql", "sql");
        assertThat(s.pendingForTest()).hasSize(3);
    }
}
