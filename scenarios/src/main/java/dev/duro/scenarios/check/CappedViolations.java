package dev.duro.scenarios.check;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * The violations of one property: the first {@link GateChecker#MAX_REPORTED} in full, the rest
 * only counted (a run that breaks a property thousands of times needs the first few, not all).
 */
final class CappedViolations {
    private final String property;
    private final FailureClass failureClass;
    /** What the rest are, for the closing line: "{@code N more <what>}". */
    private final String more;
    private final List<Violation> first = new ArrayList<>();
    private int count;

    CappedViolations(String property, FailureClass failureClass, String more) {
        this.property = property;
        this.failureClass = failureClass;
        this.more = more;
    }

    void add(String message) {
        if (count++ < GateChecker.MAX_REPORTED) first.add(new Violation(property, failureClass, message));
    }

    /** The reported ones, then one line counting the rest (if any). */
    List<Violation> all() {
        List<Violation> out = new ArrayList<>(first);
        if (count > GateChecker.MAX_REPORTED) {
            out.add(new Violation(property, failureClass, (count - GateChecker.MAX_REPORTED) + " more " + more));
        }
        return out;
    }
}
