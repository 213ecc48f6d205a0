package dev.duro.model.check;

import java.util.List;
import dev.duro.model.history.Operation;

/**
 * Why a history is not linearizable: in partition {@code partitionName}, the longest partial
 * linearization found ({@code linearized}, with the model state after each op) cannot be
 * extended past {@code failing}, the earliest-returning op not in it.
 *
 * @param partitionOps every op of the partition (for drawing)
 * @param initialState the state before {@code linearized}
 * @param statesAfter {@code statesAfter.get(i)} is the state after {@code linearized.get(i)}
 */
public record Counterexample(
        String partitionName,
        List<Operation> partitionOps,
        Operation failing,
        List<Operation> linearized,
        String initialState,
        List<String> statesAfter) {
    public Counterexample {
        partitionOps = List.copyOf(partitionOps);
        linearized = List.copyOf(linearized);
        statesAfter = List.copyOf(statesAfter);
    }

    /** The state just before the failing op would have to take effect. */
    public String stateBeforeFailing() {
        return statesAfter.isEmpty() ? initialState : statesAfter.get(statesAfter.size() - 1);
    }
}
