package dev.duro.model.object;

import dev.duro.model.async.Promise;

/**
 * Implemented by objects that use alarms. Calling {@code setAlarm} on an object that does not
 * implement it fails with {@link ErrorCode#NO_ALARM_HANDLER}.
 *
 * <p>Alarms fire at least once: the alarm is cleared only after the handler's promise succeeds.
 * On failure the platform retries with exponential backoff from 2 s, with jitter, up to 6 retries.
 */
public interface AlarmHandler {
    Promise<Void> alarm(AlarmInfo info);
}
