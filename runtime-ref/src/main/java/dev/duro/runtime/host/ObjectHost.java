package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.Loop;
import dev.duro.model.world.World;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.edge.ClientSockets;
import dev.duro.runtime.edge.ObjectEndpoint;
import dev.duro.runtime.ids.ObjectIds;
import dev.duro.runtime.log.LogStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * Runs the objects of one node: activation, the input and output gates, write coalescing, resets,
 * alarms, hibernatable WebSockets, eviction and the test hooks (docs/runtime.md).
 *
 * <p>Everything runs on {@code world.loop()}: no locks, no threads. Per object the host keeps an
 * {@link ObjectSlot} (event queue, WebSocket registry, alarm timer: what outlives one activation)
 * and at most one {@link Activation} (store, instance, gates: what a reset or eviction drops).
 *
 * <p>Life on a node: construct, {@link #attachClientSockets}, {@link #start()} (re-arms persisted
 * alarms), then serve {@link #fetch} and WebSocket events. A crash loses the host with the node's
 * memory; the restarted node builds a new one on the same disk and calls {@code start()} again.
 */
public final class ObjectHost implements ObjectEndpoint {
    final World world;
    final Loop loop;
    final Deployment deployment;
    final LogStore logs;
    final RuntimeConfig config;
    final StoreEngine engine;

    private final TreeMap<ObjectKey, ObjectSlot> slots = new TreeMap<>();
    private final Map<String, ObjectIds> idsByNamespace = new LinkedHashMap<>();
    // Learned from the first instance built per namespace (keys are strings: never iterated for output).
    private final Map<String, Boolean> alarmCapable = new HashMap<>();
    private final Entropy evictEntropy;
    final Entropy idEntropy;
    private final HostTestHooks testHooks;
    private long lastEpoch;
    private long lastSocketId;
    private ClientSockets clientSockets;
    private boolean resetting;
    private boolean started;
    private BiPredicate<String, ObjectId> takenOver = (namespace, id) -> false;
    /** The cluster this host is a member of, for location hints; null on a single node. */
    private ClusterConfig cluster;
    /** Where objects' stub calls go: this host on a single node; in a cluster the router, to the callee's owner. */
    private ObjectEndpoint stubRoute;

    public ObjectHost(World world, Deployment deployment, LogStore logs, RuntimeConfig config) {
        this(world, deployment, logs, config, new ObjectStoreEngine(world, config));
    }

    ObjectHost(World world, Deployment deployment, LogStore logs, RuntimeConfig config, StoreEngine engine) {
        this.world = world;
        this.loop = world.loop();
        this.deployment = deployment;
        this.logs = logs;
        this.config = config;
        this.engine = engine;
        for (NamespaceBinding b : deployment.namespaces().values()) {
            idsByNamespace.put(b.name(), new ObjectIds(b.name(), deployment.secret()));
        }
        this.evictEntropy = world.entropy().derive("host/evict");
        this.idEntropy = world.entropy().derive("host/unique-ids");
        this.testHooks = new HostTestHooks(this);
    }

    /**
     * Call once after construction (on the loop), after every node (re)start: lists every object
     * with a log, recovers each in turn (no constructor runs), arms its persisted alarm, and lets it
     * go again. Objects that receive an event meanwhile simply stay active.
     */
    public void start() {
        Invariants.check(!started, "ObjectHost.start() called twice");
        started = true;
        List<String> namespaces = new ArrayList<>(deployment.namespaces().keySet());
        rearmNamespaces(namespaces, 0, 0);
    }

    private void rearmNamespaces(List<String> namespaces, int index, int attempt) {
        if (index >= namespaces.size()) return;
        String ns = namespaces.get(index);
        logs.list(ns).whenComplete((ids, failure) -> {
            if (failure != null) {
                // Alarms must not be lost: try the listing again later.
                world.trace().record("host-rearm-retry", "namespace=" + ns + " cause=" + word(failure));
                loop.schedule(backoffNanos(attempt), () -> rearmNamespaces(namespaces, index, attempt + 1));
                return;
            }
            rearmObjects(ns, ids, 0, () -> rearmNamespaces(namespaces, index + 1, 0));
        });
    }

    private void rearmObjects(String ns, List<ObjectId> ids, int index, Runnable then) {
        if (index >= ids.size()) {
            then.run();
            return;
        }
        ObjectSlot slot = slot(new ObjectKey(ns, ids.get(index)));
        slot.probeAlarm(0).whenComplete((v, e) -> rearmObjects(ns, ids, index + 1, then));
    }

    long backoffNanos(int attempt) {
        long ms = config.alarmRetryInitialMs() << Math.min(attempt, 10);
        return ms * 1_000_000L;
    }

    public TestHooks testHooks() {
        return testHooks;
    }

    @Override
    public void attachClientSockets(ClientSockets sink) {
        this.clientSockets = sink;
    }

    ClientSockets clientSockets() {
        return clientSockets;
    }

    /**
     * Routes the calls objects make through stubs via {@code route} (in a cluster the router, so a
     * callee runs at its owner and is never activated here while another node owns it). Calls of
     * one stub are then sent one at a time, in order, since forwards may overtake each other.
     */
    public void routeStubsThrough(ObjectEndpoint route) {
        this.stubRoute = java.util.Objects.requireNonNull(route, "route");
    }

    /** The stub route, or null when stubs call this host directly (a single node). */
    ObjectEndpoint stubRoute() {
        return stubRoute;
    }

    @Override
    public Promise<Response> fetch(String namespace, ObjectId id, Request request) {
        ObjectSlot slot;
        try {
            slot = slotFor(namespace, id);
        } catch (DuroException e) {
            return Promise.failed(loop, e);
        }
        return slot.submitFetch(request);
    }

    @Override
    public void webSocketMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        ObjectSlot slot = slots.get(new ObjectKey(namespace, id));
        if (slot == null || !slot.receiveSocketMessage(socketId, message)) {
            unknownSocket(namespace, id, socketId);
        }
    }

    @Override
    public void webSocketClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean) {
        ObjectSlot slot = slots.get(new ObjectKey(namespace, id));
        if (slot != null) slot.receiveSocketClose(socketId, code, reason, wasClean);
    }

    private void unknownSocket(String namespace, ObjectId id, long socketId) {
        // The socket is gone (closed, or lost with a crash): tell the client instead of dropping silently.
        if (clientSockets != null) {
            clientSockets.close(namespace, id, socketId, 1011, "unknown socket");
        }
    }

    /** The slot of a valid object; throws UNKNOWN_NAMESPACE / INVALID_ID. */
    ObjectSlot slotFor(String namespace, ObjectId id) {
        deployment.namespace(namespace);
        if (!ids(namespace).belongs(id)) {
            throw new DuroException(ErrorCode.INVALID_ID, "object id " + id.hex() + " does not belong to namespace '"
                    + namespace + "'; make ids with that namespace's idFromName/newUniqueId/idFromString");
        }
        return slot(new ObjectKey(namespace, id));
    }

    /** The object's slot, made if there is none (it holds nothing or was forgotten). */
    ObjectSlot slot(ObjectKey key) {
        ObjectSlot s = slots.get(key);
        if (s == null) {
            s = new ObjectSlot(this, key, deployment.namespace(key.namespace()).factory());
            slots.put(key, s);
        }
        return s;
    }

    ObjectSlot existingSlot(ObjectKey key) {
        return slots.get(key);
    }

    ObjectIds ids(String namespace) {
        ObjectIds ids = idsByNamespace.get(namespace);
        if (ids == null) deployment.namespace(namespace); // throws UNKNOWN_NAMESPACE with the list
        return ids;
    }

    /** Drops a slot that holds nothing any more (no activation, queue, sockets, alarm). */
    void forget(ObjectSlot slot) {
        ObjectSlot removed = slots.remove(slot.key);
        Invariants.check(removed == slot, "forgot a slot that was not registered: %s", slot.key);
    }

    List<ObjectSlot> allSlots() {
        return new ArrayList<>(slots.values());
    }

    long nextEpoch() {
        return ++lastEpoch;
    }

    long nextSocketId() {
        return ++lastSocketId;
    }

    boolean resetting() {
        return resetting;
    }

    void setResetting(boolean on) {
        resetting = on;
        if (!on) {
            for (ObjectSlot s : allSlots()) s.ensureActiveIfNeeded();
        }
    }

    /** Null when unknown (no instance built yet in this namespace). */
    Boolean alarmCapable(String namespace) {
        return alarmCapable.get(namespace);
    }

    void learnAlarmCapable(String namespace, boolean capable) {
        alarmCapable.put(namespace, capable);
    }

    long drawEvictDelayMs() {
        long span = config.evictIdleMaxMs() - config.evictIdleMinMs();
        return config.evictIdleMinMs() + (span == 0 ? 0 : evictEntropy.nextLong(span + 1));
    }

    /** {@code id=<hex> epoch=<n>} plus {@code rest}: the shape every RuntimeTrace detail has. */
    void trace(String kind, ObjectKey key, long epoch, String rest) {
        world.trace().record(kind, "id=" + key.id().hex() + " epoch=" + epoch + (rest.isEmpty() ? "" : " " + rest));
    }

    // ---------------------------------------------------------------- ownership (cluster)

    /**
     * Makes sure the host knows {@code id}'s persisted alarm: if nothing of the object is in memory,
     * recovers it for no event (no constructor runs), which arms its alarm, and lets it go again, as
     * {@link #start()} does for every object. A node that now owns objects it did not (a failover)
     * calls this so their alarms fire without waiting for a request. Completes when the attempt
     * ended (a failed recovery is retried in the background with backoff).
     */
    public Promise<Void> activate(String namespace, ObjectId id) {
        ObjectKey key = new ObjectKey(namespace, id);
        if (slots.containsKey(key)) return Promise.succeeded(loop, null); // in memory: its alarm is known
        try {
            return slotFor(namespace, id).probeAlarm(0);
        } catch (DuroException e) {
            return Promise.failed(loop, e);
        }
    }

    /**
     * Objects of {@code namespace} this host holds in memory (an activation, a known alarm, sockets
     * or queued events), ordered by id.
     */
    public List<ObjectId> residentObjects(String namespace) {
        List<ObjectId> out = new ArrayList<>();
        for (ObjectKey k : slots.keySet()) {
            if (k.namespace().equals(namespace)) out.add(k.id());
        }
        return out;
    }

    /**
     * Lets go of {@code id} because another node owns it now: an activation still recovering stops
     * electing at once (what waits for it is refused, UNAVAILABLE); a live one ends once its writes
     * so far are durable (events running fail with RESET; sockets close with 1001 so their clients
     * reconnect to the owner; traced {@code obj-evict reason=moved}), and its alarm is forgotten here
     * (the owner arms it from the log), so the lease lapses and nothing here competes for the
     * object. Completes when no activation of it is in memory.
     */
    public Promise<Void> release(String namespace, ObjectId id) {
        ObjectSlot slot = slots.get(new ObjectKey(namespace, id));
        if (slot == null) return Promise.succeeded(loop, null);
        slot.disarmAlarm();
        // Events still waiting for an activation would start one here again and win the object back
        // from its owner: refuse them (nothing ran), so their callers retry and reach the owner.
        slot.refuseQueued(movedAway(namespace, id), false);
        // A recovery still electing would compete with the owner until its election ends: stop it.
        slot.abandonRecovery(movedAway(namespace, id));
        Promise<Void> done = Promise.on(loop);
        slot.end("moved", 1001).whenComplete((v, e) -> {
            slot.refuseQueued(movedAway(namespace, id), false);
            // an alarm attempt the eviction cut short may have scheduled a retry meanwhile
            slot.disarmAlarm();
            slot.maybeForget();
            done.complete(null);
        });
        return done;
    }

    private static DuroException movedAway(String namespace, ObjectId id) {
        return new MovedAwayException("object " + id.hex() + " of " + namespace
                + " moved to another node before this request ran; nothing ran: retry and the cluster routes it to the owner");
    }

    /**
     * Which objects this host runs as a failover owner (it is not their first-ranked replica), for
     * the planted bug {@link dev.duro.runtime.PlantedBug#DROP_ALARM_ON_FAILOVER} only: with it on,
     * their recovered alarms are not armed. Without the bug the host never asks.
     */
    public void setTakenOver(BiPredicate<String, ObjectId> takenOver) {
        this.takenOver = java.util.Objects.requireNonNull(takenOver, "takenOver");
    }

    /**
     * Tells a cluster member's host its cluster, so ids its objects mint are located where it runs
     * and location hints are checked against the cluster's locations (docs/cluster.md "Locations").
     */
    public void setCluster(ClusterConfig cluster) {
        this.cluster = java.util.Objects.requireNonNull(cluster, "cluster");
    }

    /** This member's location, or null (a single node, or a cluster without locations). */
    String location() {
        return cluster == null ? null : cluster.locationOf(world.self()).orElse(null);
    }

    /** {@code hint} if the cluster has that location; else INVALID_LOCATION naming the ones it has. */
    String requireLocation(String hint) {
        if (cluster == null) {
            throw new DuroException(ErrorCode.INVALID_LOCATION, "unknown location hint "
                    + (hint == null ? "null" : "'" + hint + "'") + ": a single node has no locations (give none)");
        }
        return cluster.requireLocation(hint);
    }

    boolean takenOver(ObjectKey key) {
        return takenOver.test(key.namespace(), key.id());
    }

    /** Test-hook helpers live in {@link HostTestHooks}; these are its entry points into the slots. */
    <T> Promise<T> runInObject(String namespace, ObjectId id,
                               BiFunction<dev.duro.model.object.ObjectContext, dev.duro.model.object.DurableObject, Promise<T>> fn) {
        ObjectSlot slot;
        try {
            slot = slotFor(namespace, id);
        } catch (DuroException e) {
            return Promise.failed(loop, e);
        }
        return slot.submitRunInObject(fn);
    }

    Optional<ActivationInfo> info(String namespace, ObjectId id) {
        ObjectSlot s = slots.get(new ObjectKey(namespace, id));
        return s == null ? Optional.empty() : Optional.of(s.info());
    }

    /** A one-word summary of a failure for trace details (values contain no spaces). */
    static String word(Throwable t) {
        String name = t instanceof DuroException d ? d.code().name() : t.getClass().getSimpleName();
        return name.replace(' ', '_');
    }
}
