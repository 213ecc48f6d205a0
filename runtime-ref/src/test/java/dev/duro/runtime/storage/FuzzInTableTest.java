package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by {@link GuardReservedProperties}: in {@code expr IN 'name'} SQLite reads the string
 * literal as a table, so {@code ('alarm', n) IN '_duro_meta'} told the caller whether the alarm was
 * set to n, a read of a reserved table the guard let through.
 */
class FuzzInTableTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT ('alarm', 5) IN '_duro_meta'",
            "SELECT ('alarm', 5) NOT IN '_Duro_Meta'",
            "SELECT 1 WHERE ('alarm', 5) IN /* c */ '_duro_meta'",
            "CREATE VIEW v AS SELECT ('alarm', 5) IN '_duro_meta' AS leak"})
    void aStringAfterInIsATableName(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.setAlarm(5);
        expect(ErrorCode.RESERVED_NAME, () -> s.sql().exec(q));
    }

    @Test
    void inOverAUserTableNamedByAStringStillWorks() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE pairs(a, b)");
        s.sql().exec("INSERT INTO pairs VALUES ('x', 1)");
        assertThat(s.sql().exec("SELECT ('x', 1) IN 'pairs'").one().get(0)).isEqualTo(1L);
    }
}
