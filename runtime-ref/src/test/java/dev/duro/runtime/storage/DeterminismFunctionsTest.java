package dev.duro.runtime.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backstop behind {@link SqlGuard}: on a connection with the replacements installed, whatever
 * reads the clock or a random source fails with {@link DeterminismFunctions#MARKER}, even in text
 * the guard never saw; deterministic date arithmetic gives SQLite's own results.
 */
class DeterminismFunctionsTest {
    SQLiteConnection conn;
    DeterminismFunctions functions;

    @BeforeEach
    void install() throws SQLException {
        conn = (SQLiteConnection) new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
        functions = DeterminismFunctions.install(conn);
    }

    @AfterEach
    void close() throws SQLException {
        functions.close();
        conn.close();
    }

    private Object query(String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT random()", "SELECT randomblob(4)", "SELECT CURRENT_TIME", "SELECT CURRENT_DATE",
            "SELECT CURRENT_TIMESTAMP", "SELECT date('now')", "SELECT julianday()", "SELECT strftime('%s')",
            "SELECT datetime(0, 'unixepoch', 'localtime')", "SELECT time(0, 'utc')"})
    void clockAndRandomnessFailWithTheMarker(String sql) {
        assertThatThrownBy(() -> query(sql)).isInstanceOf(SQLException.class).hasMessageContaining(DeterminismFunctions.MARKER);
    }

    @Test
    void dateArithmeticGivesSqlitesResultsOfEveryType() throws SQLException {
        assertThat(query("SELECT unixepoch('2100-01-01')")).isEqualTo(4_102_444_800L); // past Integer.MAX_VALUE
        assertThat(query("SELECT unixepoch('1970-01-02')")).isEqualTo(86_400);
        assertThat(query("SELECT julianday('2000-01-01')")).isEqualTo(2451544.5);
        assertThat(query("SELECT date('2024-02-28', '+1 day')")).isEqualTo("2024-02-29");
        assertThat(query("SELECT date('not a date')")).isNull();
    }
}
