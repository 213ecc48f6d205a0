package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** A grow-only set: {@code add(v)}, and {@code read} whose output is the whole set. */
public final class SetModel implements Model {
    private record Prepared(boolean read, Object value, Object output) {}

    private final Set<Object> initial;

    public SetModel(Object initial) {
        if (!(initial instanceof Collection<?> c)) throw new IllegalArgumentException("set --initial must be a collection such as #{}");
        this.initial = java.util.Collections.unmodifiableSet(new HashSet<>(c));
    }

    @Override
    public String name() {
        return "set";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object prepare(Operation op) {
        return switch (op.f()) {
            case "add" -> new Prepared(false, op.input(), op.output());
            case "read" -> {
                if (op.output() != Unknown.VALUE && !(op.output() instanceof Collection)) {
                    throw new IllegalArgumentException("set read must return a collection: " + op.describe());
                }
                yield new Prepared(true, null, op.output());
            }
            default -> throw new IllegalArgumentException("set has no operation '" + op.f() + "': " + op.describe());
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object step(Object state, Object prepared) {
        Prepared p = (Prepared) prepared;
        Set<Object> s = (Set<Object>) state;
        if (p.read) {
            return p.output == Unknown.VALUE || s.equals(new HashSet<>((Collection<?>) p.output)) ? s : ILLEGAL;
        }
        if (s.contains(p.value)) return s;
        Set<Object> next = new HashSet<>(s);
        next.add(p.value);
        return java.util.Collections.unmodifiableSet(next);
    }
}
