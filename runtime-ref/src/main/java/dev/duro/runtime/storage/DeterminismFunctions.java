package dev.duro.runtime.storage;

import org.sqlite.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Replaces SQLite's functions whose result depends on when, where or after what they run, so a
 * replayed statement computes what the live one did. {@code random()}, {@code randomblob()} and
 * the {@code CURRENT_*} keywords always fail ({@code changes()}, {@code total_changes()} and
 * {@code last_insert_rowid()} are refused by {@link SqlGuard}). The date and time functions fail when an argument is
 * {@code 'now'} (or they have none, which means now) or the machine-dependent modifiers
 * {@code 'localtime'}/{@code 'utc'}; otherwise they are computed by SQLite itself on a private
 * helper connection, so results are SQLite's. The failure text carries {@link #MARKER}, which
 * {@link ObjectStore} turns into NON_DETERMINISTIC_SQL.
 */
final class DeterminismFunctions implements AutoCloseable {
    static final String MARKER = "duro-non-deterministic: ";
    static final Map<String, String> WHY = Map.of(
            "random", "returns a different value on every run, so replaying the log would diverge; generate the value in code and bind it",
            "randomblob", "returns a different value on every run, so replaying the log would diverge; generate the value in code and bind it",
            "changes", "depends on connection history that replay does not reproduce; use RETURNING or the cursor's rowsWritten",
            "total_changes", "depends on connection history that replay does not reproduce; use the cursor's rowsWritten",
            "last_insert_rowid", "depends on connection history that replay does not reproduce; use INSERT ... RETURNING rowid");
    private static final String[] TIME_FUNCTIONS = {"date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff"};

    private final Map<String, PreparedStatement> helperStatements = new HashMap<>();
    private SQLiteConnection helper;

    /** Installs the replacements on {@code conn}; the returned object owns the helper connection. */
    static DeterminismFunctions install(SQLiteConnection conn) throws SQLException {
        DeterminismFunctions f = new DeterminismFunctions();
        // changes(), total_changes() and last_insert_rowid() are refused by SqlGuard only: the
        // driver itself runs "SELECT last_insert_rowid()" after inserts.
        for (String name : new String[] {"random", "randomblob"}) {
            Function.create(conn, name, refuse(name + "() " + WHY.get(name)), -1, 0);
        }
        for (String kw : new String[] {"current_time", "current_date", "current_timestamp"}) {
            Function.create(conn, kw, refuse(kw.toUpperCase(Locale.ROOT)
                    + " reads the clock, so replaying the log would give a different result; pass the time as a bind parameter"), -1, 0);
        }
        for (String name : TIME_FUNCTIONS) {
            Function.create(conn, name, f.timeFunction(name), -1, Function.FLAG_DETERMINISTIC);
        }
        return f;
    }

    private static Function refuse(String message) {
        return new Function() {
            @Override
            protected void xFunc() throws SQLException {
                error(MARKER + message);
            }
        };
    }

    private Function timeFunction(String name) {
        return new Function() {
            @Override
            protected void xFunc() throws SQLException {
                int n = args();
                int timeArgs = name.equals("strftime") ? n - 1 : n;
                if (timeArgs <= 0) {
                    error(MARKER + name + "() without a time value means now, which replays differently; pass the time as a bind parameter");
                    return;
                }
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    switch (value_type(i)) {
                        case 1 -> values[i] = value_long(i);
                        case 2 -> values[i] = value_double(i);
                        case 3 -> {
                            String s = value_text(i);
                            String t = s.trim().toLowerCase(Locale.ROOT);
                            if (t.equals("now")) {
                                error(MARKER + name + "('now') reads the clock, so replaying the log would give a different result; "
                                        + "pass the time as a bind parameter");
                                return;
                            }
                            if (t.equals("localtime") || t.equals("utc")) {
                                error(MARKER + "the '" + t + "' modifier depends on the machine's time zone; convert in code");
                                return;
                            }
                            values[i] = s;
                        }
                        case 4 -> values[i] = value_blob(i);
                        default -> values[i] = null;
                    }
                }
                Object r = evaluate(name, values);
                switch (r) {
                    case null -> result();
                    case Integer v -> result((long) v);
                    case Long v -> result(v);
                    case Double v -> result(v);
                    case String v -> result(v);
                    case byte[] v -> result(v);
                    default -> error("unexpected result type " + r.getClass());
                }
            }
        };
    }

    private Object evaluate(String name, Object[] args) throws SQLException {
        if (helper == null) helper = (SQLiteConnection) new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
        String key = name + "/" + args.length;
        PreparedStatement ps = helperStatements.get(key);
        if (ps == null) {
            StringBuilder sql = new StringBuilder("SELECT ").append(name).append('(');
            for (int i = 0; i < args.length; i++) sql.append(i == 0 ? "?" : ",?");
            ps = helper.prepareStatement(sql.append(')').toString());
            helperStatements.put(key, ps);
        }
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1);
        }
    }

    @Override
    public void close() {
        try {
            for (PreparedStatement ps : helperStatements.values()) ps.close();
            if (helper != null) helper.close();
        } catch (SQLException e) {
            // closing an in-memory helper cannot lose anything
        }
        helperStatements.clear();
        helper = null;
    }
}
