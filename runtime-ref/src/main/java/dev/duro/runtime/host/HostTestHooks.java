package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectId;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/** {@link TestHooks} over one {@link ObjectHost}. */
final class HostTestHooks implements TestHooks {
    private final ObjectHost host;

    HostTestHooks(ObjectHost host) {
        this.host = host;
    }

    @Override
    public <T> Promise<T> runInObject(String namespace, ObjectId id, BiFunction<ObjectContext, DurableObject, Promise<T>> fn) {
        return host.runInObject(namespace, id, fn);
    }

    @Override
    public Promise<Boolean> fireAlarmNow(String namespace, ObjectId id) {
        Promise<Boolean> result = Promise.on(host.loop);
        try {
            host.slotFor(namespace, id).fireAlarmNow(result);
        } catch (DuroException e) {
            result.fail(e);
        }
        return result;
    }

    @Override
    public Promise<List<ObjectId>> listIds(String namespace) {
        try {
            host.deployment.namespace(namespace);
        } catch (DuroException e) {
            return Promise.failed(host.loop, e);
        }
        return host.logs.list(namespace);
    }

    @Override
    public Promise<Void> evict(String namespace, ObjectId id) {
        return end(namespace, id, "evict-hook", 1001);
    }

    @Override
    public Promise<Void> hibernate(String namespace, ObjectId id) {
        return end(namespace, id, "hibernate-hook", 0);
    }

    private Promise<Void> end(String namespace, ObjectId id, String reason, int closeCode) {
        ObjectSlot slot = host.existingSlot(new ObjectKey(namespace, id));
        if (slot == null) return Promise.succeeded(host.loop, null);
        return slot.end(reason, closeCode);
    }

    @Override
    public Promise<Void> resetAllState() {
        Promise<Void> done = Promise.on(host.loop);
        host.setResetting(true);
        List<Promise<Void>> ended = new ArrayList<>();
        for (ObjectSlot s : host.allSlots()) ended.add(s.resetForHostReset());
        Promise.all(host.loop, ended).whenComplete((v, e) -> destroyNamespaces(new ArrayList<>(host.deployment.namespaces().keySet()), 0, done));
        return done;
    }

    private void destroyNamespaces(List<String> namespaces, int index, Promise<Void> done) {
        if (index >= namespaces.size()) {
            host.setResetting(false);
            done.complete(null);
            return;
        }
        String ns = namespaces.get(index);
        host.logs.list(ns).whenComplete((ids, e) -> {
            if (e != null) {
                host.setResetting(false);
                done.fail(e);
                return;
            }
            List<Promise<Void>> destroyed = new ArrayList<>();
            for (ObjectId id : ids) destroyed.add(host.logs.open(ns, id).destroy());
            Promise.all(host.loop, destroyed).whenComplete((v, e2) -> {
                if (e2 != null) {
                    host.setResetting(false);
                    done.fail(e2);
                    return;
                }
                destroyNamespaces(namespaces, index + 1, done);
            });
        });
    }

    @Override
    public Optional<ActivationInfo> activationInfo(String namespace, ObjectId id) {
        return host.info(namespace, id);
    }
}
