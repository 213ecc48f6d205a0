package dev.duro.model.world;

/** A disk operation failed; {@link #kind()} says how, the message says where. */
public final class DiskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The device reported an error reading or writing. */
        IO_ERROR,
        /** No space left; nothing was written. */
        NO_SPACE,
        /** The file or directory does not exist. */
        NOT_FOUND,
        /** Fewer bytes than asked for exist. */
        SHORT_READ,
        /** The handle was closed or its node crashed. */
        CLOSED,
        /** A malformed path. */
        BAD_PATH
    }

    private final Kind kind;
    private final String path;

    public DiskException(Kind kind, String path, String detail) {
        super(kind + " on '" + path + "': " + detail);
        this.kind = kind;
        this.path = path;
    }

    public Kind kind() {
        return kind;
    }

    public String path() {
        return path;
    }
}
