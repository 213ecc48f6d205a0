package dev.duro.model.worker;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;

/**
 * The stateless front of an application, as on the platform: every client request reaches
 * {@link #fetch} first, on whichever node received it, and the worker reaches objects through the
 * namespace bindings in its {@link WorkerEnv}. A worker keeps no state between requests (any node
 * may run any request); what must persist lives in objects.
 *
 * <p>A WebSocket upgrade reaches the worker like any request; returning the object's 101 answer
 * (from {@code stub.fetch(request)}) hands the client's socket to that object.
 */
@FunctionalInterface
public interface Worker {
    /** Answers one request; runs on the node's loop and must not block. */
    Promise<Response> fetch(Request request, WorkerEnv env);
}
