package dev.duro.model.world;

/** A scheduled task that has not run yet, or has. */
public interface TimerHandle {
    /**
     * Cancels the task if it has not started. Returns true when this call prevented it from
     * running; false when it already ran, was already cancelled, or its node crashed.
     */
    boolean cancel();
}
