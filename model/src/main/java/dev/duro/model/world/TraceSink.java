package dev.duro.model.world;

/**
 * Where node code reports facts the checkers need (activation epochs, gate openings, alarm
 * firings). In simulation these enter the trace and its digest; in deployment they go to logs or
 * JFR. Recording must never change behaviour.
 */
public interface TraceSink {
    /** Records an event of type {@code kind} (short, kebab-case) with a free-form detail. */
    void record(String kind, String detail);

    TraceSink NONE = (kind, detail) -> { };
}
