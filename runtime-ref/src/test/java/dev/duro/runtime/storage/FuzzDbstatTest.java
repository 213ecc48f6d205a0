package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.duro.runtime.storage.KvTest.expect;

/**
 * Found by {@link GuardReservedProperties}: the dbstat virtual table (eponymous, or created with
 * CREATE VIRTUAL TABLE ... USING dbstat) lists every table's pages, so a caller could read how many
 * KV entries {@code _duro_kv} holds and how big they are, without ever naming a reserved table.
 */
class FuzzDbstatTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT name, ncell, payload FROM dbstat",
            "SELECT * FROM main.DBSTAT WHERE name = 't'",
            "SELECT * FROM \"dbstat\"('main')",
            "SELECT * FROM t, [dbstat]",
            "CREATE VIRTUAL TABLE x USING dbstat",
            "CREATE VIRTUAL TABLE x USING dbstat(main)"})
    void dbstatIsRefused(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        s.put("secretkey", "secretvalue");
        expect(ErrorCode.FORBIDDEN_SQL, () -> s.sql().exec(q));
    }
}
