package dev.duro.model.check;

import dev.duro.model.history.Operation;

/** A lock: {@code acquire} needs it free, {@code release} needs it held (Knossos's mutex). */
public final class MutexModel implements Model {
    @Override
    public String name() {
        return "mutex";
    }

    @Override
    public Object initialState() {
        return Boolean.FALSE;
    }

    @Override
    public Object prepare(Operation op) {
        return switch (op.f()) {
            case "acquire" -> Boolean.TRUE;
            case "release" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("mutex has no operation '" + op.f() + "': " + op.describe());
        };
    }

    @Override
    public Object step(Object state, Object prepared) {
        return state.equals(prepared) ? ILLEGAL : prepared;
    }

    @Override
    public String describeState(Object state) {
        return Boolean.TRUE.equals(state) ? "held" : "free";
    }
}
