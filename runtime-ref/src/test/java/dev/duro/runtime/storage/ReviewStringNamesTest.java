package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** SQLite reads a string literal as a table name in more places than after FROM/INTO/...: none may reach a reserved table. */
class ReviewStringNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT count(*) FROM main.'_duro_kv'",
            "SELECT count(*) FROM t, '_duro_kv'",
            "SELECT count(*) FROM t JOIN t AS t2 ON t.id = t2.id, '_duro_meta'",
            "SELECT count(*) FROM ('_duro_kv')",
            "SELECT count(*) FROM (t, '_duro_kv')",
            "UPDATE OR REPLACE '_duro_meta' SET value = 77",
            "UPDATE OR IGNORE '_duro_meta' SET value = 77",
            "UPDATE OR ABORT '_duro_meta' SET value = 77",
            "UPDATE OR FAIL '_duro_meta' SET value = 77",
            "DELETE FROM main.'_duro_kv'",
            "DROP TABLE main.'_duro_kv'",
            "ALTER TABLE t RENAME TO '_duro_x'",
            "REINDEX '_duro_kv'",
            "INSERT INTO t(name) SELECT 'a' FROM t, '_duro_kv'"})
    void stringLiteralTableNamesAreReserved(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
        s.put("k", "v");
        s.setAlarm(5);
        byte[] before = s.imageForTest();
        expect(ErrorCode.RESERVED_NAME, () -> s.sql().exec(q));
        assertThat(s.imageForTest()).isEqualTo(before);
        h.commit();
        ObjectStore reopened = h.open();
        assertThat(reopened.getAlarm()).isEqualTo(Optional.of(5L));
    }

    @Test
    void stringsThatAreValuesStayAllowed() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)");
        s.sql().exec("INSERT INTO t(name) VALUES ('a'), ('_duro_kv')");
        assertThat(s.sql().exec("SELECT name, '_duro_x' AS c FROM t WHERE name IN ('_duro_kv', 'sqlite_x') ORDER BY id").raw())
                .containsExactly(List.of("_duro_kv", "_duro_x"));
        assertThat(s.sql().exec("SELECT count(*) AS n FROM t, json_each('[\"_duro_kv\", 2]')").one().getLong("n")).isEqualTo(4L);
        assertThat(s.sql().exec("SELECT count(*) AS n FROM pragma_table_info('t')").one().getLong("n")).isEqualTo(2L);
        s.sql().exec("UPDATE t SET name = replace(name, '_duro_', 'x') WHERE name = '_duro_kv'");
        assertThat(s.sql().exec("SELECT count(*) AS n FROM t WHERE name = 'xkv'").one().getLong("n")).isEqualTo(1L);
    }
}
