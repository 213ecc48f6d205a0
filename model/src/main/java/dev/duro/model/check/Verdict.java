package dev.duro.model.check;

/** A checker's answer. UNKNOWN means it ran out of time or steps: never a guess. */
public enum Verdict {
    LINEARIZABLE(0),
    VIOLATION(1),
    UNKNOWN(3);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The {@code duro check} exit code for this verdict. */
    public int exitCode() {
        return exitCode;
    }
}
