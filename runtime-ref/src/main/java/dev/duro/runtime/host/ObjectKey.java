package dev.duro.runtime.host;

import dev.duro.model.object.ObjectId;

import java.util.Objects;

/** An object on this host: its namespace and id; ordered by namespace, then id bytes. */
record ObjectKey(String namespace, ObjectId id) implements Comparable<ObjectKey> {
    ObjectKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(id, "id");
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
