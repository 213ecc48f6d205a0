package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Unknown;
import java.util.List;
import java.util.Objects;

/**
 * A single register: {@code read} (output = value), {@code write(v)}, and, for the CAS variant,
 * {@code cas([from to])} whose output is {@code false} when the compare failed, {@link Unknown}
 * when nobody knows, and anything else (Knossos echoes the [from to] pair) when it succeeded.
 * An unknown CAS succeeds exactly when the state equals {@code from}.
 */
public final class RegisterModel implements Model {
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int CAS = 2;

    private record Prepared(int kind, Object a, Object b, Object output) {}

    private final boolean casAllowed;
    private final Object initial;

    public RegisterModel(boolean casAllowed, Object initial) {
        this.casAllowed = casAllowed;
        this.initial = initial;
    }

    @Override
    public String name() {
        return casAllowed ? "cas-register" : "register";
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object prepare(Operation op) {
        return switch (op.f()) {
            case "read" -> new Prepared(READ, null, null, op.output());
            case "write" -> new Prepared(WRITE, op.input(), null, op.output());
            case "cas" -> {
                if (!casAllowed) throw new IllegalArgumentException(name() + " has no cas: " + op.describe());
                if (!(op.input() instanceof List<?> l) || l.size() != 2) {
                    throw new IllegalArgumentException("cas input must be [from to]: " + op.describe());
                }
                yield new Prepared(CAS, l.get(0), l.get(1), op.output());
            }
            default -> throw new IllegalArgumentException(name() + " has no operation '" + op.f() + "': "
                    + op.describe());
        };
    }

    @Override
    public Object step(Object state, Object prepared) {
        Prepared p = (Prepared) prepared;
        switch (p.kind) {
            case READ:
                return p.output == Unknown.VALUE || Objects.equals(p.output, state) ? state : ILLEGAL;
            case WRITE:
                return p.a;
            default:
                boolean matches = Objects.equals(p.a, state);
                if (p.output == Unknown.VALUE) return matches ? p.b : state;
                if (Boolean.FALSE.equals(p.output)) return matches ? ILLEGAL : state;
                return matches ? p.b : ILLEGAL;
        }
    }
}
