package dev.duro.sim.run;

/** Outcome of a run. */
public enum Verdict {
    /** The run reached its end and no property was violated. */
    PASS,
    /** Some property was violated (each violation is evidence, however early the run stopped). */
    FAIL,
    /**
     * No violation, but no verdict either: the run stopped before its end (the event budget ran out
     * before the workload and its checks were done), so a pass would claim what was never observed.
     */
    INCONCLUSIVE
}
