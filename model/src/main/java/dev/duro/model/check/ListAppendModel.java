package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;
import java.util.ArrayList;
import java.util.List;

/** An append-only list: {@code append(v)}, and {@code read} whose output is the whole list. */
public final class ListAppendModel implements Model {
    private record Prepared(boolean read, Object value, Object output) {}

    private final List<Object> initial;

    public ListAppendModel(Object initial) {
        if (!(initial instanceof List<?> l)) throw new IllegalArgumentException("list-append --initial must be a list such as []");
        this.initial = new ArrayList<>(l);
    }

    @Override
    public String name() {
        return "list-append";
    }

    @Override
    public Object initialState() {
        return java.util.Collections.unmodifiableList(initial);
    }

    @Override
    public Object prepare(Operation op) {
        return switch (op.f()) {
            case "append" -> new Prepared(false, op.input(), op.output());
            case "read" -> new Prepared(true, null, op.output());
            default -> throw new IllegalArgumentException("list-append has no operation '" + op.f() + "': " + op.describe());
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object step(Object state, Object prepared) {
        Prepared p = (Prepared) prepared;
        List<Object> l = (List<Object>) state;
        if (p.read) return p.output == Unknown.VALUE || l.equals(p.output) ? l : ILLEGAL;
        List<Object> next = new ArrayList<>(l);
        next.add(p.value);
        return java.util.Collections.unmodifiableList(next);
    }
}
