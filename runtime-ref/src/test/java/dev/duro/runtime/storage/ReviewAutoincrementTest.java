package dev.duro.runtime.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An INSERT that SQLite ignores still raises an AUTOINCREMENT table's sqlite_sequence entry. The
 * statement changed no row, so it was not logged, and replay handed out different ids afterwards.
 */
class ReviewAutoincrementTest {
    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO ai(id, x) VALUES (100, 1) ON CONFLICT DO NOTHING",
            "INSERT OR IGNORE INTO ai(id, x) VALUES (100, 1)"})
    void ignoredInsertThatRaisedTheSequenceIsLogged(String q) {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, x UNIQUE)");
        s.sql().exec("INSERT INTO ai(x) VALUES (1)");
        s.sql().exec(q);
        h.commit();
        s.sql().exec("INSERT INTO ai(x) VALUES (2)");
        List<List<Object>> live = s.sql().exec("SELECT id, x FROM ai ORDER BY id").raw();
        assertThat(live).containsExactly(List.of(1L, 1L), List.of(101L, 2L));
        h.commit();
        byte[] image = s.imageForTest();
        ObjectStore reopened = h.open();
        assertThat(reopened.sql().exec("SELECT id, x FROM ai ORDER BY id").raw()).isEqualTo(live);
        Harness.assertSameImage(reopened.imageForTest(), image);
    }

    @Test
    void noOpStatementsStayUnlogged() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.sql().exec("CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, x UNIQUE)");
        s.sql().exec("INSERT INTO ai(x) VALUES (1)");
        int pending = s.pendingForTest().size();
        s.sql().exec("INSERT INTO ai(id, x) VALUES (1, 1) ON CONFLICT DO NOTHING");
        s.sql().exec("UPDATE ai SET x = 5 WHERE id = 99");
        assertThat(s.pendingForTest()).hasSize(pending);
    }
}
