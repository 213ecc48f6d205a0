package dev.duro.model.object;

import dev.duro.model.async.Promise;

/**
 * A client-side handle on one object. Calls made through one stub arrive at the object in the order
 * they were made. After a call through it fails, a stub is broken: later calls fail at once with
 * {@link ErrorCode#STUB_BROKEN}, and the caller makes a new stub from the namespace.
 */
public interface ObjectStub {
    ObjectId id();

    /** Sends a request; the promise completes on the caller's loop. */
    Promise<Response> fetch(Request request);
}
