package dev.duro.scenarios.testkit;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.Deployment;
import dev.duro.client.GatewayClient;
import dev.duro.runtime.host.ActivationInfo;
import dev.duro.runtime.host.ObjectHost;
import dev.duro.runtime.host.TestHooks;
import dev.duro.runtime.node.DuroNode;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.node.NoDiskDevice;
import dev.duro.sim.node.SimulatedNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tests for your own Durable Objects, on the real runtime, in a deterministic simulation.
 *
 * <p>The kit boots a {@link Simulation} with one {@link DuroNode} (on a simulated disk, so
 * {@link #crashAndRestart()} loses exactly what was not fsynced) and a client node that talks to it
 * through the real gateway protocol. Every method runs the simulation until its answer arrives, in
 * virtual time and bounded by {@link Builder#maxWait}; nothing waits on the real clock, so alarms,
 * idle eviction and timeouts happen when you {@link #advance} time. The same seed gives the same
 * run ({@link #traceDigest()}).
 *
 * <pre>{@code
 * ObjectTestKit kit = ObjectTestKit.builder().namespace("COUNTERS", Counter::new).build();
 * assertThat(kit.fetchText("COUNTERS", "c", Request.post("/inc", ""))).isEqualTo("1");
 * kit.crashAndRestart();
 * assertThat(kit.fetchText("COUNTERS", "c", Request.get("/get"))).isEqualTo("1");
 * }</pre>
 *
 * <p>Not thread-safe; use one kit per test.
 */
public final class ObjectTestKit {
    private static final NodeId SERVER = NodeId.of(0);

    private final Simulation sim;
    private final DuroNode duro;
    private final SimulatedNode server;
    private final SimulatedNode clientNode;
    private final List<GatewayClient> clients = new ArrayList<>();
    private final long callTimeoutNanos;
    private final SimDriver driver;

    private ObjectTestKit(Builder b) {
        sim = new Simulation(Simulation.Options.seed(b.seed));
        duro = new DuroNode(new Deployment(b.secret, b.bindings), b.config);
        server = sim.addNode(duro, (id, entropy) -> new SimDiskDevice(DiskFaultConfig.none(), entropy));
        clientNode = sim.addNode(w -> clients.add(new GatewayClient(w)), NoDiskDevice.FACTORY);
        callTimeoutNanos = b.callTimeout.toNanos();
        driver = new SimDriver(sim, clientNode, b.maxWait.toNanos(), b.settle.toNanos());
        sim.startAll();
        driver.advanceNanos(Simulation.millis(1));
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ requests

    /** Sends {@code request} to the object {@code name} of {@code namespace}; throws the {@link DuroException} the caller gets on error. */
    public Response fetch(String namespace, String name, Request request) {
        return await(() -> client().fetch(SERVER, namespace, name, request, callTimeoutNanos));
    }

    /** {@link #fetch} and the body as text. */
    public String fetchText(String namespace, String name, Request request) {
        return fetch(namespace, name, request).bodyText();
    }

    /** {@code GET path}, body as text. */
    public String get(String namespace, String name, String path) {
        return fetchText(namespace, name, Request.get(path));
    }

    /**
     * Starts a request without running the simulation, for concurrent requests; collect the
     * answers with {@link #await(Promise)} or {@link #advance}.
     */
    public Promise<Response> fetchAsync(String namespace, String name, Request request) {
        return onClient(() -> client().fetch(SERVER, namespace, name, request, callTimeoutNanos));
    }

    /** Sends by id (hex), as a client holding an id would; bad ids fail with INVALID_ID. */
    public Response fetchById(String namespace, String idHex, Request request) {
        return await(() -> client().fetchById(SERVER, namespace, idHex, request, callTimeoutNanos));
    }

    /** Runs the simulation until {@code promise} completes (bounded) and returns its value or throws its failure. */
    public <T> T await(Promise<T> promise) {
        return driver.await(promise);
    }

    // ------------------------------------------------------------------ inside the object

    /**
     * Runs {@code fn} inside the object as one event (activating it, constructor first, if needed)
     * with its context and instance, and returns its result once the writes it made are durable.
     * An exception or assertion error thrown by {@code fn} is rethrown here as is.
     */
    public <O extends DurableObject, T> T runInObject(String namespace, String name, Class<O> type,
                                                      BiFunction<ObjectContext, O, T> fn) {
        Throwable[] thrown = new Throwable[1];
        Promise<T> p = onServerPromise(hooks -> hooks.runInObject(namespace, id(namespace, name), (ctx, obj) -> {
            try {
                return ctx.completed(fn.apply(ctx, type.cast(obj)));
            } catch (Throwable t) {
                thrown[0] = t;
                return ctx.failed(t instanceof RuntimeException r ? r : new RuntimeException(t));
            }
        }));
        driver.runUntil(p::isDone, "waiting for runInObject");
        if (thrown[0] != null) throw SimDriver.rethrow(thrown[0]);
        if (p.isFailed()) throw SimDriver.rethrow(p.failure());
        return p.value();
    }

    /** {@link #runInObject(String, String, Class, BiFunction)} for any object class. */
    public <T> T runInObject(String namespace, String name, BiFunction<ObjectContext, DurableObject, T> fn) {
        return runInObject(namespace, name, DurableObject.class, fn);
    }

    /** As {@link #runInObject(String, String, BiFunction)}, for code that waits: {@code fn} returns a promise. */
    public <T> T runInObjectAsync(String namespace, String name, BiFunction<ObjectContext, DurableObject, Promise<T>> fn) {
        return await(onServerPromise(hooks -> hooks.runInObject(namespace, id(namespace, name), fn)));
    }

    // ------------------------------------------------------------------ test hooks

    /** Runs the object's alarm now, whatever its time; false if it has none. Success clears it; failure schedules a retry. */
    public boolean fireAlarmNow(String namespace, String name) {
        return await(onServerPromise(hooks -> hooks.fireAlarmNow(namespace, id(namespace, name))));
    }

    /** The object's alarm (wall ms), read inside the object. */
    public Optional<Long> getAlarm(String namespace, String name) {
        return runInObject(namespace, name, (ctx, obj) -> ctx.storage().getAlarm());
    }

    /** Every object of {@code namespace} with durable state. */
    public List<ObjectId> listIds(String namespace) {
        return await(onServerPromise(hooks -> hooks.listIds(namespace)));
    }

    /** Ends the object's activation once its writes are durable: memory is lost, sockets close (1001); the next event re-runs the constructor. */
    public void evict(String namespace, String name) {
        await(onServerPromise(hooks -> hooks.evict(namespace, id(namespace, name))));
    }

    /** As {@link #evict}, but WebSockets stay open; the next message wakes the object (constructor re-run). */
    public void hibernate(String namespace, String name) {
        await(onServerPromise(hooks -> hooks.hibernate(namespace, id(namespace, name))));
    }

    /** Wipes every object: activations, storage, alarms, sockets. For a clean slate between tests sharing a kit. */
    public void resetAllState() {
        await(onServerPromise(TestHooks::resetAllState));
    }

    /** What the host knows of the object (epoch, state, queued events, sockets, alarm); empty if nothing. */
    public Optional<ActivationInfo> activationInfo(String namespace, String name) {
        return await(onServerPromise(hooks -> Promise.succeeded(server.world().loop(),
                hooks.activationInfo(namespace, id(namespace, name)))));
    }

    // ------------------------------------------------------------------ time, crashes, sockets

    /** Advances virtual time by {@code duration}, running everything due (alarms, retries, eviction, timeouts). */
    public void advance(Duration duration) {
        driver.advanceNanos(duration.toNanos());
    }

    /** The node's wall clock in ms (what {@code ctx.nowMillis()} and alarms use). */
    public long nowMillis() {
        return server.world().clock().wallMillis();
    }

    /**
     * Crashes the node (memory and unsynced disk writes are lost; acknowledged writes are not) and
     * starts it again. Persisted alarms are re-armed; open WebSockets break (1006 on the client
     * after its idle timeout).
     */
    public void crashAndRestart() {
        server.crash();
        driver.advanceNanos(Simulation.millis(1));
        server.restart();
        driver.advanceNanos(Simulation.millis(1));
    }

    /** Opens a WebSocket to the object (a GET upgrade to {@code /}). Fails like {@link #fetch} if the object refuses. */
    public TestWebSocket connectWebSocket(String namespace, String name) {
        return connectWebSocket(namespace, name, Request.webSocketUpgrade("/"));
    }

    /** Opens a WebSocket with your own upgrade request (path, headers). */
    public TestWebSocket connectWebSocket(String namespace, String name, Request upgrade) {
        TestWebSocket ws = new TestWebSocket(driver);
        ws.socket = driver.await(() -> client().connect(SERVER, namespace, name, upgrade, ws.listener(), callTimeoutNanos));
        return ws;
    }

    /** The id {@code idFromName(name)} gives in {@code namespace}. */
    public ObjectId id(String namespace, String name) {
        return new dev.duro.runtime.ids.ObjectIds(namespace, duro.deployment().secret()).fromName(name);
    }

    /** A digest of everything that happened so far: equal for equal seeds and inputs. */
    public String traceDigest() {
        return sim.trace().digestHex();
    }

    /** The simulation, for what the kit does not wrap (fault injection, more nodes). */
    public Simulation simulation() {
        return sim;
    }

    /** The current incarnation's object host. */
    public ObjectHost host() {
        return duro.host();
    }

    /** The client library on the client node (call it on the client's loop, e.g. via {@link #fetchAsync}). */
    public GatewayClient client() {
        return clients.getLast();
    }

    // ------------------------------------------------------------------ running the simulation

    /** Runs {@code action} on the client's loop now (and the tasks due now), returning its result. */
    private <T> T onClient(Supplier<T> action) {
        return driver.onClient(action);
    }

    private <T> Promise<T> onServerPromise(Function<TestHooks, Promise<T>> action) {
        if (!server.isUp()) throw new IllegalStateException("the node is down");
        return driver.runOn(server, () -> action.apply(duro.host().testHooks()));
    }

    private <T> T await(Supplier<Promise<T>> action) {
        return driver.await(action);
    }

    /** Settings of a kit; every one has a default. The call timeout is 30 s (virtual). */
    public static final class Builder extends KitSettings<Builder> {
        private Builder() {
            super("object test kit deployment secret", Duration.ofSeconds(30));
        }

        public ObjectTestKit build() {
            checkBindings();
            return new ObjectTestKit(this);
        }
    }
}
