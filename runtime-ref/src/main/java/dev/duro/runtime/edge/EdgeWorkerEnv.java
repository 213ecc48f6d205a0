package dev.duro.runtime.edge;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.Entropy;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.runtime.ids.ObjectIds;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a worker on this node sees: the deployment's bindings, whose stubs call through the front
 * door's routing (to the object's owner, forwarding inside the cluster). As on the platform, calls
 * through one stub arrive in the order they were made (here: one at a time, the next leaves when
 * the previous one answered), and a stub that saw a failure is broken. A WebSocket upgrade the
 * object accepts comes back as the 101 carrying {@link FrontDoor#EDGE_SOCKET_HEADER}, for
 * {@link FrontDoor#adoptSocket}.
 */
final class EdgeWorkerEnv implements WorkerEnv {
    private final NodeFrontDoor door;
    private final Entropy uniqueIds;

    EdgeWorkerEnv(NodeFrontDoor door) {
        this.door = door;
        this.uniqueIds = door.world().entropy().derive("worker/unique-ids");
    }

    @Override
    public ObjectNamespace namespace(String binding) {
        if (!door.deployment().namespaces().containsKey(binding)) {
            throw new DuroException(ErrorCode.UNKNOWN_NAMESPACE, "no namespace binding '" + binding + "'; the deployment binds " + bindings());
        }
        return new Namespace(binding, door.ids(binding));
    }

    @Override
    public SortedSet<String> bindings() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(door.deployment().namespaces().keySet()));
    }

    @Override
    public <T> Promise<T> completed(T value) {
        return Promise.succeeded(door.world().loop(), value);
    }

    @Override
    public <T> Promise<T> failed(Throwable failure) {
        return Promise.failed(door.world().loop(), failure);
    }

    private final class Namespace implements ObjectNamespace {
        private final String name;
        private final ObjectIds ids;

        Namespace(String name, ObjectIds ids) {
            this.name = name;
            this.ids = ids;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ObjectId idFromName(String objectName) {
            return ids.fromName(objectName);
        }

        @Override
        public ObjectId idFromName(String objectName, String locationHint) {
            return ids.fromName(objectName, door.requireLocation(locationHint));
        }

        @Override
        public ObjectId newUniqueId() {
            String here = door.location(); // near the first caller: this node's location, if any
            return here == null ? ids.newUnique(uniqueIds) : ids.newUnique(uniqueIds, here);
        }

        @Override
        public ObjectId newUniqueId(String locationHint) {
            return ids.newUnique(uniqueIds, door.requireLocation(locationHint));
        }

        @Override
        public ObjectId idFromString(String hex) {
            return ids.parse(hex);
        }

        @Override
        public ObjectStub get(ObjectId id) {
            if (!ids.belongs(id)) {
                throw new DuroException(ErrorCode.INVALID_ID, "object id " + id.hex() + " does not belong to namespace '"
                        + name + "'; get ids for it from this namespace");
            }
            return new Stub(name, id);
        }
    }

    /** Calls one at a time, in order; broken after the first failure it sees. */
    private final class Stub implements ObjectStub {
        private final String namespace;
        private final ObjectId id;
        private final ArrayDeque<Queued> queue = new ArrayDeque<>();
        private boolean busy;
        private Throwable brokenBy;

        Stub(String namespace, ObjectId id) {
            this.namespace = namespace;
            this.id = id;
        }

        @Override
        public ObjectId id() {
            return id;
        }

        @Override
        public Promise<Response> fetch(Request request) {
            Promise<Response> result = Promise.on(door.world().loop());
            queue.add(new Queued(request, result));
            if (!busy) next();
            return result;
        }

        private void next() {
            Queued q = queue.poll();
            if (q == null) {
                busy = false;
                return;
            }
            if (brokenBy != null) {
                q.result().fail(broken());
                next();
                return;
            }
            busy = true;
            door.call(namespace, id, q.request()).whenComplete((response, failure) -> {
                if (failure != null) {
                    if (brokenBy == null) brokenBy = failure;
                    q.result().fail(failure);
                } else {
                    q.result().complete(response);
                }
                next();
            });
        }

        private DuroException broken() {
            return new DuroException(ErrorCode.STUB_BROKEN, "this stub to " + namespace + "/" + id.hex() + " saw a failure ("
                    + brokenBy.getMessage() + "); make a new stub with namespace.get(id)");
        }

        @Override
        public String toString() {
            return "ObjectStub[" + namespace + "/" + id + "]";
        }
    }

    private record Queued(Request request, Promise<Response> result) {
    }
}
