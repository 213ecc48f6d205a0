package dev.duro.model.object;

/**
 * Every documented error the platform raises, with the flags it carries. The message of each
 * {@link DuroException} says what was wrong and what to do; the code is for programs.
 */
public enum ErrorCode {
    // --- bad input from the object's own code (thrown synchronously, nothing written) ---
    KEY_TOO_LARGE(Flag.NONE),
    VALUE_TOO_LARGE(Flag.NONE),
    TOO_MANY_KEYS(Flag.NONE),
    UNSUPPORTED_VALUE(Flag.NONE),
    FORBIDDEN_SQL(Flag.NONE),
    RESERVED_NAME(Flag.NONE),
    NON_DETERMINISTIC_SQL(Flag.NONE),
    SQL_ERROR(Flag.NONE),
    SIZE_LIMIT(Flag.NONE),
    NO_ALARM_HANDLER(Flag.NONE),
    INVALID_BOOKMARK(Flag.NONE),
    WEBSOCKET_LIMIT(Flag.NONE),
    // --- bad input from callers ---
    INVALID_ID(Flag.NONE),
    UNKNOWN_NAMESPACE(Flag.NONE),
    MALFORMED_REQUEST(Flag.NONE),
    /** A location hint that names no location of the cluster (the message lists the ones it has). */
    INVALID_LOCATION(Flag.NONE),
    // --- failures of the call itself ---
    /** The object's code threw; {@code remote} is set. */
    OBJECT_ERROR(Flag.REMOTE),
    /** The activation was reset (broken output gate, abort, lost ownership, timeout in blockConcurrencyWhile). */
    RESET(Flag.RESET_RETRYABLE),
    /** Too many queued requests or bytes for one object; do not retry now. */
    OVERLOADED(Flag.OVERLOADED),
    /** The call's outcome is unknown (timeout, lost connection); safe to retry only if idempotent. */
    UNAVAILABLE(Flag.RETRYABLE),
    /**
     * The object lives on another node; nothing ran here; retry there. The error names the node
     * the answering one believes owns the object (see the cluster client library).
     */
    MOVED(Flag.RETRYABLE),
    /** A stub that already saw a failure; make a new one. */
    STUB_BROKEN(Flag.NONE),
    /** A platform invariant broke; a bug in Duro. */
    INTERNAL(Flag.NONE);

    enum Flag { NONE, REMOTE, RESET_RETRYABLE, OVERLOADED, RETRYABLE }

    private final Flag flag;

    ErrorCode(Flag flag) {
        this.flag = flag;
    }

    public boolean retryable() {
        return flag == Flag.RETRYABLE || flag == Flag.RESET_RETRYABLE;
    }

    public boolean overloaded() {
        return flag == Flag.OVERLOADED;
    }

    public boolean remote() {
        return flag == Flag.REMOTE;
    }

    public boolean reset() {
        return flag == Flag.RESET_RETRYABLE;
    }
}
