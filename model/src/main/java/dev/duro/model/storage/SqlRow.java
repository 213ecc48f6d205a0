package dev.duro.model.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/** One result row: column names in statement order and values (null, Long, Double, String, byte[]). */
public record SqlRow(List<String> columns, List<Object> values) {
    public SqlRow {
        if (columns.size() != values.size()) {
            throw new IllegalArgumentException("row has " + columns.size() + " columns but " + values.size() + " values");
        }
        columns = List.copyOf(columns);
        values = Collections.unmodifiableList(new java.util.ArrayList<>(values)); // values may be null
    }

    public Object get(String column) {
        int i = columns.indexOf(column);
        if (i < 0) throw new IllegalArgumentException("no column '" + column + "' in " + columns);
        return values.get(i);
    }

    public Object get(int index) {
        return values.get(index);
    }

    public Long getLong(String column) {
        Object v = get(column);
        return v == null ? null : ((Number) v).longValue();
    }

    public Double getDouble(String column) {
        Object v = get(column);
        return v == null ? null : ((Number) v).doubleValue();
    }

    public String getString(String column) {
        Object v = get(column);
        return v == null ? null : v.toString();
    }

    public byte[] getBytes(String column) {
        return (byte[]) get(column);
    }

    public SequencedMap<String, Object> asMap() {
        SequencedMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), values.get(i));
        return Collections.unmodifiableSequencedMap(m);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

}
