package dev.duro.model.websocket;

/**
 * The object's end of an accepted WebSocket. Sends go through the output gate: they leave only
 * after the writes made before them are durable. The handle stays valid across hibernation (the
 * same socket is handed to the woken object).
 */
public interface WebSocket {
    /** Stable for the socket's life, unique within the object. */
    long id();

    void send(String text);

    void send(byte[] binary);

    /** Closes with a code (1000 = normal) and a reason of at most 123 UTF-8 bytes. */
    void close(int code, String reason);

    boolean isOpen();

    /**
     * Stores a value with the socket that survives hibernation: a value the storage codec accepts
     * (see {@link dev.duro.model.storage.StoredValues}), at most 16 KiB encoded.
     */
    void serializeAttachment(Object value);

    /** The attachment, or null if none. */
    Object deserializeAttachment();
}
