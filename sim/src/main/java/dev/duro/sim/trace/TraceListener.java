package dev.duro.sim.trace;

/**
 * Receives every trace event as it is recorded (for a JSON-lines file, a live view). Listening
 * must not change the run; a listener that throws stops the run as a harness failure.
 */
@FunctionalInterface
public interface TraceListener {
    void onEvent(TraceEvent event);

    TraceListener NONE = event -> { };
}
