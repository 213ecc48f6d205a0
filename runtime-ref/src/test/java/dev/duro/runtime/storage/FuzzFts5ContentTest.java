package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by {@link GuardReservedProperties}: an FTS5 table's {@code content} option names its
 * external-content table, and a string literal there is a table name the guard did not check, so
 * an FTS5 table over {@code _duro_kv} could read (and 'rebuild' could index) the KV data.
 */
class FuzzFts5ContentTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE VIRTUAL TABLE x USING fts5(key, value, content='_duro_kv')",
            "CREATE VIRTUAL TABLE x USING fts5(name, value, content='_Duro_Meta', content_rowid=value)",
            "CREATE VIRTUAL TABLE x USING fts5(key, value, content = /* c */ '_duro_kv')",
            "CREATE VIRTUAL TABLE x USING fts5vocab('main', '_duro_kv', 'row')"})
    void externalContentCannotBeAReservedTable(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("secretkey", "secretvalue");
        byte[] before = s.imageForTest();
        expect(ErrorCode.RESERVED_NAME, () -> s.sql().exec(q));
        assertThat(s.imageForTest()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE VIRTUAL TABLE x USING fts5(body, content='docs', tokenize='porter unicode61')",
            "CREATE VIRTUAL TABLE x USING fts5(body, content='')"})
    void ordinaryFts5OptionsStillWork(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE docs(body)");
        s.sql().exec(q);
        assertThat(s.sql().exec("SELECT count(*) FROM x").one().get(0)).isEqualTo(0L);
    }
}
