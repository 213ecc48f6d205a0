package dev.duro.model.history;

/**
 * An output the client never learned (a timed-out read, an indeterminate write). Models accept
 * any result where they find it, so it never constrains a linearization.
 */
public enum Unknown {
    VALUE;

    @Override
    public String toString() {
        return "?";
    }
}
