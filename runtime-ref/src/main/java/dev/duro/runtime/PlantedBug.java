package dev.duro.runtime;

/**
 * Bugs the runtime can be told to have, so tests prove the checkers catch them (CORRECTNESS.md:
 * "proof that the testbed has teeth"). Switched on only through the runtime configuration a
 * simulation builds; production configuration has none.
 */
public enum PlantedBug {
    /** Outputs leave before the writes before them are durable. */
    OUTPUT_GATE_OPEN_EARLY,
    /** Events are delivered while the activation is still loading its state (or inside blockConcurrencyWhile). */
    INPUT_GATE_OPEN,
    /** The alarm is cleared before its handler runs (at most once instead of at least once). */
    ALARM_CLEARED_BEFORE_HANDLER,
    /** The log acknowledges a batch before its fsync completes. */
    LOG_ACK_BEFORE_FSYNC
}
