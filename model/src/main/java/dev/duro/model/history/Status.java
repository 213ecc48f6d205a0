package dev.duro.model.history;

/** How an operation ended, as the client observed it. */
public enum Status {
    /** Completed and took effect; its output is what the client saw. */
    OK,
    /** Definitely did not take effect (checkers drop it, as Knossos does). */
    FAIL,
    /** Indeterminate: may have taken effect at any time after its invoke, or never. */
    INFO;

    /** The lower-case name used in every text format ({@code ok}, {@code fail}, {@code info}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
