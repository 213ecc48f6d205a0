package dev.duro.runtime.host;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

/**
 * UNAVAILABLE because another node owns the object now and this one let it go before the event
 * ran. Its own type so that what this host would otherwise retry (an alarm probe whose recovery the
 * release abandoned) is not retried here: the owner arms the alarm from the log.
 */
final class MovedAwayException extends DuroException {
    MovedAwayException(String message) {
        super(ErrorCode.UNAVAILABLE, message);
    }

    /** Whether {@code failure} is, or was caused by, a move. */
    static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MovedAwayException) return true;
        }
        return false;
    }
}
