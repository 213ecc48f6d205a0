package dev.duro.model.storage;

/**
 * The SQL API on the object's SQLite database. Statements run synchronously and take part in the
 * current batch like KV writes. Refused with a {@link dev.duro.model.object.DuroException}:
 * {@code BEGIN}/{@code COMMIT}/{@code ROLLBACK}/{@code SAVEPOINT}/{@code RELEASE} (use
 * {@link Storage#transactionSync}), {@code ATTACH}/{@code DETACH}, temporary tables, names starting
 * with {@code _cf_} or {@code _duro_} or {@code sqlite_}, PRAGMAs outside an allow-list, and
 * functions whose result would differ on replay (see docs/storage.md).
 */
public interface SqlStorage {
    /** Runs one statement with positional {@code ?} binds (null, Long/Integer, Double, String, byte[], Boolean). */
    SqlCursor exec(String query, Object... binds);

    /** The database's size in bytes (page count times page size). */
    long databaseSize();
}
