package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.SqlStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statements at the edges of the guard's tokenizer, run on a real store holding KV data and an
 * alarm. Each one either runs as SQLite runs it, fails as SQLite fails (SQL_ERROR, never a crash
 * of the guard: index out of bounds, empty stack, endless loop), or is refused; a refused or
 * failed statement changes nothing.
 */
class SqlGuardEdgeTest {
    Harness h;
    SqlStorage sql;

    @BeforeEach
    void open() {
        h = new Harness();
        ObjectStore s = h.open();
        s.put("k", "v");
        s.setAlarm(5);
        sql = s.sql();
        sql.exec("CREATE TABLE t(a, b)");
    }

    /** Truncated or malformed text: SQLite's own error, whatever the guard's scanner meets at the end of the text. */
    @ParameterizedTest
    @ValueSource(strings = {"SELECT a.", "SELECT 1-", "SELECT 1/", "SELECT 1*", "SELECT .", "SELECT 1e", "SELECT 1e+", "SELECT 0x",
            "SELECT :a:", "SELECT :", "SELECT @", "SELECT $a(", "EXPLAIN", "EXPLAIN QUERY", "EXPLAIN QUERY PLAN", "CREATE",
            "PRAGMA", "PRAGMA main.", ";", ";;", "--", "/* only a comment */", "SELECT /*", "SELECT 1)", "SELECT [a",
            "SELECT x'0", "SELECT x'0'", "SELECT \"a", "SELECT `a", "SELECT 'a''"})
    void truncatedOrMalformedTextIsAnSqlError(String q) {
        h.assertRefused(ErrorCode.SQL_ERROR, q);
    }

    /** Text where a scanner that split tokens differently from SQLite would miss a reserved name SQLite reads. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM (SELECT 1), '_duro_kv'",
            "SELECT * FROM ('_duro_kv')",
            "SELECT * FROM (('_duro_kv'))",
            "SELECT * FROM t, '_duro_kv'",
            "SELECT * FROM t AS x, '_duro_kv'",
            "UPDATE --\n'_duro_meta' SET value = 99",
            "SELECT 1 /* ' */ FROM _duro_kv --'",
            "SELECT 1*/* ' */2 FROM _duro_kv --'",
            "SELECT 1 AS [a'] FROM _duro_kv --'",
            "SELECT 0xe'a' FROM _duro_kv --'",
            "SELECT 1--'\nFROM _duro_kv --'",
            "SELECT 1e5--'\nFROM _duro_kv --'",
            "SELECT 'it''s' FROM _duro_kv --'",
            "CREATE TABLE \"_duro_\"\"x\"(a)",
            "CREATE TABLE `_duro_``x`(a)",
            // Unicode spaces are identifier characters to SQLite: "\u2003WHERE" is an alias, and the table list goes on.
            "SELECT * FROM t AS \u2003WHERE, '_duro_kv'",
            "SELECT * FROM t AS \u3000SELECT, '_duro_meta'",
            "SELECT * FROM t AS \u2028GROUP, '_duro_kv'",
            // ...while a byte order mark where a token starts is a space to SQLite (inside a word it is part of it).
            "SELECT * FROM t,\uFEFF_duro_kv",
            "DELETE FROM \uFEFF_duro_meta"})
    void reservedNamesAreFoundWhereSqliteReadsThem(String q) {
        h.assertRefused(ErrorCode.RESERVED_NAME, q);
    }

    record WithBinds(String sql, int binds) {
    }

    static List<WithBinds> parameterCases() {
        return List.of(new WithBinds("SELECT ?9FROM '_duro_kv'", 9), new WithBinds("SELECT ?10FROM '_duro_kv'", 10),
                // SQLite reads #name as a parameter, TCL suffix included, as it does :name, @name and $name.
                new WithBinds("SELECT #a(') FROM _duro_kv --'", 1),
                new WithBinds("WITH q AS (SELECT #a(')) UPDATE _duro_meta SET value = 99 --'", 1));
    }

    /** Parameters end where SQLite ends them, so the text after one is scanned as SQLite reads it (binds supplied, so SQLite would run it). */
    @ParameterizedTest
    @MethodSource("parameterCases")
    void parametersDoNotSwallowAReservedName(WithBinds c) {
        h.assertRefused(ErrorCode.RESERVED_NAME, c.sql(), ones(c.binds()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"; DROP TABLE t", "EXPLAIN QUERY PLAN PRAGMA foreign_keys = ON", "SELECT * FROM [dbstat]",
            "CREATE TABLE [temp].x(a)", "CREATE TABLE t3(trigger INT); DROP TABLE t", "CREATE TABLE a(x); CREATE TABLE b(y)",
            "PRAGMA table_info = t", "PRAGMA quick_check = 5"})
    void forbiddenStatementsAreRefusedAtTheEdges(String q) {
        h.assertRefused(ErrorCode.FORBIDDEN_SQL, q);
    }

    record Accepted(String sql, List<List<Object>> rows, Object... binds) {
        @Override
        public String toString() {
            return sql.replace("\n", "\\n");
        }
    }

    static List<Accepted> acceptedCases() {
        return List.of(
                new Accepted("SELECT * FROM t WHERE a IN (1, 'sqlite_x')", List.of()),
                new Accepted("SELECT .5 AS x", List.of(List.of(0.5))),
                new Accepted("SELECT 0x1f", List.of(List.of(31L))), // a literal that ends the text
                new Accepted("SELECT 25e-1", List.of(List.of(2.5))),
                new Accepted("SELECT 1.", List.of(List.of(1.0))),
                new Accepted("SELECT 1-1 AS x, 4/2 AS y, 2*3 AS z", List.of(List.of(0L, 2L, 6L))),
                new Accepted("SELECT :a AS x", List.of(List.of(7L)), 7L),
                new Accepted("SELECT 1, :a", List.of(List.of(1L, 7L)), 7L),
                new Accepted("SELECT ?, ?, ?", List.of(Arrays.asList("x", null, 2L)), "x", null, 2L),
                new Accepted("SELECT @a AS x, $b AS y, ?3 AS z, #d AS w", List.of(List.of(1L, 2L, 3L, 4L)), 1L, 2L, 3L, 4L),
                new Accepted("SELECT 1 AS \u2003b, 2 AS a\u3000", List.of(List.of(1L, 2L))),
                new Accepted("\uFEFFSELECT \uFEFF3 AS x\uFEFF", List.of(List.of(3L))),
                new Accepted("/* a *//* b */SELECT 1 AS x", List.of(List.of(1L))),
                new Accepted("SELECT 'it''s', \"a\"\"b\" FROM (SELECT 1 AS \"a\"\"b\")", List.of(List.of("it's", 1L))),
                new Accepted("SELECT [a'] FROM (SELECT 2 AS [a'])", List.of(List.of(2L))),
                new Accepted("SELECT t.a FROM t", List.of()));
    }

    @ParameterizedTest
    @MethodSource("acceptedCases")
    void edgeTextSqliteAcceptsRunsAsSqliteRunsIt(Accepted c) {
        assertThat(sql.exec(c.sql(), c.binds()).raw()).isEqualTo(c.rows());
    }

    /** The driver turns a lone surrogate into '?' (a parameter to SQLite), so the guard would not see what SQLite reads. */
    @Test
    void aLoneSurrogateIsRefusedRatherThanSentAsAParameter() {
        h.assertRefused(ErrorCode.SQL_ERROR, "CREATE TABLE t2 AS SELECT \uD800_duro_col", 1L);
        h.assertRefused(ErrorCode.SQL_ERROR, "SELECT \uDC00 AS x", 1L);
        h.assertRefused(ErrorCode.SQL_ERROR, "SELECT 1 AS x\uD800", 1L);
        assertThat(sql.exec("SELECT '\uD83D\uDE00' AS \uD83D\uDE00").raw()).containsExactly(List.of("\uD83D\uDE00"));
    }

    @Test
    void adjacentBracketedNamesAreAColumnAndItsType() {
        sql.exec("CREATE TABLE t2([a][b])");
        assertThat(sql.exec("SELECT name, type FROM pragma_table_info('t2')").raw()).containsExactly(List.of("a", "b"));
    }

    @Test
    void aDoubledQuoteStaysInsideItsStringLiteral() {
        sql.exec("INSERT INTO t(a) VALUES ('it''s; DROP TABLE t --')");
        assertThat(sql.exec("SELECT a FROM t").one().get("a")).isEqualTo("it's; DROP TABLE t --");
    }

    private static Object[] ones(int n) {
        Object[] out = new Object[n];
        Arrays.fill(out, 1L);
        return out;
    }

    // Survivors of PIT at 51b1974 (docs/mutation-triage-storage.tsv): where a number literal ends,
    // which keywords end a FROM clause's table list, texts whose first character a scanner must not look before.

    /** A number ends where SQLite ends it, so the name after it is seen (SQLite reads the platform table in the first two). */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1. FROM _duro_kv", // numberEnd:404: the fraction stops at the first non-digit
            "SELECT 1--5'\nFROM _duro_kv --'", // numberEnd:406: only e/E opens an exponent, so "--" stays a comment
            "SELECT 1e FROM _duro_kv", // numberEnd:413: an 'e' no digit follows ends the number at the next non-identifier character
            "SELECT * FROM t, ('_duro_kv')"}) // checkNames:222: '(' after ',' in a table list keeps the list
    void theNameAfterANumberOrInAParenthesisedTableListIsSeen(String q) {
        h.assertRefused(ErrorCode.RESERVED_NAME, q);
    }

    /** Texts that start with the literal: SQLite's syntax error, never an index out of bounds in the guard. */
    @ParameterizedTest
    @ValueSource(strings = {"0x10", "007", ".5", "1e-5"}) // numberEnd:396 (Math), tokenize:332, numberEnd:410 (Math)
    void aQueryStartingWithANumberIsAnSqlError(String q) {
        h.assertRefused(ErrorCode.SQL_ERROR, q);
    }

    /** checkNames:228: ORDER ends the table list, so a string after ',' there is a value, not a table. */
    @Test
    void aStringAfterOrderByIsAValue() {
        sql.exec("INSERT INTO t VALUES (1, 2)");
        assertThat(sql.exec("SELECT a FROM t ORDER BY a, '_duro_x'").raw()).containsExactly(List.of(1L));
    }

    /** tokenize:328: x' opens a blob only where a token starts with x; after a string, x is an alias. */
    @Test
    void anXRightAfterAStringIsAnAlias() {
        assertThat(sql.exec("SELECT 'a'x, 1 AS y").raw()).containsExactly(List.of("a", 1L));
    }
}
