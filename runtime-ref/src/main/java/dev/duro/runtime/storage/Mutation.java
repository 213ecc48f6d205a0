package dev.duro.runtime.storage;

import java.util.List;

/**
 * One logged write. A batch's log payload is the list of its mutations ({@link BatchCodec});
 * replaying them in order on the state before the batch rebuilds the state after it. Only writes
 * that succeeded are recorded.
 */
sealed interface Mutation {
    /** KV put: UTF-8 key, {@link dev.duro.model.storage.StoredValues}-encoded value. */
    record KvPut(byte[] key, byte[] value) implements Mutation {
    }

    /** KV delete of a key that existed. */
    record KvDelete(byte[] key) implements Mutation {
    }

    /** A user SQL statement that changed something, with its binds (null, Long, Double, String, byte[]). */
    record Sql(String query, List<Object> binds) implements Mutation {
    }

    record SetAlarm(long scheduledMillis) implements Mutation {
    }

    record DeleteAlarm() implements Mutation {
    }

    /** Wipes KV data, user schema objects and the alarm. */
    record DeleteAll() implements Mutation {
    }

    /** Records a request to restore to the state after batch {@code seq} at the next activation. */
    record RequestRestore(long seq) implements Mutation {
    }

    /** Withdraws a pending restore request (written when its target can no longer be rebuilt). */
    record CancelRestore() implements Mutation {
    }

    /** Replaces the whole database with {@code image} (a serialized database); always alone in its batch. */
    record Restore(byte[] image) implements Mutation {
    }
}
