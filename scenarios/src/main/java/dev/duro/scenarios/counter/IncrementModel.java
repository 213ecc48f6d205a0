package dev.duro.scenarios.counter;

import dev.duro.model.check.Model;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;

/**
 * A counter whose increment answers the new value (fetch-and-add), stricter than
 * {@link dev.duro.model.check.CounterModel}, which ignores what an add returns: {@code increment}
 * (output: the value after it, or unknown) and {@code read} (output: the value).
 */
public final class IncrementModel implements Model {
    private record Prepared(boolean read, Object output) {}

    @Override
    public String name() {
        return "fetch-and-increment";
    }

    @Override
    public Object initialState() {
        return 0L;
    }

    @Override
    public Object prepare(Operation op) {
        return switch (op.f()) {
            case "read" -> new Prepared(true, op.output());
            case "increment" -> new Prepared(false, op.output());
            default -> throw new IllegalArgumentException(name() + " has no operation '" + op.f() + "': " + op.describe());
        };
    }

    @Override
    public Object step(Object state, Object prepared) {
        Prepared p = (Prepared) prepared;
        long v = (Long) state;
        if (p.read) return p.output == Unknown.VALUE || Long.valueOf(v).equals(p.output) ? state : ILLEGAL;
        long next = v + 1;
        return p.output == Unknown.VALUE || Long.valueOf(next).equals(p.output) ? (Object) next : ILLEGAL;
    }
}
