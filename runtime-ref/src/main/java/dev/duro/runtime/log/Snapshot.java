package dev.duro.runtime.log;

/** The state right after batch {@code seq}: a serialized SQLite database image. {@code seq} 0 = empty state. */
public record Snapshot(long seq, long wallMillis, byte[] image) {
    public Snapshot {
        if (seq < 0) throw new IllegalArgumentException("snapshot seq must be >= 0, got " + seq);
        if (image == null) throw new IllegalArgumentException("image must not be null");
    }
}
