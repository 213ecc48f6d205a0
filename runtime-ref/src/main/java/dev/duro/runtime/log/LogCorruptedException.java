package dev.duro.runtime.log;

/**
 * Recovery found damage it may not repair: data that was (or may have been) acknowledged as
 * durable is unreadable or missing. A single copy cannot be repaired; the object must be restored
 * from elsewhere (a replica, a backup). Never thrown for a torn tail of unacknowledged writes,
 * which recovery cuts.
 */
public final class LogCorruptedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final long offset;

    public LogCorruptedException(String path, long offset, String message) {
        super(message + " (file '" + path + "', offset " + offset + ")");
        this.path = path;
        this.offset = offset;
    }

    /** The damaged file. */
    public String path() {
        return path;
    }

    /** Where in {@link #path()} the damage starts. */
    public long offset() {
        return offset;
    }
}
