package dev.duro.wire;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

/**
 * Bytes that are not a valid gateway message (truncated, over a size limit, an unknown tag, bad
 * UTF-8, a field out of range), or a message too large to encode. Always
 * {@link ErrorCode#MALFORMED_REQUEST}; the message says which field and why.
 */
public final class WireFormatException extends DuroException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(ErrorCode.MALFORMED_REQUEST, message);
    }
}
