package dev.duro.runtime.storage;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The object's in-memory SQLite database and the few operations the engine runs on it. Knows
 * nothing about batches, limits or hooks ({@link ObjectStore} does); every method runs SQL
 * synchronously and reports SQLite's failures as {@link SQLException}.
 *
 * <p>Layout: {@code _duro_kv(key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID} holds the KV API
 * (UTF-8 keys, so SQLite's memcmp order is the API's order); {@code _duro_meta(name TEXT PRIMARY
 * KEY, value INTEGER) WITHOUT ROWID} holds {@code alarm} (wall ms) and {@code restore} (a pending
 * restore's target seq). Everything else belongs to the user.
 */
final class SqliteDb implements AutoCloseable {
    static final String META_ALARM = "alarm";
    static final String META_RESTORE = "restore";
    private static final int MAX_CACHED_USER_STATEMENTS = 64;

    private SQLiteConnection conn;
    private DeterminismFunctions functions;
    /** Internal statements, by text. Never iterated except to close. */
    private final Map<String, PreparedStatement> internal = new HashMap<>();
    /** User statements, least recently used first. */
    private final java.util.LinkedHashMap<String, PreparedStatement> user = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private long pageSize;
    /**
     * False only while the database certainly holds no virtual table: set by any statement that
     * mentions VIRTUAL (the only way to create one) and by loading an image that has one. Never
     * cleared, so it can only err towards flushing. Without virtual tables a flush is a no-op, so
     * skipping it changes nothing live or on replay.
     */
    private boolean mayHaveVirtualTables;

    private SqliteDb() {
    }

    /** A database holding {@code image}, or a fresh one when {@code image} is null. */
    static SqliteDb open(byte[] image) throws SQLException {
        SqliteDb db = new SqliteDb();
        db.conn = (SQLiteConnection) new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
        try {
            if (image != null) db.conn.deserialize("main", image);
            db.init();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private void init() throws SQLException {
        functions = DeterminismFunctions.install(conn);
        // Deleted content is zeroed and a page becoming a B-tree page is cleared whole. A live run
        // may leave stale bytes in a page a rolled-back write used; replay never made that write.
        // With this, such bytes can only survive in free pages, never in a page in use.
        execInternal("PRAGMA secure_delete = ON");
        // Foreign keys stay off (SQLite's default): see docs/storage.md, "Foreign keys".
        execInternal("CREATE TABLE IF NOT EXISTS _duro_kv(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID");
        execInternal("CREATE TABLE IF NOT EXISTS _duro_meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID");
        pageSize = queryLong("PRAGMA page_size");
        mayHaveVirtualTables = mayHaveVirtualTables
                || queryLong("SELECT count(*) FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'") > 0;
    }

    /** Replaces the whole database with {@code image}; must not be inside a transaction. */
    void replaceWith(byte[] image) throws SQLException {
        closeStatements();
        conn.deserialize("main", image);
        init();
    }

    byte[] serialize() throws SQLException {
        return conn.serialize("main");
    }

    // ---- internal statements ----

    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = internal.get(sql);
        if (ps == null) {
            ps = conn.prepareStatement(sql);
            internal.put(sql, ps);
        }
        return ps;
    }

    void execInternal(String sql) throws SQLException {
        prepared(sql).execute();
    }

    long queryLong(String sql) throws SQLException {
        try (ResultSet rs = prepared(sql).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    long sizeBytes() throws SQLException {
        return queryLong("PRAGMA page_count") * pageSize;
    }

    long pageSize() {
        return pageSize;
    }

    long totalChanges() throws SQLException {
        return conn.getDatabase().total_changes();
    }

    /**
     * The AUTOINCREMENT counters ("name=seq,..."), or null when no table uses AUTOINCREMENT. An
     * INSERT that SQLite ignores may still raise them, so a statement that changed no row may
     * have changed the database.
     */
    String autoincrementState() throws SQLException {
        if (queryLong("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'") == 0) return null;
        try (ResultSet rs = prepared("SELECT group_concat(name || '=' || seq, ',') FROM (SELECT name, seq FROM sqlite_sequence "
                + "ORDER BY rowid)").executeQuery()) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        }
    }

    // ---- savepoints: name = depth, so nesting follows the Java call stack ----

    void savepoint(int depth) throws SQLException {
        execInternal("SAVEPOINT duro_" + depth);
    }

    void release(int depth) throws SQLException {
        execInternal("RELEASE duro_" + depth);
    }

    /**
     * Makes FTS tables write out the terms they buffer in memory. FTS3/4/5 flush those at a
     * savepoint and at commit, so without this the flush points would be the live run's
     * transaction boundaries, which replay (one transaction per batch) does not have. Called after
     * every user write, live and on replay, so both lay out the same segments.
     */
    void flushVirtualTables() throws SQLException {
        if (!mayHaveVirtualTables) return;
        execInternal("SAVEPOINT duro_flush");
        execInternal("RELEASE duro_flush");
    }

    /** Undoes everything since {@code savepoint(depth)} and ends that savepoint. */
    void rollback(int depth) throws SQLException {
        execInternal("ROLLBACK TO duro_" + depth);
        execInternal("RELEASE duro_" + depth);
    }

    // ---- KV ----

    byte[] kvGet(byte[] key) throws SQLException {
        PreparedStatement ps = prepared("SELECT value FROM _duro_kv WHERE key = ?");
        ps.setBytes(1, key);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    void kvPut(byte[] key, byte[] value) throws SQLException {
        PreparedStatement ps = prepared("INSERT OR REPLACE INTO _duro_kv(key, value) VALUES (?, ?)");
        ps.setBytes(1, key);
        ps.setBytes(2, value);
        ps.executeUpdate();
    }

    boolean kvDelete(byte[] key) throws SQLException {
        PreparedStatement ps = prepared("DELETE FROM _duro_kv WHERE key = ?");
        ps.setBytes(1, key);
        return ps.executeUpdate() > 0;
    }

    /**
     * Entries with {@code lower <= key} (or {@code < key} when {@code lowerExclusive}) and
     * {@code key < upper}, ascending or descending, at most {@code limit} (0 = all). Null bounds are open.
     */
    List<byte[][]> kvList(byte[] lower, boolean lowerExclusive, byte[] upper, boolean reverse, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT key, value FROM _duro_kv");
        String sep = " WHERE ";
        if (lower != null) {
            sql.append(sep).append(lowerExclusive ? "key > ?" : "key >= ?");
            sep = " AND ";
        }
        if (upper != null) sql.append(sep).append("key < ?");
        sql.append(reverse ? " ORDER BY key DESC" : " ORDER BY key").append(" LIMIT ?");
        PreparedStatement ps = prepared(sql.toString());
        int i = 1;
        if (lower != null) ps.setBytes(i++, lower);
        if (upper != null) ps.setBytes(i++, upper);
        ps.setLong(i, limit == 0 ? -1 : limit);
        List<byte[][]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(new byte[][] {rs.getBytes(1), rs.getBytes(2)});
        }
        return out;
    }

    // ---- meta ----

    Long meta(String name) throws SQLException {
        PreparedStatement ps = prepared("SELECT value FROM _duro_meta WHERE name = ?");
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    void setMeta(String name, long value) throws SQLException {
        PreparedStatement ps = prepared("INSERT OR REPLACE INTO _duro_meta(name, value) VALUES (?, ?)");
        ps.setString(1, name);
        ps.setLong(2, value);
        ps.executeUpdate();
    }

    void deleteMeta(String name) throws SQLException {
        PreparedStatement ps = prepared("DELETE FROM _duro_meta WHERE name = ?");
        ps.setString(1, name);
        ps.executeUpdate();
    }

    /**
     * Drops every user trigger, view and table (virtual tables before the rest, so their shadow
     * tables go with them), empties the KV table and deletes the alarm. Names are processed in a
     * fixed order, so live run and replay do the same page operations.
     */
    void deleteAll() throws SQLException {
        List<String[]> objects = new ArrayList<>();
        try (ResultSet rs = prepared("SELECT type, name, coalesce(sql, '') FROM sqlite_schema "
                + "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_duro\\_%' ESCAPE '\\' "
                + "AND type IN ('trigger', 'view', 'table') ORDER BY name").executeQuery()) {
            while (rs.next()) objects.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
        for (String type : new String[] {"trigger", "view", "virtual", "table"}) {
            for (String[] o : objects) {
                boolean virtual = o[0].equals("table") && o[2].regionMatches(true, 0, "CREATE VIRTUAL", 0, 14);
                String kind = virtual ? "virtual" : o[0];
                if (!kind.equals(type)) continue;
                String keyword = switch (o[0]) {
                    case "trigger" -> "TRIGGER";
                    case "view" -> "VIEW";
                    default -> "TABLE";
                };
                // IF EXISTS: a virtual table's shadow tables are already gone with it.
                try (Statement s = conn.createStatement()) {
                    s.execute("DROP " + keyword + " IF EXISTS main." + quote(o[1]));
                }
            }
        }
        execInternal("DELETE FROM _duro_kv");
        deleteMeta(META_ALARM);
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    // ---- user SQL ----

    /** The materialized result of a user statement. */
    record Result(List<String> columns, List<List<Object>> rows, long changes) {
    }

    /** Prepares (cached) and runs a user statement with normalized binds; reads every row. */
    Result runUser(String query, List<Object> binds) throws SQLException {
        if (!mayHaveVirtualTables && query.toUpperCase(java.util.Locale.ROOT).contains("VIRTUAL")) mayHaveVirtualTables = true;
        PreparedStatement ps = user.get(query);
        if (ps == null) {
            ps = conn.prepareStatement(query);
            user.put(query, ps);
            if (user.size() > MAX_CACHED_USER_STATEMENTS) {
                var eldest = user.entrySet().iterator().next();
                eldest.getValue().close();
                user.remove(eldest.getKey());
            }
        }
        int expected = ps.getParameterMetaData().getParameterCount();
        if (expected != binds.size()) {
            throw new SQLException("the statement has " + expected + " parameters but " + binds.size() + " values were bound");
        }
        ps.clearParameters();
        for (int i = 0; i < binds.size(); i++) {
            Object b = binds.get(i);
            switch (b) {
                case null -> ps.setNull(i + 1, java.sql.Types.NULL);
                case Long l -> ps.setLong(i + 1, l);
                case Double d -> ps.setDouble(i + 1, d);
                case String s -> ps.setString(i + 1, s);
                case byte[] bytes -> ps.setBytes(i + 1, bytes);
                default -> throw new IllegalArgumentException("bind not normalized: " + b.getClass());
            }
        }
        long before = totalChanges();
        List<String> columns = List.of();
        List<List<Object>> rows = new ArrayList<>();
        if (ps.execute()) {
            try (ResultSet rs = ps.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                String[] names = new String[n];
                for (int c = 0; c < n; c++) names[c] = md.getColumnLabel(c + 1);
                columns = List.of(names);
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    for (int c = 1; c <= n; c++) {
                        Object v = rs.getObject(c);
                        row.add(v instanceof Integer i ? Long.valueOf(i) : v);
                    }
                    rows.add(Collections.unmodifiableList(row));
                }
            }
        }
        return new Result(columns, rows, totalChanges() - before);
    }

    private void closeStatements() throws SQLException {
        for (PreparedStatement ps : internal.values()) ps.close();
        for (PreparedStatement ps : user.values()) ps.close();
        internal.clear();
        user.clear();
        if (functions != null) functions.close();
        functions = null;
    }

    @Override
    public void close() {
        try {
            closeStatements();
        } catch (SQLException e) {
            // closing in-memory statements cannot lose anything
        }
        try {
            if (conn != null) conn.close();
        } catch (SQLException e) {
            // likewise
        }
        conn = null;
    }
}
