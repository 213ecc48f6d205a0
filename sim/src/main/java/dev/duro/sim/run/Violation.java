package dev.duro.sim.run;

/**
 * A violated property: its id (e.g. {@code D1}), its class, and a one-line message that names the
 * evidence (nodes, message ids, times).
 */
public record Violation(String property, FailureClass failureClass, String message) {
    @Override
    public String toString() {
        return property + " [" + failureClass.name().toLowerCase(java.util.Locale.ROOT) + "] " + message;
    }
}
