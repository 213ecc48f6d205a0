package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.log.LogStore;

import java.util.List;

/** A node's storage passed through to {@code inner}; tests override what they make fail or stall. */
class ForwardingNodeStorage implements NodeStorage {
    final NodeStorage inner;

    ForwardingNodeStorage(NodeStorage inner) {
        this.inner = inner;
    }

    @Override
    public LogStore logStore() {
        return inner.logStore();
    }

    @Override
    public Promise<List<ObjectId>> replicatedObjects(String namespace) {
        return inner.replicatedObjects(namespace);
    }

    @Override
    public void start() {
        inner.start();
    }

    @Override
    public void receive(NodeId from, byte[] message) {
        inner.receive(from, message);
    }

    @Override
    public boolean initialized() {
        return inner.initialized();
    }
}
