package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectId;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What tests of user objects (and of the runtime) may do to objects on one host (SEMANTICS.md
 * "Test hooks"). Every call runs on the host's loop; every promise completes on it. Time is the
 * world's clock, so in simulation alarms and timeouts fire in virtual time.
 */
public interface TestHooks {
    /**
     * Runs {@code fn} inside the object as one event (activating it if needed, constructor first),
     * with its context and instance. The result leaves through the output gate like a response:
     * it is delivered only once the writes {@code fn} made before it are durable.
     */
    <T> Promise<T> runInObject(String namespace, ObjectId id, BiFunction<ObjectContext, DurableObject, Promise<T>> fn);

    /**
     * Fires the object's alarm now, whatever its scheduled time. Completes with false if no alarm
     * is set, true once the handler attempt finished (success clears the alarm durably; failure
     * schedules a retry as usual).
     */
    Promise<Boolean> fireAlarmNow(String namespace, ObjectId id);

    /** Every object of {@code namespace} that has durable state, by id. */
    Promise<List<ObjectId>> listIds(String namespace);

    /**
     * Ends the activation once its writes are durable: memory is lost, the next event re-runs the
     * constructor. Accepted WebSockets are closed (1001). Events still running fail with RESET.
     */
    Promise<Void> evict(String namespace, ObjectId id);

    /** As {@link #evict}, but accepted WebSockets stay open and wake the object with their next message. */
    Promise<Void> hibernate(String namespace, ObjectId id);

    /** Drops every activation (running events fail with RESET, sockets close) and destroys every object's log. */
    Promise<Void> resetAllState();

    /** The object's lifecycle state as this host knows it; empty if the host holds nothing for it. */
    Optional<ActivationInfo> activationInfo(String namespace, ObjectId id);
}
