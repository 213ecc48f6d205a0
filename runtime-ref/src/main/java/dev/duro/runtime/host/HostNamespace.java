package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.edge.ObjectEndpoint;
import dev.duro.runtime.ids.ObjectIds;

/**
 * A namespace as seen from inside an object: ids from {@link ObjectIds}, stubs whose calls are
 * outputs of the calling activation (they wait behind its output gate) and reach this host's
 * {@code fetch} on a single node, or in a cluster the route the node installed (the callee's owner).
 */
final class HostNamespace implements ObjectNamespace {
    private final Activation caller;
    private final String name;
    private final ObjectIds ids;

    HostNamespace(Activation caller, String name, ObjectIds ids) {
        this.caller = caller;
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
        return ids.fromName(objectName, caller.host.requireLocation(locationHint));
    }

    @Override
    public ObjectId newUniqueId() {
        // near the first caller: located where this object runs, if the cluster has locations
        String here = caller.host.location();
        return here == null ? ids.newUnique(caller.host.idEntropy) : ids.newUnique(caller.host.idEntropy, here);
    }

    @Override
    public ObjectId newUniqueId(String locationHint) {
        return ids.newUnique(caller.host.idEntropy, caller.host.requireLocation(locationHint));
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
        return new Stub(id);
    }

    /** Calls in order; broken after the first failure it sees. */
    private final class Stub implements ObjectStub {
        private final ObjectId id;
        private Throwable brokenBy;
        /** The stub's last call, done once it was answered (or discarded). */
        private Promise<Response> tail;

        Stub(ObjectId id) {
            this.id = id;
        }

        @Override
        public ObjectId id() {
            return id;
        }

        @Override
        public Promise<Response> fetch(Request request) {
            ObjectHost host = caller.host;
            if (brokenBy != null) return Promise.failed(host.loop, broken());
            if (!caller.isServing()) {
                DuroException e = caller.resetError("the calling activation has ended");
                brokenBy = e;
                return Promise.failed(host.loop, e);
            }
            Promise<Response> result = Promise.on(host.loop);
            boolean partOfBlockConcurrency = caller.insideBlockConcurrency();
            caller.pendingCalls++;
            // The call is an output: it leaves only once the caller's earlier writes are durable,
            // and in order with its other outputs, so calls through one stub arrive in order.
            // Routed calls (a cluster) may be forwarded, and forwards can overtake each other: each
            // waits for the stub's previous call to finish before it is sent.
            Promise<Response> previous = tail;
            Promise<Response> sent = Promise.on(host.loop);
            tail = sent;
            caller.emit("call", () -> {
                Runnable send = () -> {
                    Promise<Response> answer = brokenBy == null ? call(host, request) : Promise.failed(host.loop, broken());
                    answer.whenComplete((r, e) -> {
                        if (e != null && brokenBy == null) brokenBy = e;
                        if (e != null) sent.fail(e);
                        else sent.complete(r);
                        caller.deliverResume(partOfBlockConcurrency, () -> {
                            caller.pendingCalls--;
                            if (e != null) result.fail(e);
                            else result.complete(r);
                        });
                    });
                };
                if (host.stubRoute() == null || previous == null || previous.isDone()) send.run();
                else previous.whenComplete((r, e) -> send.run()); // a failure there breaks this stub: this call fails, unsent
            }, () -> {
                sent.fail(caller.resetError("the call was discarded by its output gate"));
                caller.pendingCalls--;
                DuroException e = caller.resetError("the call was discarded by its output gate");
                if (brokenBy == null) brokenBy = e;
                result.fail(e);
            });
            return result;
        }

        private DuroException broken() {
            return new DuroException(ErrorCode.STUB_BROKEN, "this stub to " + id + " saw a failure (" + Activation.describe(brokenBy)
                    + "); make a new stub with namespace.get(id)");
        }

        private Promise<Response> call(ObjectHost host, Request request) {
            ObjectEndpoint route = host.stubRoute();
            return route == null ? host.fetch(name, id, request) : route.fetch(name, id, request);
        }

        @Override
        public String toString() {
            return "ObjectStub[" + name + "/" + id + "]";
        }
    }
}
