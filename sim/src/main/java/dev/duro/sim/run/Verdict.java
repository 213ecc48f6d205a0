package dev.duro.sim.run;

/** Outcome of a run. */
public enum Verdict {
    PASS,
    FAIL
}
