package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;
import dev.duro.model.history.Values;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A grow-only set: {@code add(v)}, and {@code read} whose output is the whole set. A read that
 * lists an element twice matches no state (a set holds each element once); JSON has no sets, so
 * any collection is accepted as the output.
 *
 * <p>States print sorted ({@link Values#show}), whatever order the elements were added in.
 */
public final class SetModel implements Model {
    /** For a read, {@code seen} is its output as a set: {@code null} when unknown (matches any state). */
    private record Prepared(boolean read, Object value, Set<Object> seen, boolean impossible) {}

    private final Set<Object> initial;

    public SetModel(Object initial) {
        if (!(initial instanceof Collection<?> c)) throw new IllegalArgumentException("set --initial must be a collection such as #{}");
        this.initial = Collections.unmodifiableSet(new LinkedHashSet<>(c));
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
            case "add" -> new Prepared(false, op.input(), null, false);
            case "read" -> {
                if (op.output() == Unknown.VALUE) yield new Prepared(true, null, null, false);
                if (!(op.output() instanceof Collection<?> c)) {
                    throw new IllegalArgumentException("set read must return a collection: " + op.describe());
                }
                Set<Object> seen = new HashSet<>(c);
                // A duplicate can never match: no set has that many distinct elements.
                yield new Prepared(true, null, seen, seen.size() != c.size());
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
            if (p.impossible) return ILLEGAL;
            return p.seen == null || s.equals(p.seen) ? s : ILLEGAL;
        }
        if (s.contains(p.value)) return s;
        Set<Object> next = new LinkedHashSet<>(s);
        next.add(p.value);
        return Collections.unmodifiableSet(next);
    }
}
