package dev.duro.scenarios.check;

import dev.duro.sim.run.Violation;
import java.util.List;

/** A checker fed with runtime facts in trace order, and told when a node crashes. */
public interface FactChecker {
    void onFact(RuntimeFact fact);

    /** Node {@code node} crashed: whatever it held in memory is gone. */
    void onCrash(int node);

    /** Violations found so far (safety), in the order found. */
    List<Violation> violations();
}
