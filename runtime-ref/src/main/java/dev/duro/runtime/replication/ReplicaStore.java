package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;

import java.util.List;

/** The replicas this node holds, on its disk: one {@link ReplicaLog} per object. */
public interface ReplicaStore {
    ReplicaLog open(String namespace, ObjectId id);

    /** Objects of {@code namespace} this node holds a replica of, ordered by id. */
    Promise<List<ObjectId>> list(String namespace);

    /**
     * True once the store's start-up writes are durable. Until then this node answered no replica
     * message (every operation waits for them), so it promised nothing: a start after a crash
     * before that point is still a first boot, not a lost disk.
     */
    default boolean initialized() {
        return true;
    }
}
