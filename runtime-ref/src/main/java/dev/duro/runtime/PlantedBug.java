package dev.duro.runtime;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Bugs the runtime can be told to have, so tests prove the checkers catch them (CORRECTNESS.md:
 * "proof that the testbed has teeth"). Switched on only through the runtime configuration a
 * simulation builds ({@code duro sim ... --bug NAME}); production configuration has none, and a
 * bug that is off changes nothing.
 */
public enum PlantedBug {
    /** Outputs leave before the writes before them are durable. */
    OUTPUT_GATE_OPEN_EARLY("early-output-gate", "outputs leave before the writes they depend on are durable"),
    /** Events are delivered while the activation is still loading its state (or inside blockConcurrencyWhile). */
    INPUT_GATE_OPEN("interleave-storage", "events are delivered while a storage operation (load, blockConcurrencyWhile) is in progress"),
    /** The alarm is cleared before its handler runs (at most once instead of at least once). */
    ALARM_CLEARED_BEFORE_HANDLER("clear-alarm-early", "the alarm is deleted before its handler runs (at most once)"),
    /** A log (a node's own, or a replica's copy) acknowledges a write before its fsync completes. */
    LOG_ACK_BEFORE_FSYNC("skip-fsync", "logs and replicas acknowledge writes before they are fsynced"),
    /** The leader acknowledges a batch once one replica (itself or the first to answer) has it, not a majority. */
    ACK_BEFORE_QUORUM("ack-before-quorum", "a batch counts as durable once one replica has it, not a majority"),
    /** Replicas accept appends from an epoch older than the one they promised. */
    STALE_EPOCH("stale-epoch", "replicas accept writes from an older epoch than the one they promised"),
    /** Outputs leave without a valid lease (a deposed owner keeps answering reads). */
    READ_WITHOUT_LEASE("read-without-lease", "outputs that need no new write leave without checking the owner's lease"),
    /** A new owner does not re-arm the persisted alarm of an object it takes over. */
    DROP_ALARM_ON_FAILOVER("drop-alarm-on-failover", "an object taken over after a failover does not re-arm its alarm"),
    /** Recovery from replicas replays two adjacent batches in the wrong order. */
    REPLAY_OUT_OF_ORDER("replay-out-of-order", "recovery replays adjacent log batches in the wrong order"),
    /** A replica serves a record whose checksum does not match instead of repairing it from its peers. */
    NO_CHECKSUM("no-checksum", "replicas serve records that fail their checksum instead of repairing them"),
    /** An owner that finds a newer epoch after a partition heals wins a new one on its own stale state. */
    SPLIT_BRAIN_AFTER_HEAL("split-brain-after-heal",
            "an owner fenced during a partition re-takes the object on its own stale state after the heal"),
    /**
     * A replica's store runs the calls queued behind one that failed (a refused append) and relabels
     * a log that lacks batches of the log it is relabelled to (docs/replica-store.md, "Order").
     */
    RELABEL_AFTER_REFUSED_APPEND("relabel-after-refused-append",
            "a replica relabels its log to a new owner's epoch after an append of the adopted batches was refused");

    private final String cliName;
    private final String description;

    PlantedBug(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    /** The name {@code --bug} takes and reports print, e.g. {@code ack-before-quorum}. */
    public String cliName() {
        return cliName;
    }

    public String description() {
        return description;
    }

    /** By {@link #cliName()} (or the enum name); the error lists every name. */
    public static PlantedBug byName(String name) {
        for (PlantedBug b : values()) {
            if (b.cliName.equals(name) || b.name().equalsIgnoreCase(name)) return b;
        }
        throw new IllegalArgumentException("no planted bug '" + name + "'; known: "
                + Arrays.stream(values()).map(PlantedBug::cliName).collect(Collectors.joining(", ")));
    }
}
