package dev.duro.model.storage;

import dev.duro.model.async.Promise;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * An object's private transactional storage. Every call is synchronous against the object's local
 * SQLite database; durability is confirmed later and enforced by the output gate (nothing that
 * depends on a write leaves the object before the write is durable). Writes made without waiting
 * in between commit atomically as one batch.
 *
 * <p>Keys are strings of at most 2 KiB in UTF-8, ordered by their UTF-8 bytes
 * ({@link StorageKeys#ORDER}). Values are anything {@link StoredValues} encodes, at most 2 MiB
 * encoded. Oversize or unsupported input fails with a {@link dev.duro.model.object.DuroException}
 * naming the problem, and writes nothing.
 */
public interface Storage {
    int MAX_KEYS_PER_CALL = 128;
    int MAX_KEY_BYTES = 2 * 1024;
    int MAX_VALUE_BYTES = 2 * 1024 * 1024;

    /** The value, or null if absent. */
    Object get(String key);

    /** The value as {@code type} (see {@link StoredValues#decode(byte[], Class)}), or null if absent. */
    <T> T get(String key, Class<T> type);

    /** Up to 128 keys; the result is sorted by key and omits missing keys. */
    SortedMap<String, Object> get(List<String> keys);

    void put(String key, Object value);

    /** Up to 128 entries, atomically. */
    void put(Map<String, ?> entries);

    /** True if the key existed. */
    boolean delete(String key);

    /** Up to 128 keys; returns how many existed. */
    int delete(List<String> keys);

    SortedMap<String, Object> list(ListOptions options);

    default SortedMap<String, Object> list() {
        return list(ListOptions.all());
    }

    /** The pending alarm's wall time in ms, if any. */
    Optional<Long> getAlarm();

    /**
     * Sets the one alarm (replacing any pending alarm or retry). A time in the past fires as soon as
     * possible.
     *
     * @throws dev.duro.model.object.DuroException with
     *     {@link dev.duro.model.object.ErrorCode#NO_ALARM_HANDLER} if the object has no alarm handler
     */
    void setAlarm(long scheduledMillis);

    void deleteAlarm();

    /**
     * Runs {@code fn} atomically. An exception rolls back everything {@code fn} wrote and is
     * rethrown (the object is not reset). Nesting is allowed; an inner failure rolls back the inner
     * part only if the outer code catches it.
     */
    <T> T transactionSync(Supplier<T> fn);

    default void transactionSync(Runnable fn) {
        transactionSync(() -> {
            fn.run();
            return null;
        });
    }

    /** Atomically wipes KV data, SQL tables and the alarm. */
    void deleteAll();

    /** Completes when every write made before the call is durable. */
    Promise<Void> sync();

    SqlStorage sql();

    /** A bookmark for the current state; bookmarks order (as strings) by time. */
    String currentBookmark();

    /**
     * A bookmark for the state at wall time {@code millis}, within the retention window (30 days
     * by default).
     *
     * @throws dev.duro.model.object.DuroException with
     *     {@link dev.duro.model.object.ErrorCode#INVALID_BOOKMARK} outside the window
     */
    String bookmarkForTime(long millis);

    /**
     * Asks for the object to be restored to {@code bookmark} at its next activation (call
     * {@code ctx.abort} to get there now).
     *
     * @return a bookmark for the current state, to undo the restore
     */
    String restoreOnNextActivation(String bookmark);
}
