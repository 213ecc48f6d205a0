package dev.duro.model.check;

import dev.duro.model.history.Keyword;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import dev.duro.model.history.Values;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Knossos's multi-register: {@code txn} ops whose value is a list of {@code [f k v]} with f
 * {@code :read} or {@code :write}. Reads of nil (or unknown) are unconstrained, as in Knossos;
 * an indeterminate txn uses its invoke value. Initial state: a map of key to value (nil = all
 * registers nil).
 */
public final class MultiRegisterModel implements Model {
    private record Micro(boolean read, Object key, Object value) {}

    private final Map<Object, Object> initial;

    public MultiRegisterModel(Object initial) {
        if (initial == null) {
            this.initial = Map.of();
        } else if (initial instanceof Map<?, ?> m) {
            this.initial = Collections.unmodifiableMap(new LinkedHashMap<>(m));
        } else {
            throw new IllegalArgumentException("multi-register --initial must be a map such as {:x 0} or nil");
        }
    }

    @Override
    public String name() {
        return "multi-register";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object prepare(Operation op) {
        if (!op.f().equals("txn")) throw new IllegalArgumentException("multi-register has only txn: " + op.describe());
        Object value = op.status() == Status.OK && op.output() != Unknown.VALUE ? op.output() : op.input();
        List<Micro> micros = new ArrayList<>();
        for (Object m : Values.asList(value, "txn value")) {
            List<?> t = Values.asList(m, "txn micro-op");
            Object f = t.isEmpty() ? null : t.get(0) instanceof Keyword k ? k.name() : t.get(0);
            if (t.size() != 3 || !("read".equals(f) || "write".equals(f))) {
                throw new IllegalArgumentException("txn micro-ops must be [:read k v] or [:write k v]: " + op.describe());
            }
            micros.add(new Micro("read".equals(f), t.get(1), t.get(2)));
        }
        return List.copyOf(micros);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object step(Object state, Object prepared) {
        Map<Object, Object> values = (Map<Object, Object>) state;
        Map<Object, Object> copy = null;
        for (Micro m : (List<Micro>) prepared) {
            Map<Object, Object> now = copy == null ? values : copy;
            if (m.read) {
                if (m.value != null && m.value != Unknown.VALUE && !Objects.equals(m.value, now.get(m.key))) return ILLEGAL;
            } else {
                if (copy == null) copy = new LinkedHashMap<>(values);
                copy.put(m.key, m.value);
            }
        }
        return copy == null ? values : Collections.unmodifiableMap(copy);
    }
}
