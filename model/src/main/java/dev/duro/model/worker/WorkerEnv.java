package dev.duro.model.worker;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ObjectNamespace;
import java.util.SortedSet;

/** What a {@link Worker} may use: the deployment's namespace bindings, and promises on its loop. */
public interface WorkerEnv {
    /**
     * The binding named {@code binding} (e.g. {@code "COUNTER"}): ids, and stubs whose calls run at
     * the object's owner wherever it lives in the cluster.
     *
     * @throws DuroException with {@code UNKNOWN_NAMESPACE} naming the bindings that exist
     */
    ObjectNamespace namespace(String binding);

    /** The names of every binding, sorted. */
    SortedSet<String> bindings();

    /** A promise already completed with {@code value}, on this node's loop. */
    <T> Promise<T> completed(T value);

    /** A promise already failed with {@code failure}, on this node's loop. */
    <T> Promise<T> failed(Throwable failure);
}
