package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;

import java.util.List;

/** Where objects' logs live on a node (its disk) or in a cluster (replicas). */
public interface LogStore {
    /** The log of {@code id}; creates nothing until the first append or snapshot. */
    ObjectLog open(String namespace, ObjectId id);

    /** Every object of {@code namespace} with a log, ordered by id. */
    Promise<List<ObjectId>> list(String namespace);
}
