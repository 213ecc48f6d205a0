package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterMessage.Activate;
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
 * After a change of view (and at the first pass after a start), objects this node holds but another node now owns are pointed out to
 * that owner ({@code Activate}): it may lack a copy (it missed writes a majority acknowledged) and
 * so not find the object in its own listing. The planted {@link PlantedBug#DROP_ALARM_ON_FAILOVER}
 * skips step 2 and these hints.
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
    /** The pass running (or next) follows a change of view: hint other owners too. */
    private boolean afterViewChange;

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
        // A start is a change of view too: after a restart of the whole cluster every detector
        // trusts every member from the outset, so no change of view would ever send the hints, and
        // an owner whose listing lacks an object would leave its alarms waiting for a request.
        afterViewChange = true;
        world.loop().schedule(intervalNanos, this::periodic);
    }

    /** BUGGIFY: a periodic pass forgets which objects it already activated (a cache dropped): they are activated again. */
    static final String FAULT_CLAIMS_FORGOTTEN = "cluster-claims-forgotten";
    /** BUGGIFY: a periodic pass points objects out to their owners again although the view did not change (duplicate hints). */
    static final String FAULT_HINT_AGAIN = "cluster-hint-again";

    /** BUGGIFY: an object this node no longer prefers to own stays live here until a later pass (a slow release). */
    static final String FAULT_RELEASE_LATE = "cluster-release-late";

    private void periodic() {
        if (world.faultPoints().fire(FAULT_CLAIMS_FORGOTTEN)) claimed.clear();
        if (world.faultPoints().fire(FAULT_HINT_AGAIN)) afterViewChange = true;
        sweep();
        world.loop().schedule(intervalNanos, this::periodic);
    }

    /** The view changed: every object this node now owns is activated again. */
    void viewChanged() {
        claimed.clear();
        afterViewChange = true;
        world.loop().execute(this::sweep);
    }

    /** Another replica says this node owns the object now: activate it unless this node thinks otherwise, or did. */
    void claim(String namespace, ObjectId id) {
        if (!namespaces.contains(namespace) || !router.ownsHere(namespace, id)) return;
        if (config.has(PlantedBug.DROP_ALARM_ON_FAILOVER)) return;
        if (claimed.add(namespace + "/" + id.hex())) {
            host.activate(namespace, id).whenComplete((v, e) -> {
                if (e != null) claimed.remove(namespace + "/" + id.hex());
            });
        }
    }

    private void sweep() {
        // Releases never wait for a claiming pass: one of its activations may take many election
        // tries (an object this node wanted while cut off), and an object held here against the
        // view keeps its preferred owner from winning it all that time.
        releaseObjectsOwnedElsewhere();
        if (running) {
            again = true; // one more pass once this one is done
            return;
        }
        running = true;
        again = false;
        boolean hint = afterViewChange;
        afterViewChange = false;
        if (config.has(PlantedBug.DROP_ALARM_ON_FAILOVER)) {
            finish(); // planted: objects taken over are not activated, so their alarms wait for a request
            return;
        }
        claimNamespace(0, hint);
    }

    private void releaseObjectsOwnedElsewhere() {
        int released = 0;
        for (String ns : namespaces) {
            for (ObjectId id : host.residentObjects(ns)) {
                if (!router.ownsHere(ns, id)) {
                    // A deposed owner that holds on until the next pass: the new owner's epoch fences it.
                    if (world.faultPoints().fire(FAULT_RELEASE_LATE)) continue;
                    host.release(ns, id);
                    released++;
                }
            }
        }
        if (released > 0) world.trace().record(TRACE_SWEEP, "released=" + released);
    }

    private void claimNamespace(int index, boolean hint) {
        if (index >= namespaces.size()) {
            finish();
            return;
        }
        String ns = namespaces.get(index);
        storage.replicatedObjects(ns).whenComplete((ids, failure) -> {
            if (failure != null) {
                // the next periodic sweep tries again
                world.trace().record(TRACE_SWEEP, "namespace=" + ns + " list-failed=" + failure.getClass().getSimpleName());
                claimNamespace(index + 1, hint);
                return;
            }
            List<ObjectId> mine = new ArrayList<>();
            int hinted = 0;
            for (ObjectId id : ids) {
                NodeId owner = router.preferredOwner(ns, id);
                if (owner.equals(world.self())) {
                    if (claimed.add(ns + "/" + id.hex())) mine.add(id);
                } else if (hint) {
                    world.transport().send(owner, ClusterCodec.encode(new Activate(ns, id)));
                    hinted++;
                }
            }
            if (hinted > 0) world.trace().record(TRACE_SWEEP, "namespace=" + ns + " hinted=" + hinted);
            if (!mine.isEmpty()) world.trace().record(TRACE_SWEEP, "namespace=" + ns + " activating=" + mine.size());
            activate(ns, mine, 0, () -> claimNamespace(index + 1, hint));
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
