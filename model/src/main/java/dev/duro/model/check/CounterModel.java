package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;

/** A counter: {@code add(delta)} (or {@code inc}, delta 1 when absent) and {@code read}. */
public final class CounterModel implements Model {
    private record Prepared(boolean read, long delta, Object output) {}

    private final long initial;

    public CounterModel(Object initial) {
        if (!(initial instanceof Long l)) throw new IllegalArgumentException("counter --initial must be an integer");
        this.initial = l;
    }

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object prepare(Operation op) {
        return switch (op.f()) {
            case "read" -> new Prepared(true, 0, op.output());
            case "add", "inc", "increment" -> {
                if (op.input() == null) yield new Prepared(false, 1, op.output());
                if (!(op.input() instanceof Long d)) throw new IllegalArgumentException("add needs an integer: " + op.describe());
                yield new Prepared(false, d, op.output());
            }
            default -> throw new IllegalArgumentException("counter has no operation '" + op.f() + "': " + op.describe());
        };
    }

    @Override
    public Object step(Object state, Object prepared) {
        Prepared p = (Prepared) prepared;
        long v = (Long) state;
        if (!p.read) return v + p.delta;
        return p.output == Unknown.VALUE || Long.valueOf(v).equals(p.output) ? state : ILLEGAL;
    }
}
