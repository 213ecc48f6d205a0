package dev.duro.runtime.replication;

/**
 * Bytes that are not one valid replication frame (truncated, corrupted, over a limit, an unknown
 * tag, a field out of range), or a message too large to encode. The node counts and drops such a
 * frame; the message says which field and why.
 */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }
}
