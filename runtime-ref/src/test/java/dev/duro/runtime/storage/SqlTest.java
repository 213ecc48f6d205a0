package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.SqlCursor;
import dev.duro.model.storage.SqlStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTest {
    Harness h;
    ObjectStore s;
    SqlStorage sql;

    @BeforeEach
    void open() {
        h = new Harness();
        s = h.open();
        sql = s.sql();
        sql.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)");
    }

    @Test
    void execReturnsAMaterializedCursor() {
        SqlCursor ins = sql.exec("INSERT INTO t(name, score, data) VALUES (?, ?, ?), (?, ?, ?) RETURNING id",
                "a", 1.5, new byte[] {7}, "b", 2, null);
        assertThat(ins.rowsWritten()).isEqualTo(2);
        assertThat(ins.raw()).containsExactly(List.of(1L), List.of(2L));
        SqlCursor c = sql.exec("SELECT id, name, score, data FROM t ORDER BY id");
        assertThat(c.columnNames()).containsExactly("id", "name", "score", "data");
        assertThat(c.hasNext()).isTrue();
        var first = c.next();
        assertThat(first.getLong("id")).isEqualTo(1L);
        assertThat(first.getString("name")).isEqualTo("a");
        assertThat(first.getDouble("score")).isEqualTo(1.5);
        assertThat(first.getBytes("data")).containsExactly(7);
        assertThat(c.toList()).hasSize(1);
        assertThat(c.rowsRead()).isEqualTo(2);
        assertThat(sql.exec("SELECT count(*) AS n FROM t").one().getLong("n")).isEqualTo(2L);
        expect(ErrorCode.SQL_ERROR, () -> sql.exec("SELECT * FROM t").one());
        expect(ErrorCode.SQL_ERROR, () -> sql.exec("SELECT * FROM t WHERE 0").one());
        assertThat(sql.exec("SELECT ? AS b", true).one().get("b")).isEqualTo(1L);
        assertThat(sql.exec("SELECT 5000000000 AS big").one().get("big")).isEqualTo(5_000_000_000L);
        assertThat(sql.databaseSize()).isPositive().isEqualTo(sql.exec("PRAGMA page_count").one().getLong("page_count")
                * sql.exec("PRAGMA page_size").one().getLong("page_size"));
    }

    @Test
    void oneCountsOnlyTheRowsNotYetRead() {
        SqlCursor c = sql.exec("VALUES (1), (2)");
        assertThat(c.next().get("column1")).isEqualTo(1L);
        assertThat(c.one().get("column1")).isEqualTo(2L);
        assertThat(c.hasNext()).isFalse();
    }

    @Test
    void onlyStatementsThatChangeSomethingAreLogged() {
        int before = s.pendingForTest().size();
        sql.exec("SELECT * FROM t");
        sql.exec("UPDATE t SET name = 'x' WHERE id = 99");
        sql.exec("WITH q AS (SELECT 1) SELECT * FROM q");
        sql.exec("PRAGMA table_info(t)");
        sql.exec("EXPLAIN QUERY PLAN SELECT * FROM t");
        assertThat(s.pendingForTest()).hasSize(before);
        sql.exec("INSERT INTO t(name) VALUES ('n')");
        sql.exec("CREATE INDEX t_name ON t(name)");
        sql.exec("PRAGMA user_version = 7");
        assertThat(s.pendingForTest()).hasSize(before + 3);
        assertThat(sql.exec("PRAGMA user_version").one().getLong("user_version")).isEqualTo(7L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "begin transaction", "COMMIT", "END", "ROLLBACK", "SAVEPOINT x", "RELEASE x",
            "ATTACH 'x.db' AS x", "DETACH x", "VACUUM", "ANALYZE", "CREATE TEMP TABLE x(a)", "CREATE TEMPORARY VIEW v AS SELECT 1",
            "CREATE TABLE temp.x(a)", "CREATE TABLE \"temp\".x(a)", "PRAGMA foreign_keys = ON", "PRAGMA writable_schema = 1",
            "PRAGMA journal_mode", "PRAGMA other.table_info(t)", "SELECT * FROM pragma_data_version",
            "SELECT 1; SELECT 2", "INSERT INTO t(name) VALUES ('a'); DROP TABLE t",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t WHERE id < 0; END; DROP TABLE t"})
    void forbiddenStatements(String q) {
        assertRefused(ErrorCode.FORBIDDEN_SQL, q);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CREATE TABLE _cf_x(a)", "CREATE TABLE _duro_x(a)", "SELECT * FROM _duro_kv",
            "DELETE FROM \"_duro_kv\"", "DELETE FROM [_duro_meta]", "DELETE FROM `_DURO_META`", "DELETE FROM '_duro_kv'",
            "INSERT INTO main._duro_kv VALUES (x'00', x'00')", "SELECT * FROM sqlite_stat1", "CREATE TABLE t2(_duro_col)"})
    void reservedNames(String q) {
        assertRefused(ErrorCode.RESERVED_NAME, q);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT random()", "INSERT INTO t(score) VALUES (RANDOM())", "SELECT randomblob(4)",
            "SELECT CURRENT_TIMESTAMP", "CREATE TABLE t3(a DEFAULT CURRENT_TIME)", "SELECT current_date",
            "SELECT date('now')", "INSERT INTO t(name) VALUES (datetime('NOW'))", "SELECT julianday()", "SELECT strftime('%s')",
            "SELECT unixepoch()", "SELECT datetime(0, 'unixepoch', 'localtime')", "SELECT changes()", "SELECT last_insert_rowid()",
            "SELECT total_changes()", "SELECT \"random\"()"})
    void nonDeterministic(String q) {
        assertRefused(ErrorCode.NON_DETERMINISTIC_SQL, q);
    }

    @Test
    void nowHiddenInABindOrARowIsRefusedAtRunTime() {
        assertRefused(ErrorCode.NON_DETERMINISTIC_SQL, "INSERT INTO t(name) VALUES (date(?))", "now");
        sql.exec("INSERT INTO t(name) VALUES ('2024-01-01'), ('now')");
        byte[] before = s.imageForTest();
        assertRefused(ErrorCode.NON_DETERMINISTIC_SQL, "UPDATE t SET name = date(name, '+1 day')");
        assertThat(s.imageForTest()).isEqualTo(before); // the statement is atomic: the first row's update was undone
    }

    @Test
    void deterministicDateFunctionsWork() {
        assertThat(sql.exec("SELECT date('2024-02-28', '+1 day') AS d").one().get("d")).isEqualTo("2024-02-29");
        assertThat(sql.exec("SELECT unixepoch('1970-01-02') AS d").one().get("d")).isEqualTo(86400L);
        assertThat(sql.exec("SELECT julianday('2000-01-01') AS d").one().get("d")).isEqualTo(2451544.5);
        assertThat(sql.exec("SELECT strftime('%Y', ?) AS d", "2030-05-05").one().get("d")).isEqualTo("2030");
        assertThat(sql.exec("SELECT date(NULL) AS d").one().get("d")).isNull();
        sql.exec("INSERT INTO t(name) VALUES ('now is fine as data')");
        // The platform's tables are visible (as Cloudflare's _cf_ tables are), just not usable.
        assertThat(sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").raw())
                .containsExactly(List.of("_duro_kv"), List.of("_duro_meta"), List.of("t"));
    }

    @Test
    void errorsAreSqlErrorsWithSqlitesMessage() {
        assertRefused(ErrorCode.SQL_ERROR, "SELEC 1");
        assertRefused(ErrorCode.SQL_ERROR, "SELECT * FROM nope");
        assertRefused(ErrorCode.SQL_ERROR, "SELECT ?");
        assertRefused(ErrorCode.SQL_ERROR, "SELECT 'unterminated");
        assertRefused(ErrorCode.SQL_ERROR, "   ");
        assertThatThrownBy(() -> sql.exec(";")).hasMessageContaining("no statement");
        sql.exec("CREATE TABLE u(a UNIQUE)");
        sql.exec("INSERT INTO u VALUES (1)");
        assertRefused(ErrorCode.SQL_ERROR, "INSERT INTO u VALUES (2), (1)");
        assertThat(sql.exec("SELECT count(*) AS n FROM u").one().getLong("n")).isEqualTo(1L);
        assertRefused(ErrorCode.UNSUPPORTED_VALUE, "SELECT ?", new Object());
        try {
            sql.exec("SELEC 1");
        } catch (dev.duro.model.object.DuroException e) {
            assertThat(e.getMessage()).contains("syntax error");
        }
    }

    @Test
    void cachedStatementsSeeSchemaChanges() {
        sql.exec("INSERT INTO t(name) VALUES ('a')");
        assertThat(sql.exec("SELECT * FROM t").columnNames()).hasSize(4);
        sql.exec("ALTER TABLE t ADD COLUMN extra DEFAULT 5");
        var row = sql.exec("SELECT * FROM t").one();
        assertThat(row.columns()).hasSize(5);
        assertThat(row.get("extra")).isEqualTo(5L);
        sql.exec("DROP TABLE t");
        sql.exec("CREATE TABLE t(only)");
        sql.exec("INSERT INTO t VALUES (1)");
        assertThat(sql.exec("SELECT * FROM t").one().columns()).containsExactly("only");
    }

    @Test
    void triggersWithSeveralStatementsAreOneStatement() {
        sql.exec("CREATE TABLE log(msg)");
        sql.exec("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (CASE WHEN new.id > 0 THEN 'pos' ELSE 'neg' END); "
                + "INSERT INTO log VALUES ('second'); END;");
        sql.exec("INSERT INTO t(name) VALUES ('x')");
        assertThat(sql.exec("SELECT msg FROM log ORDER BY rowid").raw()).containsExactly(List.of("pos"), List.of("second"));
        assertRefused(ErrorCode.NON_DETERMINISTIC_SQL, "CREATE TRIGGER bad AFTER INSERT ON t BEGIN INSERT INTO log VALUES (random()); END");
    }

    @Test
    void stringsAndCommentsAreNotMistakenForSql() {
        sql.exec("INSERT INTO t(name) VALUES ('BEGIN; random() _duro_kv CURRENT_TIME') -- random() ; DROP TABLE t");
        sql.exec("/* _duro_kv ; */ SELECT name FROM t WHERE name LIKE 'sqlite_%' OR name = 'temp.x'");
        sql.exec("SELECT 1;;");
        assertThat(sql.exec("SELECT name FROM t").one().get("name")).isEqualTo("BEGIN; random() _duro_kv CURRENT_TIME");
    }

    /**
     * A hexadecimal literal ends in a digit that may be "e": it is not an exponent, so a "-" after it
     * starts a comment, as SQLite reads it. A guard that joined "0xe-" into one number would take the
     * "--'" comment for a string and never see the reserved table or the clock on the next line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT 0xe--'\nFROM _duro_kv --'", "SELECT 0XE--'\nFROM _duro_meta --'",
            "WITH q AS (SELECT 0xe--'\n) UPDATE _duro_meta SET value = 99 --'", "SELECT 0x1E--'\n, * FROM main._duro_kv --'"})
    void aHexLiteralEndingInEDoesNotHideTheNextLine(String q) {
        assertRefused(ErrorCode.RESERVED_NAME, q);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 0xe--'\n, random() --'", "SELECT 0xe--'\n, CURRENT_TIME --'"})
    void aHexLiteralEndingInEDoesNotHideTheClock(String q) {
        assertRefused(ErrorCode.NON_DETERMINISTIC_SQL, q);
    }

    @Test
    void exponentsStillJoinTheirSign() {
        assertThat(sql.exec("SELECT 1e-2 AS a, 1.5E+3 AS b, .5e-1 AS c, 0x1e-5 AS d").raw())
                .containsExactly(List.of(0.01, 1500.0, 0.05, 25L));
    }

    private void assertRefused(ErrorCode code, String q, Object... binds) {
        h.assertRefused(code, q, binds);
    }
}
