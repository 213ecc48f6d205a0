package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard never lets a user statement touch the platform's tables. Statements come from a small
 * grammar that puts {@code _duro_kv} / {@code _duro_meta} in every quoting form (bare, "..", [..],
 * `..`, '..', {@code main.}-qualified) into every position that names a table (FROM lists, JOIN,
 * subqueries, CTEs, IN, DML targets, ALTER/DROP/REINDEX, CREATE INDEX/VIEW/TRIGGER bodies, FTS5
 * external content) or writes {@code sqlite_master}, with comments between the tokens. Each runs,
 * followed by statements that fire what it may have created, on two real stores: one holding KV
 * data and an alarm, one empty. Whatever the guard lets through must leave the reserved tables and
 * their {@code sqlite_master} rows as they were, and must give both stores the same answers
 * (a statement that read a reserved table would answer differently).
 */
class GuardReservedProperties {
    private static final List<String> TEMPLATES = List.of(
            "SELECT * FROM {N}",
            "SELECT * FROM t, {N}",
            "SELECT * FROM t,{N} AS z",
            "SELECT * FROM t JOIN {N} ON 1",
            "SELECT * FROM t NATURAL JOIN {N}",
            "SELECT * FROM t CROSS JOIN {N}",
            "SELECT * FROM t LEFT JOIN ({N}) ON 1",
            "SELECT * FROM ({N})",
            "SELECT * FROM (SELECT * FROM {N})",
            "SELECT (SELECT count(*) FROM {N})",
            "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM {N} WHERE value > ?)",
            "SELECT * FROM t WHERE (key, value) IN {N}",
            "SELECT * FROM t WHERE key IN {N}",
            "SELECT ? IN {N}",
            "SELECT (?, ?) IN {N}",
            "SELECT (?, ?) NOT IN {N}",
            "SELECT ('alarm', 4242424242) IN {N}",
            "SELECT * FROM t WHERE ('alarm', 4242424242) NOT IN {N}",
            "DELETE FROM t WHERE ('alarm', 4242424242) IN {N}",
            "CREATE VIEW v AS SELECT ('alarm', 4242424242) IN {N} AS leak",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t2 SELECT 1, ('alarm', 4242424242) IN {N}; END",
            "WITH c AS (SELECT * FROM {N}) SELECT * FROM c",
            "WITH c(a, b) AS (SELECT ?, ?) INSERT INTO {N} SELECT * FROM c",
            "INSERT INTO {N} VALUES (?, ?)",
            "INSERT INTO {N}(key, value) VALUES (?, ?)",
            "INSERT OR REPLACE INTO {N} VALUES (?, ?)",
            "REPLACE INTO {N} VALUES (?, ?)",
            "INSERT INTO t SELECT * FROM {N}",
            "INSERT INTO t VALUES ((SELECT count(*) FROM {N}), ?)",
            "UPDATE {N} SET value = ?",
            "UPDATE OR IGNORE {N} SET value = ?",
            "UPDATE t SET value = (SELECT count(*) FROM {N})",
            "UPDATE t SET value = z.value FROM {N} AS z",
            "DELETE FROM {N}",
            "DELETE FROM {N} WHERE value = ?",
            "DELETE FROM t WHERE key IN (SELECT key FROM {N})",
            "ALTER TABLE {N} ADD COLUMN z",
            "ALTER TABLE {N} RENAME TO stolen",
            "ALTER TABLE {N} RENAME COLUMN value TO v2",
            "ALTER TABLE t RENAME TO {N}",
            "DROP TABLE {N}",
            "DROP TABLE IF EXISTS {N}",
            "DROP INDEX IF EXISTS {N}",
            "REINDEX {N}",
            "CREATE INDEX i ON {N}(value)",
            "CREATE TABLE x AS SELECT * FROM {N}",
            "CREATE VIEW v AS SELECT * FROM {N}",
            "CREATE VIEW v AS SELECT * FROM t, {N}",
            "CREATE VIEW v AS SELECT (SELECT count(*) FROM {N}) AS n",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM {N}; END",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO {N} VALUES (new.key, new.value); END",
            "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN UPDATE {N} SET value = 0; END",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t2 SELECT * FROM {N}; END",
            "CREATE TRIGGER tr AFTER INSERT ON {N} BEGIN SELECT 1; END",
            "CREATE TRIGGER tr BEFORE DELETE ON {N} BEGIN SELECT 1; END",
            "CREATE VIRTUAL TABLE x USING fts5(key, value, content={N})",
            "CREATE VIRTUAL TABLE x USING fts5(key, value, content={N}, content_rowid=value)",
            "CREATE VIRTUAL TABLE x USING fts5vocab({N}, row)",
            "CREATE TABLE x(a REFERENCES {N}(key))",
            "SELECT * FROM t INDEXED BY {N}",
            "WITH {N} AS (SELECT 1, 2) SELECT * FROM {N}",
            "WITH c AS (SELECT * FROM t) INSERT INTO {N} SELECT * FROM c",
            "SELECT * FROM t ORDER BY (SELECT count(*) FROM {N})",
            "SELECT * FROM t WHERE key = ? AND value IN (SELECT value FROM {N})",
            "SELECT * FROM t UNION SELECT * FROM {N}",
            "SELECT @p, * FROM t, {N}",
            "SELECT * FROM t WHERE value = :v OR EXISTS (SELECT 1 FROM {N})",
            "INSERT INTO t SELECT * FROM t UNION ALL SELECT * FROM {N}",
            "UPDATE OR REPLACE {N} SET value = ?",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE OR REPLACE {N} SET value = new.value; END",
            "CREATE TRIGGER tr AFTER DELETE ON t BEGIN DELETE FROM {N} WHERE value = old.value; END",
            "CREATE TRIGGER tr AFTER INSERT ON t WHEN EXISTS (SELECT 1 FROM {N}) BEGIN INSERT INTO t2 VALUES (1, 1); END",
            "CREATE TABLE x(a) ; DELETE FROM {N}",
            "SELECT * FROM json_each((SELECT json_group_array(hex(value)) FROM {N}))",
            "SELECT * FROM pragma_table_info({N})",
            "INSERT INTO sqlite_master VALUES ('table', ?, ?, 0, ?)",
            "UPDATE sqlite_master SET sql = ? WHERE name = {N}",
            "UPDATE main.sqlite_master SET name = ?",
            "DELETE FROM sqlite_schema WHERE name = {N}",
            "REPLACE INTO sqlite_schema SELECT * FROM sqlite_schema",
            // Virtual tables that read other tables' pages or content by name.
            "SELECT name, ncell, payload FROM dbstat WHERE lower(name) = lower({N})",
            "SELECT name, ncell, payload FROM dbstat({N}) ORDER BY name",
            "CREATE VIRTUAL TABLE x USING dbstat",
            "SELECT count(*) FROM fts5vocab({N}, 'row')");

    /** Run after the generated statement on both stores: they fire triggers and read what it created. */
    private static final List<String> FOLLOW_UPS = List.of(
            "INSERT INTO t VALUES (?, ?)",
            "UPDATE t SET value = ?",
            "SELECT * FROM t ORDER BY key, value",
            "SELECT * FROM t2",
            "SELECT * FROM v",
            "SELECT * FROM x",
            "INSERT INTO x(x) VALUES ('rebuild')",
            "SELECT * FROM x",
            "SELECT name, ncell, payload FROM x ORDER BY name",
            "SELECT * FROM stolen",
            "DELETE FROM t");

    @Provide
    Arbitrary<String> statements() {
        Arbitrary<String> base = Arbitraries.of("_duro_kv", "_duro_meta", "_DURO_KV", "_Duro_Meta");
        Arbitrary<String> quoted = Combinators.combine(base, Arbitraries.of("%s", "\"%s\"", "[%s]", "`%s`", "'%s'"))
                .as((b, q) -> q.formatted(b));
        Arbitrary<String> schema = Arbitraries.of("", "main.", "\"main\".", "[main].", "`main`.", "main /*c*/ . ", "'main'.", "MAIN.");
        Arbitrary<String> name = Combinators.combine(schema, quoted).as(String::concat);
        Arbitrary<String> separator = Arbitraries.of(" ", "  ", " /* c */ ", "/**/", " -- c\n", "\n\t");
        // A common table expression in front whose literal ends next to a comment that opens a quote:
        // a guard that misreads where the literal ends takes the rest for a string and never sees the
        // reserved name (it once read "0xe-" as one number, so "0xe--'" hid the next line).
        Arbitrary<List<String>> cloak = Arbitraries.of(List.of("", ""), List.of("", ""), List.of("", ""),
                List.of("WITH q AS (SELECT 0xe--'\n) ", " --'"), List.of("WITH q AS (SELECT 0XE--\"\n) ", " --\""),
                List.of("WITH q AS (SELECT 0xE--[\n) ", " --]"), List.of("WITH q AS (SELECT 0x1e/*'\n*/) ", ""),
                List.of("WITH q AS (SELECT 1e5--'\n) ", " --'"), List.of("WITH q AS (SELECT .5E-1--`\n) ", " --`"),
                List.of("WITH q AS (SELECT 0xe-1--'\n) ", " --'"), List.of("WITH q AS (SELECT 0x_e--'\n) ", " --'"));
        return Combinators.combine(Arbitraries.of(TEMPLATES), name, separator, cloak)
                .as((template, n, sep, c) -> c.get(0) + template.replace(" ", sep).replace("{N}", n) + c.get(1));
    }

    @Provide
    Arbitrary<List<Object>> binds() {
        return Arbitraries.of((Object) "alarm", 4_242_424_242L, 1L, "x", "secretkey".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .list().ofSize(3);
    }

    @Property(tries = 1500)
    void reservedTablesStayUntouchedAndUnread(@ForAll("statements") String statement, @ForAll("binds") List<Object> binds)
            throws SQLException {
        Harness withData = store(true);
        Harness empty = store(false);
        String reservedBefore = reserved(withData);
        String emptyBefore = reserved(empty);

        List<String> answersWithData = runAll(withData, statement, binds);
        List<String> answersEmpty = runAll(empty, statement, binds);

        assertThat(reserved(withData)).as("reserved state after %s", statement).isEqualTo(reservedBefore);
        assertThat(reserved(empty)).as("reserved state after %s", statement).isEqualTo(emptyBefore);
        assertThat(answersWithData).as("answers must not depend on reserved data: %s", statement).isEqualTo(answersEmpty);
        assertThat(withData.store.failed()).isFalse();
    }

    private static Harness store(boolean withData) {
        Harness h = new Harness();
        h.open();
        h.store.sql().exec("CREATE TABLE t(key, value)");
        h.store.sql().exec("CREATE TABLE t2(key, value)");
        h.store.sql().exec("INSERT INTO t VALUES (1, 2)");
        if (withData) {
            h.store.put("secretkey", "secretvalue");
            h.store.put("k2", 4_242_424_242L);
            h.store.setAlarm(4_242_424_242L);
        }
        h.commit();
        return h;
    }

    private static List<String> runAll(Harness h, String statement, List<Object> binds) {
        List<String> answers = new ArrayList<>();
        answers.add(run(h, statement, binds));
        for (String f : FOLLOW_UPS) answers.add(run(h, f, binds));
        h.commit();
        return answers;
    }

    private static String run(Harness h, String query, List<Object> binds) {
        int params = (int) SqlGuard.tokenize(query).stream().filter(t -> t.type() == SqlGuard.T.PARAM).count();
        try {
            var cursor = h.store.sql().exec(query, binds.subList(0, Math.min(params, binds.size())).toArray());
            StringBuilder out = new StringBuilder(cursor.columnNames().toString());
            for (List<Object> row : cursor.raw()) {
                out.append('\n');
                for (Object v : row) out.append(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v)).append('|');
            }
            return out.toString();
        } catch (DuroException e) {
            return "refused " + e.code();
        }
    }

    /** The reserved tables' rows and every sqlite_master row naming or attached to a reserved table, read outside the engine. */
    private static String reserved(Harness h) throws SQLException {
        byte[] image = h.store.imageForTest();
        try (SQLiteConnection c = (SQLiteConnection) new SQLiteConfig().createConnection("jdbc:sqlite::memory:")) {
            c.deserialize("main", image);
            StringBuilder out = new StringBuilder();
            try (Statement s = c.createStatement()) {
                for (String q : List.of("SELECT hex(key), hex(value) FROM _duro_kv ORDER BY key",
                        "SELECT name, value FROM _duro_meta ORDER BY name",
                        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master WHERE lower(name) LIKE '%duro%' "
                                + "OR lower(tbl_name) LIKE '%duro%' OR lower(sql) LIKE '%duro%' ORDER BY name")) {
                    try (ResultSet rs = s.executeQuery(q)) {
                        int cols = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= cols; i++) out.append(rs.getString(i)).append('|');
                            out.append('\n');
                        }
                    }
                }
            }
            return out.toString();
        }
    }
}
