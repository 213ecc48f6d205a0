package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** "PRAGMA x(v)" is the same as "PRAGMA x = v": a write, not a read. */
class ReviewPragmaCallFormTest {
    @ParameterizedTest
    @ValueSource(strings = {"PRAGMA foreign_keys(1)", "PRAGMA main.foreign_keys(ON)", "PRAGMA schema_version(5)",
            "PRAGMA page_size(1024)", "PRAGMA foreign_keys ON"})
    void settingAPragmaInCallFormIsRefused(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        long schemaVersion = s.sql().exec("PRAGMA schema_version").one().getLong("schema_version");
        expect(ErrorCode.FORBIDDEN_SQL, () -> s.sql().exec(q));
        assertThat(s.sql().exec("PRAGMA foreign_keys").one().getLong("foreign_keys")).isZero();
        assertThat(s.sql().exec("PRAGMA schema_version").one().getLong("schema_version")).isEqualTo(schemaVersion);
    }

    @Test
    void userVersionInCallFormIsALoggedWrite() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("PRAGMA user_version(7)");
        assertThat(s.sql().exec("PRAGMA user_version").one().getLong("user_version")).isEqualTo(7L);
        h.commit();
        assertThat(h.open().sql().exec("PRAGMA user_version").one().getLong("user_version")).isEqualTo(7L);
    }

    @Test
    void pragmasWithArgumentsStillRead() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE t(a)");
        assertThat(s.sql().exec("PRAGMA table_info(t)").toList()).hasSize(1);
        assertThat(s.sql().exec("PRAGMA main.table_info('t')").toList()).hasSize(1);
        assertThat(s.sql().exec("PRAGMA quick_check(5)").one().get("quick_check")).isEqualTo("ok");
        assertThat(s.pendingForTest()).hasSize(1);
    }
}
