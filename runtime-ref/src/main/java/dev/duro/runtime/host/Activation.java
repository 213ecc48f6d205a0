package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.AlarmHandler;
import dev.duro.model.object.AlarmInfo;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.edge.ObjectEndpoint;
import dev.duro.runtime.host.StoreEngine.EngineStore;
import dev.duro.runtime.host.StoreEngine.StoreEvents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One activation of one object: its store, its instance, and the two gates.
 *
 * <p>State machine (docs/runtime.md "Activation lifecycle"):
 * <pre>
 *   LOADING --recovered--> LIVE --reset/evict--> CLOSING --appends settled--> CLOSED
 *   LOADING --recovery failed--> CLOSING
 *   LOADING --empty store ready (planted INPUT_GATE_OPEN only)--> EARLY --recovered--> LIVE
 * </pre>
 *
 * <p>Input gate: the slot delivers events only when {@link #canDeliver()}: never while LOADING,
 * never inside {@code blockConcurrencyWhile}. Output gate: {@link #emit} holds every output until
 * the batch sealed when it was produced is durable, releasing in production order.
 */
final class Activation {
    enum State { LOADING, EARLY, LIVE, CLOSING, CLOSED }

    /** The activation lifecycle's legal changes (EARLY only under the planted INPUT_GATE_OPEN). */
    private static final java.util.EnumMap<State, java.util.EnumSet<State>> STATE_CHANGES = new java.util.EnumMap<>(java.util.Map.of(
            State.LOADING, java.util.EnumSet.of(State.EARLY, State.LIVE, State.CLOSING),
            State.EARLY, java.util.EnumSet.of(State.LIVE, State.CLOSING),
            State.LIVE, java.util.EnumSet.of(State.CLOSING),
            State.CLOSING, java.util.EnumSet.of(State.CLOSED),
            State.CLOSED, java.util.EnumSet.noneOf(State.class)));

    private void toState(State next) {
        if (!STATE_CHANGES.get(state).contains(next)) Invariants.check(false, "%s: illegal activation change %s -> %s", key, state, next);
        state = next;
    }

    /** An output waiting for {@code seq} to be durable. */
    private record Output(String kind, long seq, Runnable release, Runnable discard) {
    }

    /** Work to run once {@code seq} is durable, or {@code dropped} if the activation ends first. */
    private record Waiter(Runnable ok, Runnable dropped) {
    }

    /** Hears one store's events; only the activation's current store is listened to. */
    private final class Listener implements StoreEvents {
        boolean active;

        @Override
        public void onWrite(String op) {
            if (active) Activation.this.onWrite(op);
        }

        @Override
        public void onAlarmChanged(Optional<Long> scheduledMillis) {
            if (active) Activation.this.onAlarmChanged(scheduledMillis);
        }
    }

    /** A {@code setTimeout} timer; its task runs as an event of this activation. */
    private final class ObjectTimer implements TimerHandle {
        TimerHandle handle;
        boolean done;

        @Override
        public boolean cancel() {
            if (done) return false;
            done = true;
            timers.remove(this);
            handle.cancel();
            return true;
        }
    }

    final ObjectSlot slot;
    final ObjectHost host;
    final ObjectKey key;
    final long epoch;
    private final Loop loop;
    final HostContext context;
    final HostStorage storage;

    private State state = State.LOADING;
    private boolean opening;
    private EngineStore store;
    /** The object's log once recovery began: fences and leases (cluster), for the output gate. */
    private ObjectLog log;
    /** Why the recovery was abandoned ({@link #abandonRecovery}); null unless it was. */
    private DuroException abandonedBecause;
    private boolean leaseWaiting;
    private Listener listener;
    private DurableObject instance;
    boolean constructing;
    boolean provisionalAlarmSet;
    /** transactionSync nesting: a batch holds whole transactions, so no seal happens inside one. */
    int transactionDepth;

    // Output gate and coalescing.
    private long durableSeq;
    /** The last batch this host sealed; a store sealing on its own would leave outputs waiting forever. */
    private long hostSealedSeq;
    private int inflightSeals;
    private boolean sealScheduled;
    private final ArrayDeque<Output> held = new ArrayDeque<>();
    private final TreeMap<Long, List<Waiter>> afterDurable = new TreeMap<>();
    private Optional<Long> unsealedAlarm; // null: no alarm change since the last seal
    private final TreeMap<Long, Optional<Long>> sealedAlarms = new TreeMap<>();
    /** Closed with alarm changes sealed but not known durable: they may be, so the slot must re-read the log. */
    boolean droppedSealedAlarms;
    /** setAlarm calls so far, same value included (the store reports no change for those). */
    private long alarmSetCalls;
    // The alarm whose handler is running (null: none), and alarmSetCalls when it started.
    private Long runningAlarm;
    private long runningAlarmSetCalls;

    // Events in flight: delivered, not answered yet. Failed with RESET if the activation ends.
    private long lastToken;
    private final LinkedHashMap<Long, Consumer<DuroException>> inflight = new LinkedHashMap<>();
    private final IdentityHashMap<Request, HostWebSocket> accepted = new IdentityHashMap<>();
    int pendingCalls;

    // Input gate: blockConcurrencyWhile.
    private int bcwDepth;
    private final List<Promise<?>> bcwResults = new ArrayList<>();
    private final List<TimerHandle> bcwTimeouts = new ArrayList<>();

    private final LinkedHashSet<ObjectTimer> timers = new LinkedHashSet<>();
    private TimerHandle idleTimer;
    private boolean idleCheckScheduled;

    Activation(ObjectSlot slot, long epoch) {
        this.slot = slot;
        this.host = slot.host;
        this.key = slot.key;
        this.epoch = epoch;
        this.loop = host.loop;
        this.storage = new HostStorage(this);
        this.context = new HostContext(this);
    }

    // ---------------------------------------------------------------- recovery

    void begin() {
        trace(RuntimeTrace.RECOVER_BEGIN, "");
        opening = true;
        if (host.config.has(PlantedBug.INPUT_GATE_OPEN)) {
            // Planted bug: serve at once from an empty store, as a runtime without an input gate would.
            Listener early = new Listener();
            host.engine.open(new VolatileEmptyLog(loop), true, early).whenComplete((s, e) -> {
                if (e != null) return;
                if (state != State.LOADING) {
                    s.close();
                    return;
                }
                store = s;
                listener = early;
                early.active = true;
                durableSeq = s.durableSeq();
                hostSealedSeq = s.sealedSeq();
                toState(State.EARLY);
                slot.deliverAllNow();
            });
        }
        Listener l = new Listener();
        Promise<EngineStore> opened;
        if (host.world.faultPoints().fire(FAULT_RECOVERY_UNAVAILABLE)) {
            opened = Promise.failed(loop, new DuroException(ErrorCode.UNAVAILABLE, "BUGGIFY: the replicas did not answer the recovery"));
        } else {
            try {
                log = host.logs.open(key.namespace(), key.id());
                opened = host.engine.open(log, true, l);
            } catch (RuntimeException e) {
                opened = Promise.failed(loop, e);
            }
        }
        opened.whenComplete((s, e) -> onOpened(l, s, e));
    }

    /**
     * Another node owns the object now and this activation is still recovering: it stops competing
     * for the object at once (closing its log handle ends the election and fails the recovery),
     * instead of electioneering until its election ends. What waits for the recovery is refused
     * with {@code why}; nothing of it ran.
     */
    void abandonRecovery(DuroException why) {
        if (state != State.LOADING || log == null) return;
        abandonedBecause = why;
        log.close();
    }

    private void onOpened(Listener l, EngineStore s, Throwable failure) {
        opening = false;
        if (state == State.CLOSING || state == State.CLOSED) {
            if (s != null) s.close();
            maybeFinishClose();
            return;
        }
        if (failure != null) {
            trace(RuntimeTrace.RESET, "reason=recover-failed");
            // Fail the waiting events first: closing lets the slot activate again for what is queued.
            slot.onRecovered(this, abandonedBecause != null ? abandonedBecause : failure);
            EngineStore early = store;
            beginClose(1011, "recovery failed", null);
            if (early != null) early.close();
            store = null;
            maybeFinishClose();
            return;
        }
        if (state == State.EARLY) {
            // Planted INPUT_GATE_OPEN: the loaded state replaces what the early events saw and wrote.
            EngineStore early = store;
            listener.active = false;
            sealedAlarms.clear();
            unsealedAlarm = null;
            List<Output> outs = new ArrayList<>(held);
            held.clear();
            for (Output o : outs) release(o);
            early.close();
        }
        store = s;
        listener = l;
        l.active = true;
        durableSeq = s.durableSeq();
        hostSealedSeq = s.sealedSeq();
        toState(State.LIVE);
        trace(RuntimeTrace.RECOVER_END, "seq=" + s.durableSeq() + fenceDetail());
        Optional<Long> recoveredAlarm;
        try {
            recoveredAlarm = s.storage().getAlarm();
        } catch (RuntimeException e) {
            recoveredAlarm = Optional.empty();
        }
        slot.onAlarmRecovered(recoveredAlarm);
        slot.onRecovered(this, null);
        scheduleIdleCheck();
    }

    /** The last batch known durable (the recovered position until the first write is). */
    long durableSeq() {
        return durableSeq;
    }

    boolean isLoading() {
        return state == State.LOADING;
    }

    /** Has a store and may run user code (LIVE, or EARLY under the planted bug). */
    boolean isServing() {
        return state == State.LIVE || state == State.EARLY;
    }

    boolean canDeliver() {
        // A store that failed between events (a batch the log refused) resets before the next event,
        // which then goes to a fresh activation instead of meeting a dead store.
        resetIfStoreFailed();
        return isServing() && (bcwDepth == 0 || host.config.has(PlantedBug.INPUT_GATE_OPEN));
    }

    /** The store reported a failure the host has not acted on yet (its seal callback may still be queued): reset now. */
    private void resetIfStoreFailed() {
        if (isServing() && store != null && store.failed()) storeFailed();
    }

    boolean constructed() {
        return instance != null;
    }

    DurableObject instance() {
        return instance;
    }

    EngineStore store() {
        return store;
    }

    /** Throws RESET for code of an activation that is gone (a replaced instance finds out here). */
    void checkServing() {
        // A store fails outside a seal too (a snapshot, a rollback): reset now, or every storage
        // call of this activation would throw RESET while nothing ever resets it.
        resetIfStoreFailed();
        if (!isServing()) {
            throw new DuroException(ErrorCode.RESET, "this activation of " + key + " (epoch " + epoch
                    + ") has ended (reset or evicted); its storage, sockets and timers are gone");
        }
    }

    // ---------------------------------------------------------------- constructor and events

    /** Runs the constructor as the first event. False if it failed (the head event gets the error). */
    boolean construct() {
        Invariants.check(instance == null && isServing(), "%s: construct twice or while not serving", key);
        beginEvent("construct");
        constructing = true;
        DurableObject obj = null;
        RuntimeException failure = null;
        try {
            obj = slot.factory.create(context);
            if (obj == null) failure = new IllegalStateException("the object factory returned null");
        } catch (RuntimeException e) {
            failure = e;
        }
        constructing = false;
        endEvent();
        if (!isServing()) return false; // the constructor aborted, or its blockConcurrencyWhile failed at once
        if (failure == null) {
            boolean capable = obj instanceof AlarmHandler;
            host.learnAlarmCapable(key.namespace(), capable);
            if (!capable && provisionalAlarmSet) {
                failure = noAlarmHandler(key.namespace());
            }
        }
        if (failure != null) {
            DuroException err = failure instanceof DuroException d && d.code() == ErrorCode.NO_ALARM_HANDLER ? d
                    : new DuroException(ErrorCode.OBJECT_ERROR, "the constructor of " + key + " threw: "
                    + describe(failure), failure);
            QueuedEvent head = slot.pollHeadDeliverable();
            reset("constructor-failed");
            if (head != null) head.reject().accept(err);
            return false;
        }
        instance = obj;
        return true;
    }

    static DuroException noAlarmHandler(String namespace) {
        return new DuroException(ErrorCode.NO_ALARM_HANDLER, "objects of namespace '" + namespace
                + "' have no alarm handler: implement dev.duro.model.object.AlarmHandler to use setAlarm");
    }

    void deliverFetch(Request request, Promise<Response> result) {
        long token = track(result::fail);
        beginEvent("fetch");
        Promise<Response> p = callUser(() -> instance.fetch(request));
        endEvent();
        p.whenComplete((resp, err) -> finishFetch(token, request, resp, err, result));
    }

    private void finishFetch(long token, Request request, Response resp, Throwable err, Promise<Response> result) {
        HostWebSocket ws = accepted.remove(request);
        if (!untrack(token)) {
            if (ws != null) slot.dropSocket(ws);
            return;
        }
        if (err != null) {
            if (ws != null) slot.dropSocket(ws);
            DuroException out = toCallerError(err);
            emit("response", () -> result.fail(out), () -> result.fail(resetError("its output gate broke")));
            scheduleIdleCheck();
            return;
        }
        Response r = resp;
        if (ws != null && r.status() != 101) {
            slot.dropSocket(ws); // accepted but not answered with 101: the socket never opens
            ws = null;
        }
        if (ws != null) {
            TreeMap<String, String> headers = new TreeMap<>(r.headers());
            headers.put(ObjectEndpoint.SOCKET_ID_HEADER, Long.toString(ws.id()));
            r = new Response(r.status(), headers, r.body());
        }
        HostWebSocket opened = ws;
        Response answer = r;
        emit("response", () -> {
            result.complete(answer);
            if (opened != null) opened.opened();
        }, () -> {
            if (opened != null) slot.dropSocket(opened);
            result.fail(resetError("its output gate broke"));
        });
        scheduleIdleCheck();
    }

    <T> void deliverRunInObject(BiFunction<ObjectContext, DurableObject, Promise<T>> fn, Promise<T> result) {
        long token = track(result::fail);
        beginEvent("test");
        Promise<T> p = callUser(() -> fn.apply(context, instance));
        endEvent();
        p.whenComplete((v, err) -> {
            if (!untrack(token)) return;
            if (err != null) {
                Throwable out = err instanceof DuroException ? err : new DuroException(ErrorCode.OBJECT_ERROR, describe(err), err);
                emit("response", () -> result.fail(out), () -> result.fail(resetError("its output gate broke")));
            } else {
                emit("response", () -> result.complete(v), () -> result.fail(resetError("its output gate broke")));
            }
            scheduleIdleCheck();
        });
    }

    /** Timers and responses to the object's own calls: no caller waits, failures stay inside. */
    void deliverSimple(String kind, Runnable body) {
        beginEvent(kind);
        try {
            body.run();
        } catch (RuntimeException ignored) {
            // A timer task threw: nobody to tell (as an uncaught exception in a Workers timer).
        }
        endEvent();
        scheduleIdleCheck();
    }

    void deliverSocketEvent(HostWebSocket ws, HostWebSocket.Incoming in) {
        long token = track(e -> slot.socketEventDone(ws));
        beginEvent(in.close() ? "ws-close" : "ws-message");
        Promise<Void> p;
        WebSocketHandler handler = instance instanceof WebSocketHandler h ? h : null;
        if (handler != null) {
            p = callUser(() -> in.close()
                    ? orDone(handler.webSocketClose(ws, in.code(), in.reason(), in.wasClean()))
                    : handler.webSocketMessage(ws, in.message()));
        } else {
            p = Promise.succeeded(loop, null);
        }
        endEvent();
        p.whenComplete((v, e) -> {
            if (!untrack(token)) return;
            if (e != null && isServing()) {
                socketHandlerFailed(handler, ws, in.close() ? "webSocketClose" : "webSocketMessage", e);
                return;
            }
            slot.socketEventDone(ws);
            scheduleIdleCheck();
        });
    }

    /**
     * A WebSocket handler threw (or its promise failed). Not a reset: that socket alone is closed
     * with 1011 (after the sends made before, through the output gate), then {@code webSocketError}
     * runs as the socket's next event, so the socket stays sequential. Failures of
     * {@code webSocketError} itself are only traced.
     */
    private void socketHandlerFailed(WebSocketHandler handler, HostWebSocket ws, String which, Throwable error) {
        trace(RuntimeTrace.WS_HANDLER_FAILED, "socket=" + ws.id() + " handler=" + which
                + " error=" + error.getClass().getSimpleName());
        if (ws.isOpen()) ws.close(1011, which + " threw");
        long token = track(e -> slot.socketEventDone(ws));
        slot.enqueueBound(this, "ws-error", () -> {
            Promise<Void> p = callUser(() -> orDone(handler.webSocketError(ws, error)));
            p.whenComplete((v, e) -> {
                if (e != null && isServing()) {
                    trace(RuntimeTrace.WS_HANDLER_FAILED, "socket=" + ws.id() + " handler=webSocketError error="
                            + e.getClass().getSimpleName());
                }
                if (!untrack(token)) return;
                slot.socketEventDone(ws);
                scheduleIdleCheck();
            });
        });
    }

    private Promise<Void> orDone(Promise<Void> p) {
        return p == null ? Promise.succeeded(loop, null) : p;
    }

    void deliverAlarm(long atMillis, int retry, Promise<Boolean> hookResult) {
        beginEvent("alarm");
        Optional<Long> current = store.storage().getAlarm();
        if (!current.equals(Optional.of(atMillis))) {
            // Replaced or deleted since the timer fired; the new value has its own timer.
            endEvent();
            slot.alarmAttemptFinished(atMillis, retry, true, hookResult);
            return;
        }
        if (!(instance instanceof AlarmHandler handler)) {
            // Persisted by an earlier class that had a handler: nothing can ever run it.
            store.storage().deleteAlarm();
            endEvent();
            sealNow();
            slot.alarmAttemptFinished(atMillis, retry, true, hookResult);
            return;
        }
        long nowMillis = host.world.clock().wallMillis();
        if (nowMillis < atMillis && hookResult == null) {
            // The wall clock went back between the timer and this delivery (a jump, or a restart on a
            // node whose clock is behind): an alarm never runs before its time, so wait again.
            endEvent();
            slot.alarmNotYetDue(atMillis);
            return;
        }
        trace(RuntimeTrace.ALARM_FIRE, "scheduled=" + atMillis + " now=" + nowMillis + " retry=" + retry);
        if (host.config.has(PlantedBug.ALARM_CLEARED_BEFORE_HANDLER)) {
            store.storage().deleteAlarm();
            sealNow();
        }
        long token = track(e -> slot.alarmAttemptFinished(atMillis, retry, false, hookResult));
        long setCallsBefore = alarmSetCalls;
        runningAlarm = atMillis;
        runningAlarmSetCalls = setCallsBefore;
        Promise<Void> p = callUser(() -> orDone(handler.alarm(new AlarmInfo(atMillis, retry))));
        endEvent();
        p.whenComplete((v, e) -> {
            runningAlarm = null;
            resetIfStoreFailed(); // abandons this attempt through its token: the alarm is retried
            if (!untrack(token)) return;
            if (e != null) {
                slot.alarmAttemptFinished(atMillis, retry, false, hookResult);
                scheduleIdleCheck();
                return;
            }
            // Success: clear the alarm unless a new one was set meanwhile, and report once that is durable.
            // A setAlarm of the very same (now past) time counts: it asks to run again.
            boolean setAgain = alarmSetCalls != setCallsBefore;
            if (!setAgain && store.storage().getAlarm().equals(Optional.of(atMillis))) store.storage().deleteAlarm();
            long seq = sealNow();
            long done = track(err -> slot.alarmAttemptFinished(atMillis, retry, false, hookResult));
            afterDurable(seq, () -> {
                if (!untrack(done)) return;
                trace(RuntimeTrace.ALARM_DONE, "scheduled=" + atMillis);
                slot.alarmAttemptFinished(atMillis, retry, true, hookResult);
                if (setAgain) slot.rearmSameAlarm(atMillis);
                scheduleIdleCheck();
            });
        });
    }

    /** Retries exhausted: delete the alarm if it is still the one that failed. */
    void deleteAlarmIfStill(long atMillis, Runnable then) {
        resetIfStoreFailed();
        if (!isServing()) {
            then.run();
            return;
        }
        beginEvent("alarm");
        if (store.storage().getAlarm().equals(Optional.of(atMillis))) store.storage().deleteAlarm();
        endEvent();
        long seq = sealNow();
        afterDurable(seq, then, then);
    }

    private <T> Promise<T> callUser(Supplier<Promise<T>> handler) {
        try {
            Promise<T> p = handler.get();
            return p != null ? p : Promise.failed(loop, new IllegalStateException("the handler returned a null promise"));
        } catch (RuntimeException e) {
            return Promise.failed(loop, e);
        }
    }

    private void beginEvent(String kind) {
        trace(RuntimeTrace.EVENT_BEGIN, "event=" + kind);
    }

    private void endEvent() {
        trace(RuntimeTrace.EVENT_END, "");
    }

    private long track(Consumer<DuroException> onAbandon) {
        long token = ++lastToken;
        inflight.put(token, onAbandon);
        return token;
    }

    /** True if the event was still in flight (not abandoned by a reset). */
    private boolean untrack(long token) {
        return inflight.remove(token) != null;
    }

    void noteActivity() {
        cancelIdleTimer();
    }

    /**
     * What the caller of a failed handler gets: RESET as is; anything else is OBJECT_ERROR (remote).
     * A platform error the object let escape (say KEY_TOO_LARGE) keeps its code in the message,
     * "KEY_TOO_LARGE: key is ...", since the caller's code is OBJECT_ERROR.
     */
    static DuroException toCallerError(Throwable err) {
        if (err instanceof DuroException d && d.code() == ErrorCode.RESET) return d;
        String message = err instanceof DuroException d && d.code() != ErrorCode.OBJECT_ERROR
                ? d.code() + ": " + describe(err) : describe(err);
        return new DuroException(ErrorCode.OBJECT_ERROR, message, err);
    }

    static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    DuroException resetError(String why) {
        return new DuroException(ErrorCode.RESET, "object " + key + " was reset (epoch " + epoch + "): " + why
                + "; it is safe to retry if the operation is idempotent");
    }

    // ---------------------------------------------------------------- coalescing and the output gate

    private void onWrite(String op) {
        if (!isServing()) return;
        trace(RuntimeTrace.WRITE, "op=" + op);
        if (op.equals("set-alarm")) alarmSetCalls++;
        scheduleSeal();
    }

    private void scheduleSeal() {
        if (sealScheduled) return;
        sealScheduled = true;
        // Every write of the current task joins one batch: the seal runs after this task.
        loop.execute(() -> {
            sealScheduled = false;
            if (!isServing()) return;
            sealNow();
            if (isServing()) settleDeferredSeqs();
        });
    }

    /**
     * Outputs produced inside a transaction waited for "the next batch"; if the transaction rolled
     * back and nothing was left to seal, that batch never comes: they wait for the last one instead.
     */
    private void settleDeferredSeqs() {
        long sealed = store.sealedSeq();
        boolean changed = false;
        ArrayDeque<Output> fixed = new ArrayDeque<>();
        for (Output o : held) {
            if (o.seq() > sealed) {
                fixed.add(new Output(o.kind(), sealed, o.release(), o.discard()));
                changed = true;
            } else {
                fixed.add(o);
            }
        }
        if (changed) {
            held.clear();
            held.addAll(fixed);
        }
        while (!afterDurable.isEmpty() && afterDurable.lastKey() > sealed) {
            List<Waiter> ws = afterDurable.pollLastEntry().getValue();
            afterDurable.computeIfAbsent(sealed, k -> new ArrayList<>()).addAll(ws);
            changed = true;
        }
        if (changed && durableSeq >= sealed) onDurable(durableSeq);
    }

    private void onAlarmChanged(Optional<Long> scheduledMillis) {
        if (!isServing()) return;
        if (scheduledMillis.isPresent()) trace(RuntimeTrace.ALARM_SET, "at=" + scheduledMillis.get());
        else trace(RuntimeTrace.ALARM_DELETE, "");
        unsealedAlarm = scheduledMillis;
    }

    /**
     * The platform's rule for {@code getAlarm()} while an alarm's handler runs: the running alarm
     * reads as none unless {@code setAlarm} was called since the handler started. Code that sets an
     * alarm only when none is set (to run work it just stored) must not count on the running one,
     * which is cleared when its handler succeeds, perhaps before it saw that work.
     */
    Optional<Long> visibleAlarm(Optional<Long> stored) {
        if (runningAlarm != null && alarmSetCalls == runningAlarmSetCalls && stored.equals(Optional.of(runningAlarm))) {
            return Optional.empty();
        }
        return stored;
    }

    /** Seals pending writes (if any) and returns the last sealed seq: what an output produced now waits for. */
    long sealNow() {
        EngineStore s = store;
        Invariants.check(s != null && isServing(), "%s: seal without a serving store", key);
        Invariants.check(s.sealedSeq() == hostSealedSeq, "%s: the store sealed batch %s behind the host (host sealed %s)",
                key, s.sealedSeq(), hostSealedSeq);
        if (transactionDepth > 0) {
            // Inside transactionSync: what was written so far becomes the next batch when the turn ends.
            if (!s.hasPendingWrites()) return s.sealedSeq();
            scheduleSeal();
            return s.sealedSeq() + 1;
        }
        if (s.hasPendingWrites()) {
            Promise<Long> p;
            try {
                p = s.seal();
            } catch (RuntimeException e) {
                storeFailed();
                return s.sealedSeq();
            }
            long seq = s.sealedSeq();
            hostSealedSeq = seq;
            trace(RuntimeTrace.SEAL, "seq=" + seq);
            if (unsealedAlarm != null) {
                sealedAlarms.put(seq, unsealedAlarm);
                unsealedAlarm = null;
            }
            inflightSeals++;
            p.whenComplete((v, e) -> {
                // A slow fsync, seen from here: the batch's outputs (and the activation's close) wait longer.
                if (host.world.faultPoints().fire(FAULT_DURABLE_LATE)) {
                    loop.schedule(DURABLE_LATE_NANOS, () -> onSealSettled(s, seq, e));
                } else {
                    onSealSettled(s, seq, e);
                }
            });
        } else if (unsealedAlarm != null) {
            // An alarm change with no write left (rolled back to the same value): effective at the last batch.
            sealedAlarms.merge(s.sealedSeq(), unsealedAlarm, (a, b) -> b);
            unsealedAlarm = null;
            if (durableSeq >= s.sealedSeq()) onDurable(durableSeq);
        }
        Invariants.check(!s.hasPendingWrites() || s.failed(), "%s: writes pending right after a seal", key);
        return s.sealedSeq();
    }

    /** BUGGIFY: the activation hears that a sealed batch settled (durable or failed) late. */
    static final String FAULT_DURABLE_LATE = "host-durable-late";

    /**
     * BUGGIFY: a recovery fails at once with UNAVAILABLE, as when the object's replicas are out of
     * reach: the events queued for it are refused, and an alarm among them must be retried.
     */
    static final String FAULT_RECOVERY_UNAVAILABLE = "host-recovery-unavailable";
    private static final long DURABLE_LATE_NANOS = 30_000_000L;

    private void onSealSettled(EngineStore s, long seq, Throwable failure) {
        inflightSeals--;
        Invariants.check(inflightSeals >= 0, "%s: negative in-flight seals", key);
        if (failure == null) trace(RuntimeTrace.DURABLE, "seq=" + seq);
        if (s == store && isServing()) {
            // Batch seq is durable even if the store failed since (a later append, a snapshot):
            // its outputs may leave; what waits for later batches is discarded by the reset.
            if (failure == null) onDurable(seq);
            if (isServing() && (failure != null || s.failed())) storeFailed();
        }
        maybeFinishClose();
    }

    private void storeFailed() {
        reset("write-failed");
    }

    private void onDurable(long seq) {
        durableSeq = Math.max(durableSeq, seq);
        while (!sealedAlarms.isEmpty() && sealedAlarms.firstKey() <= durableSeq) {
            Optional<Long> value = sealedAlarms.pollFirstEntry().getValue();
            slot.onAlarmWriteDurable(value);
        }
        while (!held.isEmpty() && held.peekFirst().seq() <= durableSeq && isServing()) {
            if (!leaseValid()) {
                awaitLease();
                break;
            }
            release(held.pollFirst());
        }
        while (!afterDurable.isEmpty() && afterDurable.firstKey() <= durableSeq && isServing()) {
            for (Waiter w : afterDurable.pollFirstEntry().getValue()) w.ok().run();
        }
        scheduleIdleCheck();
    }

    /**
     * The output gate: {@code release} runs once every write made before this call is durable,
     * after every earlier output; {@code discard} runs instead if the activation ends first.
     */
    void emit(String kind, Runnable release, Runnable discard) {
        if (!isServing()) {
            discard.run();
            return;
        }
        long seq = sealNow();
        if (!isServing()) {
            discard.run();
            return;
        }
        Output o = new Output(kind, seq, release, discard);
        trace(RuntimeTrace.OUTPUT_HOLD, "kind=" + kind + " seq=" + seq);
        if (host.config.has(PlantedBug.OUTPUT_GATE_OPEN_EARLY) || (held.isEmpty() && durableSeq >= seq && leaseValid())) {
            release(o);
        } else {
            held.addLast(o);
            if (held.size() == 1 && durableSeq >= seq) awaitLease();
        }
    }

    private void release(Output o) {
        trace(RuntimeTrace.OUTPUT, "kind=" + o.kind() + " seq=" + o.seq() + fenceDetail());
        o.release().run();
    }

    /** {@code " fence=<epoch>"} in a cluster; nothing on a single node, whose logs have no fencing. */
    private String fenceDetail() {
        String f = log == null ? "-" : log.fence();
        return f.equals("-") ? "" : " fence=" + f;
    }

    /**
     * Single activation (P3): in a cluster an output may leave only while this owner's lease holds,
     * so a deposed owner cannot answer from stale memory while a new one serves.
     */
    private boolean leaseValid() {
        return log == null || host.config.has(PlantedBug.READ_WITHOUT_LEASE) || log.outputAllowed();
    }

    /** Holds the outputs until the log renews the lease; resets if the epoch was lost meanwhile. */
    private void awaitLease() {
        if (leaseWaiting || log == null) return;
        leaseWaiting = true;
        ObjectLog waitingOn = log;
        Promise<Void> renewed;
        try {
            renewed = waitingOn.awaitOutputAllowed();
        } catch (RuntimeException e) {
            renewed = Promise.failed(loop, e);
        }
        renewed.whenComplete((v, e) -> {
            leaseWaiting = false;
            if (waitingOn != log || !isServing()) return;
            if (e != null) {
                reset("epoch-lost", describe(e));
            } else {
                onDurable(durableSeq);
            }
        });
    }

    void afterDurable(long seq, Runnable ok, Runnable dropped) {
        if (!isServing()) {
            dropped.run();
            return;
        }
        if (durableSeq >= seq) {
            ok.run();
            return;
        }
        afterDurable.computeIfAbsent(seq, k -> new ArrayList<>()).add(new Waiter(ok, dropped));
    }

    void afterDurable(long seq, Runnable ok) {
        afterDurable(seq, ok, () -> { });
    }

    /** {@code storage.sync()}: completes when every write so far is durable. */
    Promise<Void> sync() {
        Promise<Void> p = Promise.on(loop);
        long seq = sealNow();
        afterDurable(seq, () -> p.complete(null), () -> p.fail(resetError("it ended before the writes were durable")));
        return p;
    }

    // ---------------------------------------------------------------- blockConcurrencyWhile, timers, calls

    <T> Promise<T> blockConcurrencyWhile(Supplier<Promise<T>> fn) {
        checkServing();
        Promise<T> out = Promise.on(loop);
        bcwResults.add(out);
        bcwDepth++;
        TimerHandle timeout = loop.schedule(host.config.blockConcurrencyTimeoutMs() * 1_000_000L, () -> {
            if (isServing() && !out.isDone()) reset("bcw-timeout");
        });
        bcwTimeouts.add(timeout);
        Promise<T> p = callUser(fn);
        p.whenComplete((v, e) -> {
            timeout.cancel();
            bcwTimeouts.remove(timeout);
            bcwResults.remove(out);
            if (!isServing()) {
                out.fail(resetError("it ended during blockConcurrencyWhile"));
                return;
            }
            bcwDepth--;
            if (e != null) {
                out.fail(resetError("blockConcurrencyWhile failed: " + describe(e)));
                reset("bcw-failed", "blockConcurrencyWhile failed: " + describe(e));
                return;
            }
            out.complete(v);
            slot.schedulePump();
            scheduleIdleCheck();
        });
        return out;
    }

    TimerHandle setTimeout(long delayMillis, Runnable task) {
        checkServing();
        ObjectTimer t = new ObjectTimer();
        timers.add(t);
        t.handle = loop.schedule(Math.max(0, delayMillis) * 1_000_000L, () -> {
            if (t.done) return;
            t.done = true;
            timers.remove(t);
            slot.enqueueBound(this, "timer", task);
        });
        return t;
    }

    boolean insideBlockConcurrency() {
        return bcwDepth > 0;
    }

    /**
     * A response to one of this activation's outgoing calls: an event, queued behind the input
     * gate, unless the call was made inside blockConcurrencyWhile (then it is part of that work).
     */
    void deliverResume(boolean partOfBlockConcurrency, Runnable body) {
        if (!isServing()) return;
        if (partOfBlockConcurrency) deliverSimple("resume", body);
        else slot.enqueueBound(this, "resume", body);
    }

    boolean hasTimers() {
        return !timers.isEmpty();
    }

    /** {@code ctx.abort}: drop uncommitted writes and reset; the current event fails with RESET. */
    void abort(String reason) {
        checkServing();
        reset("abort");
        throw new DuroException(ErrorCode.RESET, "object " + key + " aborted: " + reason);
    }

    HostWebSocket acceptWebSocket(Request request, List<String> tags) {
        checkServing();
        if (!request.isWebSocketUpgrade()) {
            throw new DuroException(ErrorCode.MALFORMED_REQUEST, "acceptWebSocket needs the upgrade request "
                    + "(GET with header 'upgrade: websocket'), got " + request);
        }
        if (accepted.containsKey(request)) {
            throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "this upgrade request was already accepted");
        }
        if (tags.size() > 10) {
            throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "a WebSocket takes at most 10 tags, got " + tags.size());
        }
        for (String tag : tags) {
            if (tag == null || tag.length() > 256) {
                throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "WebSocket tags are non-null and at most 256 characters"
                        + (tag == null ? "; got null" : "; got one of " + tag.length()));
            }
        }
        HostWebSocket ws = slot.acceptSocket(List.copyOf(tags));
        accepted.put(request, ws);
        return ws;
    }

    // ---------------------------------------------------------------- reset, eviction, idleness

    /** Drops uncommitted writes, fails work in flight and held outputs with RESET, closes sockets (1011). */
    void reset(String reason) {
        reset(reason, null);
    }

    /** As {@link #reset(String)}; {@code detail} (the cause) goes into the callers' RESET messages, not the socket close reason. */
    void reset(String reason, String detail) {
        if (!(state == State.LOADING || isServing())) return;
        trace(RuntimeTrace.RESET, "reason=" + reason);
        beginClose(1011, "object reset (" + reason + ")", detail);
    }

    /** Ends an idle activation whose writes are durable; {@code closeCode} 0 keeps the sockets. */
    void evict(String reason, int closeCode) {
        if (!isServing()) return;
        trace(RuntimeTrace.EVICT, "reason=" + reason);
        beginClose(closeCode, "object evicted", null);
    }

    /** Test hook: end once the writes so far are durable, whatever else is in flight. */
    void evictWhenDurable(String reason, int closeCode) {
        if (!isServing()) return;
        long seq = sealNow();
        afterDurable(seq, () -> evict(reason, closeCode));
    }

    private void beginClose(int socketCloseCode, String why, String detail) {
        toState(State.CLOSING);
        cancelIdleTimer();
        for (ObjectTimer t : new ArrayList<>(timers)) t.cancel();
        for (TimerHandle t : bcwTimeouts) t.cancel();
        bcwTimeouts.clear();
        DuroException err = resetError(detail == null ? why : why + ": " + detail);
        List<Output> outs = new ArrayList<>(held);
        held.clear();
        for (Output o : outs) o.discard().run();
        List<Waiter> waiters = new ArrayList<>();
        for (List<Waiter> ws : afterDurable.values()) waiters.addAll(ws);
        afterDurable.clear();
        for (Waiter w : waiters) w.dropped().run();
        List<Promise<?>> bcws = new ArrayList<>(bcwResults);
        bcwResults.clear();
        for (Promise<?> p : bcws) p.fail(err);
        List<Consumer<DuroException>> abandoned = new ArrayList<>(inflight.values());
        inflight.clear();
        for (Consumer<DuroException> c : abandoned) c.accept(err);
        for (HostWebSocket ws : accepted.values()) slot.dropSocket(ws);
        accepted.clear();
        unsealedAlarm = null;
        droppedSealedAlarms = !sealedAlarms.isEmpty();
        sealedAlarms.clear();
        if (listener != null) listener.active = false;
        slot.onActivationEnding(this, socketCloseCode, why);
        maybeFinishClose();
    }

    private void maybeFinishClose() {
        if (state != State.CLOSING || inflightSeals > 0 || opening) return;
        toState(State.CLOSED);
        if (store != null) store.close();
        slot.onActivationClosed(this);
    }

    boolean isIdle() {
        return isServing() && !slot.hasEventsFor(this) && inflight.isEmpty() && held.isEmpty() && afterDurable.isEmpty()
                && bcwDepth == 0 && pendingCalls == 0 && inflightSeals == 0 && !sealScheduled
                && !store.hasPendingWrites();
    }

    void scheduleIdleCheck() {
        if (idleCheckScheduled || !isServing()) return;
        idleCheckScheduled = true;
        loop.execute(() -> {
            idleCheckScheduled = false;
            checkIdle();
        });
    }

    private void checkIdle() {
        if (state != State.LIVE) return;
        if (!isIdle()) {
            cancelIdleTimer();
            return;
        }
        if (instance == null) {
            evict("probe", 0); // recovered for no event (alarm re-arm, hooks): nothing to keep
            return;
        }
        if (idleTimer != null) return;
        boolean hibernate = timers.isEmpty() && !slot.sockets.isEmpty();
        long delayMs = hibernate ? host.config.hibernateIdleMs() : host.drawEvictDelayMs();
        // An idle object may be evicted at any time; the host merely usually waits.
        if (host.world.faultPoints().fire(FAULT_EVICT_EARLY)) delayMs = EVICT_EARLY_MS;
        idleTimer = loop.schedule(delayMs * 1_000_000L, () -> {
            idleTimer = null;
            if (state == State.LIVE && isIdle()) evict(slot.sockets.isEmpty() ? "idle" : "hibernate", 0);
        });
    }

    /** BUGGIFY: an idle object (hibernating or not) is evicted {@value #EVICT_EARLY_MS} ms after it fell idle. */
    static final String FAULT_EVICT_EARLY = "host-evict-early";
    private static final long EVICT_EARLY_MS = 1;

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    void trace(String kind, String rest) {
        host.trace(kind, key, epoch, rest);
    }

    @Override
    public String toString() {
        return "Activation[" + key + " epoch " + epoch + " " + state + "]";
    }
}
