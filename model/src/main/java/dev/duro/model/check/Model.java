package dev.duro.model.check;

import dev.duro.model.history.Operation;
import dev.duro.model.history.Values;
import java.util.List;

/**
 * A sequential specification: an initial state and a deterministic step function. States must be
 * immutable and implement {@code equals}/{@code hashCode} (the checker memoizes on them); they
 * may be {@code null}.
 *
 * <p>To add a model: implement {@link #name()}, {@link #initialState()}, {@link #prepare} (turn an
 * {@link Operation} into whatever the step function reads fastest, rejecting ops the model does
 * not know) and {@link #step}; override {@link #partition} when the model is P-compositional
 * (Herlihy &amp; Wing: a history is linearizable iff each per-object sub-history is); then
 * register it in {@link Models}.
 */
public interface Model {
    /** Returned by {@link #step} when the operation cannot happen in that state. */
    Object ILLEGAL = new Object() {
        @Override
        public String toString() {
            return "ILLEGAL";
        }
    };

    /** The name used on the command line. */
    String name();

    /** The state before any operation. */
    Object initialState();

    /**
     * Pre-digests {@code op} for {@link #step}. Throws {@link IllegalArgumentException} (one line,
     * naming the op) for an operation this model does not understand. An output equal to
     * {@link dev.duro.model.history.Unknown#VALUE} must be accepted by any state.
     */
    Object prepare(Operation op);

    /** The state after {@code prepared} in {@code state}, or {@link #ILLEGAL}. */
    Object step(Object state, Object prepared);

    /**
     * Independent sub-histories, each with the model that checks it. The default is one
     * partition. Order must be deterministic (for example first appearance).
     */
    default List<Partition> partition(List<Operation> ops) {
        return List.of(new Partition("all", ops, this));
    }

    /** A state as a person reads it. */
    default String describeState(Object state) {
        return Values.show(state);
    }

    /** A named sub-history and the model that checks it. */
    record Partition(String name, List<Operation> ops, Model model) {}
}
