package dev.duro.deploy.node;

/** A data directory cannot be used; the message says why in one line. */
public final class DataDirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataDirectoryException(String message) {
        super(message);
    }
}
