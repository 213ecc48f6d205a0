package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;

/** An object as replication names it: namespace and id, ordered by namespace then id bytes. */
record ObjectKey(String namespace, ObjectId id) implements Comparable<ObjectKey> {
    ObjectKey {
        if (namespace == null || namespace.isEmpty()) throw new IllegalArgumentException("namespace must not be empty");
        if (id == null) throw new IllegalArgumentException("object id must be set");
    }

    static ObjectKey of(Message m) {
        return new ObjectKey(m.route().namespace(), m.route().id());
    }

    @Override
    public int compareTo(ObjectKey o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : id.compareTo(o.id);
    }

    @Override
    public String toString() {
        return namespace + "/" + id.hex();
    }
}
