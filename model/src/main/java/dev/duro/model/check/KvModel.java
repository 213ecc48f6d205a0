package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;
import dev.duro.model.history.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A key/value map of strings: {@code get(k)} (output = value), {@code put(k, v)},
 * {@code append(k, v)} (concatenation; appending to nil gives v). Every key starts at the initial
 * value (Porcupine's KV model: {@code ""}). P-compositional by key.
 *
 * <p>Unpartitioned, the state is an immutable array indexed by key (keys numbered at
 * {@link #prepare} time), so a step copies one small array and hashes incrementally.
 */
public final class KvModel implements Model {
    private static final int GET = 0;
    private static final int PUT = 1;
    private static final int APPEND = 2;

    private record Prepared(int kind, int keyIndex, Object value, Object output) {}

    private final Object initial;
    private final Map<Object, Integer> keyIndex = new LinkedHashMap<>();

    public KvModel(Object initial) {
        this.initial = initial;
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public Object initialState() {
        return new State(new Object[0], 0, wrap(initial));
    }

    @Override
    public Object prepare(Operation op) {
        int kind = kindOf(op);
        Integer k = keyIndex.computeIfAbsent(op.key(), x -> keyIndex.size());
        return new Prepared(kind, k, op.input(), op.output());
    }

    private static int kindOf(Operation op) {
        if (op.key() == null) throw new IllegalArgumentException("kv operations need a key: " + op.describe());
        return switch (op.f()) {
            case "get", "read" -> GET;
            case "put", "write" -> PUT;
            case "append" -> APPEND;
            default -> throw new IllegalArgumentException("kv has no operation '" + op.f() + "': " + op.describe());
        };
    }

    static Object apply(int kind, Object current, Object value, Object output) {
        switch (kind) {
            case GET:
                if (output == Unknown.VALUE) return current;
                if (current instanceof KvValue v && output instanceof String s) return v.contentEquals(s) ? current : ILLEGAL;
                return Objects.equals(output, current) ? current : ILLEGAL;
            case PUT:
                return wrap(value);
            default:
                if (current == null) return wrap(value);
                if (current instanceof KvValue v && value instanceof String s) return v.append(s);
                return KvValue.of(show(current) + show(value));
        }
    }

    /** Strings live as {@link KvValue}s inside states, so appends share prefixes. */
    static Object wrap(Object value) {
        return value instanceof String s ? KvValue.of(s) : value;
    }

    private static String show(Object v) {
        return v instanceof KvValue || v instanceof String ? v.toString() : Values.show(v);
    }

    static String describeValue(Object v) {
        return Values.show(v instanceof KvValue ? v.toString() : v);
    }

    @Override
    public Object step(Object state, Object prepared) {
        Prepared p = (Prepared) prepared;
        State s = (State) state;
        Object current = s.get(p.keyIndex);
        Object next = apply(p.kind, current, p.value, p.output);
        if (next == ILLEGAL) return ILLEGAL;
        return next == current ? s : s.with(p.keyIndex, next);
    }

    @Override
    public List<Partition> partition(List<Operation> ops) {
        Map<Object, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : ops) {
            kindOf(op);
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        List<Partition> out = new ArrayList<>();
        for (Map.Entry<Object, List<Operation>> e : byKey.entrySet()) {
            out.add(new Partition("key " + Values.show(e.getKey()), e.getValue(), new SingleKey(wrap(initial))));
        }
        return out;
    }

    @Override
    public String describeState(Object state) {
        State s = (State) state;
        StringBuilder b = new StringBuilder("{");
        int i = 0;
        for (Map.Entry<Object, Integer> e : keyIndex.entrySet()) {
            if (i++ > 0) b.append(", ");
            b.append(Values.show(e.getKey())).append(' ').append(describeValue(s.get(e.getValue())));
        }
        return b.append('}').toString();
    }

    /** All keys' values; slots beyond the array hold the initial value. */
    private static final class State {
        private final Object[] values;
        private final int hash;
        private final Object initial;

        State(Object[] values, int hash, Object initial) {
            this.values = values;
            this.hash = hash;
            this.initial = initial;
        }

        Object get(int i) {
            return i < values.length ? values[i] : initial;
        }

        State with(int i, Object v) {
            Object[] copy = Arrays.copyOf(values, Math.max(values.length, i + 1));
            for (int j = values.length; j < copy.length; j++) copy[j] = initial;
            int h = hash - slotHash(i, get(i)) + slotHash(i, v);
            copy[i] = v;
            return new State(copy, h, initial);
        }

        private static int slotHash(int i, Object v) {
            return (i + 1) * 0x9E3779B1 ^ Objects.hashCode(v) * 31;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) return true;
            if (!(o instanceof State s) || s.hash != hash) return false;
            int n = Math.max(values.length, s.values.length);
            for (int i = 0; i < n; i++) if (!Objects.equals(get(i), s.get(i))) return false;
            return true;
        }
    }

    /** One key's value: the model of a single partition. */
    static final class SingleKey implements Model {
        private final Object initial;

        SingleKey(Object initial) {
            this.initial = initial;
        }

        @Override
        public String name() {
            return "kv";
        }

        @Override
        public Object initialState() {
            return initial;
        }

        @Override
        public Object prepare(Operation op) {
            return new Prepared(kindOf(op), 0, op.input(), op.output());
        }

        @Override
        public Object step(Object state, Object prepared) {
            Prepared p = (Prepared) prepared;
            return apply(p.kind, state, p.value, p.output);
        }

        @Override
        public String describeState(Object state) {
            return describeValue(state);
        }
    }
}
