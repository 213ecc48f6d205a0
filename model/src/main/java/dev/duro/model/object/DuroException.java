package dev.duro.model.object;

import java.util.Objects;

/**
 * The one exception type of the platform. {@link #code()} says which documented error it is; the
 * flags say what a caller may do about it: {@link #isRetryable()} (safe to retry if the operation
 * is idempotent), {@link #isOverloaded()} (do not retry now), {@link #isRemote()} (thrown by the
 * object's own code), {@link #isReset()} (the activation was reset).
 */
public class DuroException extends RuntimeException {
    private final ErrorCode code;

    public DuroException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public DuroException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    public boolean isRetryable() {
        return code.retryable();
    }

    public boolean isOverloaded() {
        return code.overloaded();
    }

    public boolean isRemote() {
        return code.remote();
    }

    public boolean isReset() {
        return code.reset();
    }

    @Override
    public String toString() {
        return "DuroException[" + code + "]: " + getMessage();
    }
}
