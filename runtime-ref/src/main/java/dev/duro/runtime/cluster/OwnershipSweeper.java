package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.host.ObjectHost;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Moves objects with the failure detector's view (docs/cluster.md, "Routing and failover"). On
 * every change of view, and every {@link RoutingOptions#sweepIntervalNanos()} besides:
 * <ol>
 *   <li>objects in this host's memory that this node no longer prefers to own are released
 *       (their activation ends once its writes are durable, so its lease lapses and the new owner
 *       wins the next epoch quickly; their alarm timers are dropped here);</li>
 *   <li>objects this node holds a replica of and now prefers to own are activated for no event,
 *       so their persisted alarms are armed without waiting for a request. Each is activated once
 *       per view: the periodic sweep only picks up those not yet claimed (replicas that arrived
 *       since, or activations that failed).</li>
 * </ol>
 * The planted {@link PlantedBug#DROP_ALARM_ON_FAILOVER} skips step 2.
 */
final class OwnershipSweeper {
    static final String TRACE_SWEEP = "cluster-sweep";

    private final World world;
    private final RuntimeConfig config;
    private final List<String> namespaces;
    private final ObjectHost host;
    private final NodeStorage storage;
    private final Router router;
    private final long intervalNanos;
    /** Objects activated since the last change of view (they know their alarms), by namespace and id. */
    private final TreeSet<String> claimed = new TreeSet<>();
    private boolean running;
    private boolean again;

    OwnershipSweeper(World world, RuntimeConfig config, List<String> namespaces, ObjectHost host, NodeStorage storage,
                     Router router, long intervalNanos) {
        this.world = world;
        this.config = config;
        this.namespaces = List.copyOf(namespaces);
        this.host = host;
        this.storage = storage;
        this.router = router;
        this.intervalNanos = intervalNanos;
    }

    void start() {
        world.loop().schedule(intervalNanos, this::periodic);
    }

    private void periodic() {
        sweep();
        world.loop().schedule(intervalNanos, this::periodic);
    }

    /** The view changed: every object this node now owns is activated again. */
    void viewChanged() {
        claimed.clear();
        world.loop().execute(this::sweep);
    }

    private void sweep() {
        if (running) {
            again = true; // one more pass once this one is done
            return;
        }
        running = true;
        again = false;
        int released = 0;
        for (String ns : namespaces) {
            for (ObjectId id : host.residentObjects(ns)) {
                if (!router.ownsHere(ns, id)) {
                    host.release(ns, id);
                    released++;
                }
            }
        }
        if (released > 0) world.trace().record(TRACE_SWEEP, "released=" + released);
        if (config.has(PlantedBug.DROP_ALARM_ON_FAILOVER)) {
            finish(); // planted: objects taken over are not activated, so their alarms wait for a request
            return;
        }
        claimNamespace(0);
    }

    private void claimNamespace(int index) {
        if (index >= namespaces.size()) {
            finish();
            return;
        }
        String ns = namespaces.get(index);
        storage.replicatedObjects(ns).whenComplete((ids, failure) -> {
            if (failure != null) {
                // the next periodic sweep tries again
                world.trace().record(TRACE_SWEEP, "namespace=" + ns + " list-failed=" + failure.getClass().getSimpleName());
                claimNamespace(index + 1);
                return;
            }
            List<ObjectId> mine = new ArrayList<>();
            for (ObjectId id : ids) {
                if (router.ownsHere(ns, id) && claimed.add(ns + "/" + id.hex())) mine.add(id);
            }
            if (!mine.isEmpty()) world.trace().record(TRACE_SWEEP, "namespace=" + ns + " activating=" + mine.size());
            activate(ns, mine, 0, () -> claimNamespace(index + 1));
        });
    }

    /** One at a time, as the host's start does: a failover must not recover every object at once. */
    private void activate(String ns, List<ObjectId> ids, int index, Runnable then) {
        if (index >= ids.size()) {
            then.run();
            return;
        }
        ObjectId id = ids.get(index);
        Promise<Void> done = router.ownsHere(ns, id) ? host.activate(ns, id) : Promise.succeeded(world.loop(), null);
        done.whenComplete((v, e) -> {
            if (e != null) claimed.remove(ns + "/" + id.hex()); // try again next sweep
            activate(ns, ids, index + 1, then);
        });
    }

    private void finish() {
        running = false;
        if (again) world.loop().execute(this::sweep);
    }
}
