package dev.duro.sim.run;

/**
 * The failure taxonomy of a run, each with its own process exit code (as TigerBeetle's VOPR
 * separates crash, liveness and correctness), so scripts and sweeps can tell them apart.
 */
public enum FailureClass {
    /** A safety or correctness property was violated (wrong data, lost write, order broken). */
    SAFETY(1),
    /** A task threw: an always-on invariant broke or node code failed. */
    CRASH(3),
    /** After faults healed, the system did not finish its work within the allowed time. */
    LIVENESS(4),
    /** The same seed and configuration gave different traces. */
    DETERMINISM(5);

    private final int exitCode;

    FailureClass(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
