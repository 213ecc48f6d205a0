package dev.duro.runtime.log;

/**
 * One commit batch as the log sees it: opaque bytes (the storage engine's encoding of the batch's
 * mutations) with its sequence number and the wall time it was sealed at (for bookmarks).
 */
public record LogEntry(long seq, long wallMillis, byte[] payload) {
    public LogEntry {
        if (seq < 1) throw new IllegalArgumentException("log sequence numbers start at 1, got " + seq);
        if (payload == null) throw new IllegalArgumentException("payload must not be null");
    }
}
