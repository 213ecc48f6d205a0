package dev.duro.runtime.host;

import java.util.Optional;

/**
 * What a test may learn about one object on this host (see {@link TestHooks#activationInfo}).
 *
 * @param epoch          the current (or last, when {@code state} is {@link State#INACTIVE}) activation's epoch; 0 if never activated
 * @param state          where the object is in its lifecycle
 * @param queuedEvents   events waiting for delivery
 * @param openSockets    accepted WebSockets still open (they survive hibernation)
 * @param alarmMillis    the alarm as the host knows it durably, if any
 * @param alarmRetryCount failed handler attempts of the current alarm so far
 */
public record ActivationInfo(long epoch, State state, int queuedEvents, int openSockets, Optional<Long> alarmMillis,
                             int alarmRetryCount) {
    /** Lifecycle states of an object's activation. */
    public enum State {
        /** No activation in memory (never activated, evicted, hibernated or reset). */
        INACTIVE,
        /** Recovering its state from the log; no event is delivered. */
        LOADING,
        /** Serving events. */
        ACTIVE,
        /** Ending (reset or eviction): waiting for in-flight log appends before the store closes. */
        CLOSING
    }
}
