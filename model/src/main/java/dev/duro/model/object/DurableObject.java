package dev.duro.model.object;

import dev.duro.model.async.Promise;

/**
 * A stateful object: one instance per id, cluster-wide, running one logical thread.
 *
 * <p>An implementation is built by its namespace's {@link ObjectFactory} with the object's
 * {@link ObjectContext}; the constructor runs on the first event after activation, eviction or
 * hibernation, so it may read storage but must not assume memory survived. Handlers run to
 * completion on the object's loop; a handler that waits on an outgoing call returns a pending
 * {@link Promise}, and other events may be delivered while it waits (never while storage runs).
 *
 * <p>Optional capabilities are separate interfaces: {@link AlarmHandler} for alarms and
 * {@link dev.duro.model.websocket.WebSocketHandler} for accepted WebSockets.
 */
public interface DurableObject {
    /**
     * Handles one request. Every response waits behind the output gate until the writes made before
     * it are durable. An exception (thrown or as a failed promise) reaches the caller as a
     * {@link DuroException} with {@link DuroException#isRemote()} set.
     */
    Promise<Response> fetch(Request request);
}
