package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** The guard must split parameters exactly as SQLite does, or text SQLite runs is hidden from it. */
class ReviewParameterTokensTest {
    @Test
    void numberedParameterEndsAtItsDigits() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("k", "v");
        // SQLite reads "?1" then FROM; a guard reading "?1FROM" as one token missed the string table name.
        expect(ErrorCode.RESERVED_NAME, () -> s.sql().exec("SELECT ?1FROM '_duro_kv'", 1));
    }

    @Test
    void tclStyleParameterSuffixIsOneToken() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.setAlarm(5);
        // SQLite reads $a(') as one parameter (TCL syntax), so the quote opens no string there.
        expect(ErrorCode.RESERVED_NAME, () -> s.sql().exec("WITH q AS (SELECT $a(')) UPDATE _duro_meta SET value = 99 --'", 1));
        expect(ErrorCode.RESERVED_NAME, () -> s.sql().exec("SELECT :a::b(') FROM _duro_kv --'", 1));
        h.commit();
        assertThat(h.open().getAlarm()).isEqualTo(Optional.of(5L));
    }

    @Test
    void namedParametersStillWork() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        assertThat(s.sql().exec("SELECT :a AS x, @b AS y, $c AS z, ?4 AS w", 1, 2, 3, 4).raw()).containsExactly(List.of(1L, 2L, 3L, 4L));
        expect(ErrorCode.SQL_ERROR, () -> s.sql().exec("SELECT $a(x", 1));
    }
}
