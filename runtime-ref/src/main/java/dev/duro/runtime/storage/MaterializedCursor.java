package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.SqlCursor;
import dev.duro.model.storage.SqlRow;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** A statement's rows, all read before {@code exec} returned. {@code rowsRead} counts the rows returned. */
final class MaterializedCursor implements SqlCursor {
    private final List<String> columns;
    private final List<List<Object>> rows;
    private final long rowsWritten;
    private int next;

    MaterializedCursor(List<String> columns, List<List<Object>> rows, long rowsWritten) {
        this.columns = columns;
        this.rows = rows;
        this.rowsWritten = rowsWritten;
    }

    @Override
    public boolean hasNext() {
        return next < rows.size();
    }

    @Override
    public SqlRow next() {
        if (!hasNext()) throw new NoSuchElementException("no more rows");
        return new SqlRow(columns, rows.get(next++));
    }

    @Override
    public List<SqlRow> toList() {
        List<SqlRow> out = new ArrayList<>(rows.size() - next);
        while (hasNext()) out.add(next());
        return out;
    }

    @Override
    public SqlRow one() {
        int remaining = rows.size() - next;
        if (remaining != 1) {
            throw new DuroException(ErrorCode.SQL_ERROR, "one() expects exactly one row but the statement returned " + remaining
                    + "; use toList() or next()");
        }
        return next();
    }

    @Override
    public List<List<Object>> raw() {
        List<List<Object>> out = new ArrayList<>(rows.subList(next, rows.size()));
        next = rows.size();
        return out;
    }

    @Override
    public List<String> columnNames() {
        return columns;
    }

    @Override
    public long rowsRead() {
        return rows.size();
    }

    @Override
    public long rowsWritten() {
        return rowsWritten;
    }
}
