package dev.duro.model.object;

import dev.duro.model.async.Promise;
import dev.duro.model.storage.Storage;
import dev.duro.model.websocket.AutoResponse;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.TimerHandle;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What an object sees of the platform: its id, its storage, concurrency control, WebSockets,
 * outgoing stubs and the node's time and randomness (deterministic in simulation).
 */
public interface ObjectContext {
    ObjectId id();

    /** The object's private, transactional storage (KV and SQL on one SQLite database). */
    Storage storage();

    /**
     * Runs {@code fn} and delivers no other event to the object until its promise completes. A
     * failure, or no completion within 30 s (configurable), resets the object; the returned promise
     * then fails with {@link ErrorCode#RESET}.
     */
    <T> Promise<T> blockConcurrencyWhile(Supplier<Promise<T>> fn);

    /**
     * Accepts a WebSocket upgrade {@code request} as a hibernatable socket with up to 10 tags (each
     * at most 256 characters); at most 32,768 sockets per object. Answer the request with
     * {@link Response#switchingProtocols()}.
     */
    WebSocket acceptWebSocket(Request request, String... tags);

    /** Accepted sockets that are still open, in acceptance order. */
    List<WebSocket> getWebSockets();

    /** Accepted open sockets carrying {@code tag}, in acceptance order. */
    List<WebSocket> getWebSockets(String tag);

    List<String> getTags(WebSocket socket);

    /** A request text answered with a response text by the platform, without waking the object. */
    void setWebSocketAutoResponse(AutoResponse pair);

    Optional<AutoResponse> getWebSocketAutoResponse();

    /** Drops uncommitted writes and resets the activation; the current event fails with {@link ErrorCode#RESET}. */
    void abort(String reason);

    /**
     * The namespace bound under {@code binding}, for calls to other objects.
     *
     * @throws DuroException with {@link ErrorCode#UNKNOWN_NAMESPACE}
     */
    ObjectNamespace namespace(String binding);

    /** Wall time in ms since the epoch, as this node sees it (virtual in simulation). */
    long nowMillis();

    /** Runs {@code task} as an event of this object after {@code delayMillis}; lost on eviction or reset. */
    TimerHandle setTimeout(long delayMillis, Runnable task);

    /** Deterministic randomness for this object (seeded in simulation). */
    Entropy entropy();

    /** A promise already completed with {@code value}, on this object's loop. */
    <T> Promise<T> completed(T value);

    /** A promise already failed with {@code failure}, on this object's loop. */
    <T> Promise<T> failed(Throwable failure);

    /** A new pending promise on this object's loop. */
    <T> Promise<T> promise();
}
