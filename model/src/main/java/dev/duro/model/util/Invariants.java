package dev.duro.model.util;

import java.util.Locale;

/**
 * Always-on assertions. Unlike {@code assert}, these cannot be switched off: a broken invariant in
 * a simulation run is a found bug, and in production it must stop the damage. Keep the conditions
 * free of side effects.
 */
public final class Invariants {
    private Invariants() {}

    /** Throws {@link InvariantViolation} with {@code message} when {@code condition} is false. */
    public static void check(boolean condition, String message) {
        if (!condition) throw new InvariantViolation(message);
    }

    /**
     * As {@link #check(boolean, String)}, formatting the message only on failure, in the root
     * locale: the message can reach a trace, whose digest must not depend on the machine.
     */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) throw new InvariantViolation(String.format(Locale.ROOT, format, args));
    }

    /** Marks a branch that must be unreachable. */
    public static InvariantViolation unreachable(String message) {
        return new InvariantViolation("unreachable: " + message);
    }

    /** A broken invariant: a bug in Duro, never a user error. */
    public static final class InvariantViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InvariantViolation(String message) {
            super(message);
        }
    }
}
