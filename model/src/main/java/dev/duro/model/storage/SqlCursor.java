package dev.duro.model.storage;

import java.util.Iterator;
import java.util.List;

/**
 * The result of {@link SqlStorage#exec}: rows in order. The statement has fully run when
 * {@code exec} returns, so reading the cursor never touches storage.
 */
public interface SqlCursor extends Iterator<SqlRow> {
    /** The remaining rows. */
    List<SqlRow> toList();

    /**
     * The only row.
     *
     * @throws dev.duro.model.object.DuroException with {@link dev.duro.model.object.ErrorCode#SQL_ERROR}
     *     if there are zero or several rows
     */
    SqlRow one();

    /** The remaining rows as value lists, in column order. */
    List<List<Object>> raw();

    List<String> columnNames();

    /** Rows the statement returned or scanned, as far as SQLite reports it (see docs/storage.md). */
    long rowsRead();

    /** Rows the statement inserted, updated or deleted. */
    long rowsWritten();
}
