package dev.duro.sim.kernel;

/** Why a simulation stopped running events. */
public enum StopReason {
    /** The next event lies beyond the simulated-time budget; the clock was advanced to the budget. */
    TIME_LIMIT("simulated-time budget reached"),
    /** The event budget was spent. */
    EVENT_LIMIT("event budget reached"),
    /** The queue ran empty: nothing left to happen. */
    QUIESCENT("event queue empty"),
    /** The scenario or harness asked to stop. */
    STOPPED("stopped by the scenario"),
    /** A task threw (an invariant broke or node code failed); see {@link Kernel#failure()}. */
    FAILURE("a task threw");

    private final String description;

    StopReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
