package dev.duro.scenarios.frame;

import dev.duro.model.check.CheckResult;
import dev.duro.model.check.LinearizabilityChecker;
import dev.duro.model.check.Model;
import dev.duro.model.check.Verdict;
import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Optional;

/**
 * P1 for one sub-history: the linearizability checker under a step budget (never a wall-clock
 * deadline, so the verdict is a function of the seed). An exhausted budget is no verdict, counted
 * by the caller and shown in the parameters, never a failure.
 */
public final class Lin {
    /** Search steps per sub-history; histories here are a few hundred operations. */
    public static final long MAX_STEPS = 2_000_000;

    private Lin() {}

    /** The outcome of one check: a violation, or none; {@code unknown} when the budget ran out. */
    public record Result(Optional<Violation> violation, boolean unknown) {}

    public static Result check(String property, String what, History history, Model model) {
        CheckResult r = LinearizabilityChecker.check(history, model,
                LinearizabilityChecker.Options.unbounded().withMaxSteps(MAX_STEPS).withMemoBytes(64L << 20));
        if (r.verdict() == Verdict.LINEARIZABLE) return new Result(Optional.empty(), false);
        if (r.verdict() == Verdict.UNKNOWN) return new Result(Optional.empty(), true);
        var cex = r.counterexample();
        StringBuilder b = new StringBuilder(what).append(" is not linearizable: ").append(cex.failing().describe())
                .append(" cannot take effect after ");
        List<Operation> lin = cex.linearized();
        int from = Math.max(0, lin.size() - 3);
        if (lin.isEmpty()) b.append("nothing");
        for (int i = from; i < lin.size(); i++) {
            if (i > from) b.append(", ");
            b.append(lin.get(i).describe());
        }
        b.append(" (state ").append(cex.stateBeforeFailing()).append(')');
        return new Result(Optional.of(new Violation(property, FailureClass.SAFETY, b.toString())), false);
    }
}
