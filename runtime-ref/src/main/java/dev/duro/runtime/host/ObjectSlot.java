package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.AlarmHandler;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.util.Invariants;
import dev.duro.model.websocket.AutoResponse;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.TimerHandle;
import dev.duro.runtime.PlantedBug;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Everything the host keeps for one object across activations: the FIFO event queue, the current
 * activation (if any), the WebSocket registry and auto-response (they survive hibernation), and
 * the alarm as known durably with its timer and retry state (they survive eviction).
 */
final class ObjectSlot {
    static final int MAX_SOCKETS = 32_768;

    final ObjectHost host;
    final ObjectKey key;
    final ObjectFactory factory;

    private final ArrayDeque<QueuedEvent> queue = new ArrayDeque<>();
    private int externalQueued;
    /** Body bytes of the requests waiting in {@link #queue}. */
    private long externalQueuedBytes;
    private boolean pumpScheduled;
    private Activation activation;
    private long lastEpoch;
    private final List<Promise<Void>> closedWaiters = new ArrayList<>();
    private final List<Promise<Activation>> recoveredWaiters = new ArrayList<>();

    // WebSockets: in acceptance order.
    final LinkedHashMap<Long, HostWebSocket> sockets = new LinkedHashMap<>();
    /**
     * The log position the object hibernated at with sockets open, or -1. If the next activation
     * recovers another position, another owner ran the object meanwhile (a failover while it slept
     * here): its broadcasts never reached these sockets, so they are closed for their clients to
     * reconnect to the owner and catch up, as sockets close when ownership moves from a live
     * activation. On one node the position cannot move while the object sleeps.
     */
    private long hibernatedAtSeq = -1;
    AutoResponse autoResponse;

    // Alarm, as durably known.
    private Optional<Long> alarm = Optional.empty();
    private TimerHandle alarmTimer;
    private int alarmRetryCount;
    private TimerHandle alarmRetryTimer;
    private boolean alarmRunning;
    private boolean alarmRefire;
    private int probeAttempts;

    ObjectSlot(ObjectHost host, ObjectKey key, ObjectFactory factory) {
        this.host = host;
        this.key = key;
        this.factory = factory;
    }

    // ---------------------------------------------------------------- events in

    Promise<Response> submitFetch(Request request) {
        Promise<Response> result = Promise.on(host.loop);
        if (externalQueued >= host.config.maxQueuedEvents()) {
            result.fail(new DuroException(ErrorCode.OVERLOADED, "object " + key + " has " + externalQueued
                    + " requests waiting (limit " + host.config.maxQueuedEvents() + "); retry later, with backoff"));
            return result;
        }
        long bytes = request.body().length;
        // A lone request is always admitted (the wire caps its size); bytes limit what piles up behind one.
        if (externalQueued > 0 && externalQueuedBytes + bytes > host.config.maxQueuedBytes()) {
            result.fail(new DuroException(ErrorCode.OVERLOADED, "object " + key + " has " + externalQueuedBytes
                    + " bytes of requests waiting; this one (" + bytes + " bytes) would pass the limit of "
                    + host.config.maxQueuedBytes() + "; retry later, with backoff, or send smaller requests"));
            return result;
        }
        enqueue(new QueuedEvent("fetch", true, bytes, null, a -> a.deliverFetch(request, result), result::fail));
        return result;
    }

    <T> Promise<T> submitRunInObject(BiFunction<ObjectContext, DurableObject, Promise<T>> fn) {
        Promise<T> result = Promise.on(host.loop);
        enqueue(new QueuedEvent("test", false, 0, null, a -> a.deliverRunInObject(fn, result), result::fail));
        return result;
    }

    void enqueue(QueuedEvent e) {
        queue.add(e);
        if (e.external()) {
            externalQueued++;
            externalQueuedBytes += e.bytes();
        }
        ensureActiveIfNeeded();
        schedulePump();
    }

    /** Responses and timers of {@code a}; dropped if {@code a} is gone by delivery. */
    void enqueueBound(Activation a, String kind, Runnable body) {
        if (activation != a || !a.isServing()) return;
        queue.add(new QueuedEvent(kind, false, 0, a, x -> x.deliverSimple(kind, body), e -> { }));
        schedulePump();
    }

    void ensureActiveIfNeeded() {
        if (activation == null && !host.resetting() && hasDeliverable(null)) activate();
    }

    private boolean hasDeliverable(Activation a) {
        for (QueuedEvent e : queue) {
            if (e.boundTo() == null || e.boundTo() == a) return true;
        }
        return false;
    }

    void schedulePump() {
        if (pumpScheduled) return;
        pumpScheduled = true;
        host.loop.execute(this::pump);
    }

    /** Delivers at most one event; the next one gets its own task (after this handler's synchronous part). */
    private void pump() {
        pumpScheduled = false;
        Activation a = activation;
        if (a == null || !a.canDeliver()) return;
        QueuedEvent next = null;
        for (Iterator<QueuedEvent> it = queue.iterator(); it.hasNext(); ) {
            QueuedEvent e = it.next();
            if (e.boundTo() != null && e.boundTo() != a) {
                it.remove(); // a dead activation's response or timer
                continue;
            }
            next = e;
            break;
        }
        if (next == null) {
            a.scheduleIdleCheck();
            return;
        }
        if (!a.constructed()) {
            if (!a.construct()) {
                // The constructor failed: the event that woke the object gets the error (see Activation#construct).
                return;
            }
            schedulePump();
            return;
        }
        queue.remove(next);
        uncount(next);
        a.noteActivity();
        next.deliver().accept(a);
        if (!queue.isEmpty()) schedulePump();
        else a.scheduleIdleCheck();
    }

    /** Planted INPUT_GATE_OPEN only: delivers everything queued at once, no gate in between. */
    void deliverAllNow() {
        for (int guard = 0; guard < 10_000 && activation != null && activation.canDeliver() && hasDeliverable(activation); guard++) {
            pump();
        }
    }

    /** Removes and returns the first event any activation may take (the one a failed constructor answers). */
    QueuedEvent pollHeadDeliverable() {
        for (Iterator<QueuedEvent> it = queue.iterator(); it.hasNext(); ) {
            QueuedEvent e = it.next();
            if (e.boundTo() == null) {
                it.remove();
                uncount(e);
                return e;
            }
        }
        return null;
    }

    /** An event left the queue: it no longer counts against the overload limits. */
    private void uncount(QueuedEvent e) {
        if (!e.external()) return;
        externalQueued--;
        externalQueuedBytes -= e.bytes();
        Invariants.check(externalQueued >= 0 && externalQueuedBytes >= 0 && (externalQueued > 0 || externalQueuedBytes == 0),
                "%s: overload counters drifted: %s requests, %s bytes queued", key, externalQueued, externalQueuedBytes);
    }

    boolean hasEventsFor(Activation a) {
        return hasDeliverable(a);
    }

    int queuedEvents() {
        return queue.size();
    }

    // ---------------------------------------------------------------- activation lifecycle

    private void activate() {
        Invariants.check(activation == null, "%s: activate while activation %s exists", key, activation);
        Invariants.check(host.existingSlot(key) == this, "%s: a forgotten slot activates (a callback outlived it)", key);
        long epoch = host.nextEpoch();
        lastEpoch = epoch;
        Activation a = new Activation(this, epoch);
        activation = a;
        a.begin();
    }

    Activation activation() {
        return activation;
    }

    /** Recovery finished (or failed): the activation reports here. */
    void onRecovered(Activation a, Throwable failure) {
        if (activation != a) return;
        if (failure != null) {
            // Replicas out of reach is UNAVAILABLE (nothing ran, retry); anything else (a read that failed) is INTERNAL.
            ErrorCode code = failure instanceof DuroException d && d.code() == ErrorCode.UNAVAILABLE ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL;
            DuroException err = new DuroException(code, "recovering object " + key
                    + " failed, so it cannot run: " + failure.getMessage() + " (the next request tries again)", failure);
            refuseQueued(err, true);
            for (Promise<Activation> w : drain(recoveredWaiters)) w.fail(err);
            return;
        }
        if (hibernatedAtSeq >= 0 && a.durableSeq() != hibernatedAtSeq && !sockets.isEmpty()) {
            closeAllSockets(1001, "the object ran elsewhere while it hibernated here; reconnect to catch up");
        }
        hibernatedAtSeq = -1;
        for (Promise<Activation> w : drain(recoveredWaiters)) w.complete(a);
        schedulePump();
    }

    void onActivationClosed(Activation a) {
        if (activation != a) return;
        activation = null;
        queue.removeIf(e -> e.boundTo() == a);
        for (Promise<Void> w : drain(closedWaiters)) w.complete(null);
        if (hasDeliverable(null)) {
            host.loop.execute(this::ensureActiveIfNeeded);
        } else if (a.droppedSealedAlarms && !host.resetting()) {
            // An alarm change in flight when it ended may have become durable: learn it from the log.
            probeAlarm(0);
        } else {
            maybeForget();
        }
    }

    /** Called as an activation starts closing. {@code closeSocketsCode} 0 keeps the sockets (hibernation). */
    void onActivationEnding(Activation a, int closeSocketsCode, String reason) {
        if (closeSocketsCode != 0) closeAllSockets(closeSocketsCode, reason);
        hibernatedAtSeq = sockets.isEmpty() ? -1 : a.durableSeq();
    }

    private static <T> List<T> drain(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        list.clear();
        return copy;
    }

    /** A promise that completes when no activation is in memory (now, or when the current one closes). */
    Promise<Void> whenInactive() {
        Promise<Void> p = Promise.on(host.loop);
        if (activation == null) p.complete(null);
        else closedWaiters.add(p);
        return p;
    }

    /** The current activation once recovered, activating for no event if needed (alarm re-arm, hooks). */
    Promise<Activation> whenRecovered() {
        Promise<Activation> p = Promise.on(host.loop);
        if (activation == null) {
            if (host.resetting()) {
                p.fail(new DuroException(ErrorCode.RESET, "all state is being reset"));
                return p;
            }
            activate();
        }
        if (activation.isServing()) p.complete(activation);
        else if (activation.isLoading()) recoveredWaiters.add(p);
        else {
            // Closing: wait for it to go, then try again.
            whenInactive().whenComplete((v, e) -> whenRecovered().whenComplete((a, e2) -> {
                if (e2 != null) p.fail(e2);
                else p.complete(a);
            }));
        }
        return p;
    }

    /**
     * Ends the activation once its writes so far are durable (running events fail with RESET);
     * {@code closeCode} 0 keeps the sockets, otherwise they close with it. Completes when no
     * activation is in memory.
     */
    Promise<Void> end(String reason, int closeCode) {
        Activation a = activation;
        if (a == null) {
            if (closeCode != 0) closeSocketsByHook(closeCode, "object evicted");
            return Promise.succeeded(host.loop, null);
        }
        if (a.isLoading()) {
            whenRecovered().whenComplete((recovered, e) -> {
                if (recovered != null) recovered.evictWhenDurable(reason, closeCode);
            });
        } else {
            a.evictWhenDurable(reason, closeCode);
        }
        return whenInactive();
    }

    /**
     * Refuses the queued events no activation has taken ({@code all}: drops the taken ones too,
     * their activation answers them): nothing of them ran.
     */
    void refuseQueued(DuroException err, boolean all) {
        List<QueuedEvent> rejected = new ArrayList<>();
        for (Iterator<QueuedEvent> it = queue.iterator(); it.hasNext(); ) {
            QueuedEvent e = it.next();
            if (e.boundTo() == null) rejected.add(e);
            if (e.boundTo() == null || all) {
                it.remove();
                uncount(e);
            }
        }
        for (QueuedEvent e : rejected) e.reject().accept(err);
    }

    /** Another node owns the object now: a still-recovering activation stops electing ({@link Activation#abandonRecovery}). */
    void abandonRecovery(DuroException why) {
        if (activation != null) activation.abandonRecovery(why);
    }

    /** Another node owns the object now: forget the alarm as known here (the owner arms it from the log). */
    void disarmAlarm() {
        cancelAlarmTimers();
        alarm = Optional.empty();
        alarmRetryCount = 0;
        alarmRefire = false;
    }

    void maybeForget() {
        // The auto-response does not keep a slot: with no socket it answers nothing, and the
        // object's code sets it again in the activation that accepts the next socket.
        if (activation == null && queue.isEmpty() && sockets.isEmpty() && alarm.isEmpty() && alarmTimer == null
                && alarmRetryTimer == null && !alarmRunning && closedWaiters.isEmpty() && recoveredWaiters.isEmpty()
                && host.existingSlot(key) == this) {
            host.forget(this);
        }
    }

    ActivationInfo info() {
        ActivationInfo.State state;
        if (activation == null) state = ActivationInfo.State.INACTIVE;
        else if (activation.isLoading()) state = ActivationInfo.State.LOADING;
        else if (activation.isServing()) state = ActivationInfo.State.ACTIVE;
        else state = ActivationInfo.State.CLOSING;
        return new ActivationInfo(lastEpoch, state, queue.size(), sockets.size(), alarm, alarmRetryCount);
    }

    /** Host-wide reset: ends the activation, forgets sockets, alarms and queued events. */
    Promise<Void> resetForHostReset() {
        DuroException err = new DuroException(ErrorCode.RESET, "object " + key + " was reset with all state (test hook)");
        List<QueuedEvent> rejected = new ArrayList<>(queue);
        queue.clear();
        externalQueued = 0;
        externalQueuedBytes = 0;
        for (QueuedEvent e : rejected) e.reject().accept(err);
        cancelAlarmTimers();
        alarm = Optional.empty();
        alarmRetryCount = 0;
        alarmRunning = false;
        autoResponse = null;
        if (activation != null) activation.reset("test-reset");
        closeAllSockets(1001, "state reset");
        return whenInactive();
    }

    // ---------------------------------------------------------------- WebSockets

    HostWebSocket acceptSocket(List<String> tags) {
        if (sockets.size() >= MAX_SOCKETS) {
            throw new DuroException(ErrorCode.WEBSOCKET_LIMIT, "object " + key + " already has " + sockets.size()
                    + " accepted WebSockets (limit " + MAX_SOCKETS + "); close some first");
        }
        HostWebSocket ws = new HostWebSocket(this, host.nextSocketId(), tags);
        sockets.put(ws.id(), ws);
        return ws;
    }

    void closeSocketsByHook(int code, String reason) {
        closeAllSockets(code, reason);
        maybeForget();
    }

    void dropSocket(HostWebSocket ws) {
        sockets.remove(ws.id());
    }

    private void closeAllSockets(int code, String reason) {
        for (HostWebSocket ws : new ArrayList<>(sockets.values())) {
            ws.closeByPlatform(code, reason);
        }
        sockets.clear();
        // Their events still queued would wake a new activation for sockets the client was told are closed.
        queue.removeIf(e -> e.boundTo() == null && (e.kind().equals("ws-message") || e.kind().equals("ws-close")));
    }

    /** False if the socket is unknown here. */
    boolean receiveSocketMessage(long socketId, WebSocketMessage message) {
        HostWebSocket ws = sockets.get(socketId);
        if (ws == null) return false;
        if (!ws.isOpen()) return true; // the object closed it; its close is on the way to the client
        AutoResponse auto = autoResponse;
        if (auto != null && message instanceof WebSocketMessage.Text t && t.text().equals(auto.request())) {
            // Answered by the host itself: no event, no activation, no storage.
            if (host.clientSockets() != null) {
                host.clientSockets().send(key.namespace(), key.id(), socketId, new WebSocketMessage.Text(auto.response()));
            }
            return true;
        }
        ws.inbox(new HostWebSocket.Incoming(message, 0, null, false, false));
        pumpSocket(ws);
        return true;
    }

    void receiveSocketClose(long socketId, int code, String reason, boolean wasClean) {
        HostWebSocket ws = sockets.get(socketId);
        if (ws == null) return;
        ws.markClosedByClient();
        sockets.remove(socketId);
        ws.inbox(new HostWebSocket.Incoming(null, code, reason, wasClean, true));
        pumpSocket(ws);
    }

    /** One event per socket at a time: the next message waits until the previous handler finished. */
    void pumpSocket(HostWebSocket ws) {
        if (ws.busy()) return;
        HostWebSocket.Incoming in = ws.nextIncoming();
        if (in == null) return;
        ws.setBusy(true);
        String kind = in.close() ? "ws-close" : "ws-message";
        enqueue(new QueuedEvent(kind, false, 0, null, a -> a.deliverSocketEvent(ws, in), e -> socketEventDone(ws)));
    }

    void socketEventDone(HostWebSocket ws) {
        ws.setBusy(false);
        pumpSocket(ws);
    }

    // ---------------------------------------------------------------- alarms

    /** The alarm value after a batch that changed it became durable (user write, or the host clearing it). */
    void onAlarmWriteDurable(Optional<Long> newAlarm) {
        // A new durable value replaces any pending retry.
        cancelAlarmTimers();
        alarmRetryCount = 0;
        alarm = newAlarm;
        newAlarm.ifPresent(this::armAlarm);
        maybeForget();
    }

    /** The alarm as recovered from the log by an activation. */
    void onAlarmRecovered(Optional<Long> recovered) {
        if (recovered.isPresent() && plantedBug(PlantedBug.DROP_ALARM_ON_FAILOVER) && host.takenOver(key)) {
            return; // planted: a node that took the object over forgets its persisted alarm
        }
        if (recovered.equals(alarm) && (alarmTimer != null || alarmRetryTimer != null || alarmRunning)) return;
        cancelAlarmTimers();
        if (!recovered.equals(alarm)) alarmRetryCount = 0;
        alarm = recovered;
        // An attempt for another value may be queued or running: it ends as "replaced" and arms
        // nothing, so the recovered value needs its own timer (which defers itself while it runs).
        recovered.ifPresent(this::armAlarm);
    }

    Optional<Long> alarm() {
        return alarm;
    }

    private void cancelAlarmTimers() {
        if (alarmTimer != null) {
            alarmTimer.cancel();
            alarmTimer = null;
        }
        if (alarmRetryTimer != null) {
            alarmRetryTimer.cancel();
            alarmRetryTimer = null;
        }
    }

    /** BUGGIFY: an alarm's timer fires late. */
    static final String FAULT_ALARM_LATE = "host-alarm-late";
    private static final long ALARM_LATE_MS = 25;

    /** BUGGIFY: a failed alarm attempt is retried at the earliest time its backoff allows (no jitter). */
    static final String FAULT_ALARM_RETRY_EARLY = "host-alarm-retry-early";

    /**
     * BUGGIFY: an alarm's timer fires at half its delay, as when the wall clock steps back after the
     * timer was armed (the monotonic timer runs ahead of the wall clock the alarm is set in).
     */
    static final String FAULT_ALARM_TIMER_EARLY = "host-alarm-timer-early";

    /**
     * BUGGIFY: a timer that fired before its alarm's wall time queues the delivery anyway, as when
     * the wall clock steps back between the timer's check and the delivery: the delivery must find
     * the alarm not yet due.
     */
    static final String FAULT_ALARM_CHECK_RACED = "host-alarm-check-raced";

    private void armAlarm(long atMillis) {
        if (alarmTimer != null) alarmTimer.cancel();
        long delayMs = Math.max(0, atMillis - host.world.clock().wallMillis());
        // An alarm runs at or after its time; late is legal (a busy or stalled process).
        if (host.world.faultPoints().fire(FAULT_ALARM_LATE)) delayMs += ALARM_LATE_MS;
        else if (delayMs > 1 && host.world.faultPoints().fire(FAULT_ALARM_TIMER_EARLY)) delayMs /= 2;
        alarmTimer = host.loop.schedule(delayMs * 1_000_000L, () -> alarmTimerFired(atMillis));
    }

    private void alarmTimerFired(long atMillis) {
        alarmTimer = null;
        if (!alarm.equals(Optional.of(atMillis))) return; // replaced meanwhile
        long now = host.world.clock().wallMillis();
        if (now < atMillis && (alarmRunning || !host.world.faultPoints().fire(FAULT_ALARM_CHECK_RACED))) {
            armAlarm(atMillis); // the wall clock is behind the monotonic timer: not yet
            return;
        }
        if (alarmRunning) {
            alarmRefire = true;
            return;
        }
        startAlarmAttempt(atMillis, alarmRetryCount, null);
    }

    /** A delivery found the alarm not yet due by the wall clock: no attempt was made; wait for its time again. */
    void alarmNotYetDue(long atMillis) {
        Invariants.check(alarmRunning, "%s: alarm not-yet-due report without a running attempt", key);
        alarmRunning = false;
        if (alarm.equals(Optional.of(atMillis)) && alarmRetryTimer == null) armAlarm(atMillis);
    }

    private void startAlarmAttempt(long atMillis, int retry, Promise<Boolean> hookResult) {
        alarmRunning = true;
        alarmRefire = false;
        enqueue(new QueuedEvent("alarm", false, 0, null, a -> a.deliverAlarm(atMillis, retry, hookResult),
                e -> alarmAttemptFinished(atMillis, retry, false, hookResult)));
    }

    /** {@link TestHooks#fireAlarmNow}: runs the alarm at once, cancelling its timer. */
    void fireAlarmNow(Promise<Boolean> result) {
        whenRecovered().whenComplete((a, e) -> {
            if (e != null) {
                result.fail(e);
                maybeForget(); // a slot made for the hook alone (e.g. during a reset) holds nothing
                return;
            }
            if (alarm.isEmpty() || alarmRunning) {
                result.complete(alarm.isPresent());
                return;
            }
            cancelAlarmTimers();
            startAlarmAttempt(alarm.get(), alarmRetryCount, result);
        });
    }

    /**
     * An attempt ended. {@code succeeded}: the handler succeeded and the clearing write is durable.
     * Otherwise the handler failed, or the activation died under it: retry with backoff.
     */
    void alarmAttemptFinished(long atMillis, int retry, boolean succeeded, Promise<Boolean> hookResult) {
        alarmRunning = false;
        if (hookResult != null) hookResult.complete(true);
        if (succeeded) {
            alarmRetryCount = 0;
        } else if (alarm.equals(Optional.of(atMillis)) && alarmRetryTimer == null && alarmTimer == null) {
            int next = retry + 1;
            if (next > host.config.alarmMaxRetries()) {
                giveUpAlarm(atMillis);
            } else {
                alarmRetryCount = next;
                long baseMs = host.config.alarmRetryInitialMs() << Math.min(next - 1, 20);
                long jitterMs = alarmJitter().nextLong(Math.max(1, baseMs / 4));
                if (host.world.faultPoints().fire(FAULT_ALARM_RETRY_EARLY)) jitterMs = 0; // the earliest legal retry
                alarmRetryTimer = host.loop.schedule((baseMs + jitterMs) * 1_000_000L, () -> {
                    alarmRetryTimer = null;
                    if (alarm.equals(Optional.of(atMillis)) && !alarmRunning) startAlarmAttempt(atMillis, next, null);
                });
            }
        }
        if (alarmRefire && !alarmRunning && alarmRetryTimer == null) {
            alarmRefire = false;
            alarm.ifPresent(this::armAlarm);
        }
        maybeForget();
    }

    /** The handler set the alarm again to the time it just ran for (the store saw no change): run it again. */
    void rearmSameAlarm(long atMillis) {
        if (alarm.equals(Optional.of(atMillis)) && alarmTimer == null && alarmRetryTimer == null && !alarmRunning) {
            armAlarm(atMillis);
        }
    }

    private dev.duro.model.world.Entropy jitter;

    private dev.duro.model.world.Entropy alarmJitter() {
        if (jitter == null) jitter = host.world.entropy().derive("alarm-jitter/" + key.id().hex());
        return jitter;
    }

    /** Retries exhausted: the alarm is deleted (durably, through a normal activation). */
    private void giveUpAlarm(long atMillis) {
        alarmRetryCount = 0;
        alarmRunning = true;
        enqueue(new QueuedEvent("alarm", false, 0, null, a -> a.deleteAlarmIfStill(atMillis, () -> {
            alarmRunning = false;
            maybeForget();
        }), e -> {
            alarmRunning = false;
            maybeForget();
        }));
    }

    /** Recover the object for no event, to learn its alarm (node start); retried with backoff on failure. */
    Promise<Void> probeAlarm(int attempt) {
        Promise<Void> done = Promise.on(host.loop);
        whenRecovered().whenComplete((a, e) -> {
            // A recovery the release abandoned is not retried: the owner arms the alarm from the log.
            if (e != null && attempt < host.config.alarmMaxRetries() && !MovedAwayException.causedBy(e)) {
                // The retry goes to the object's slot as it is then: this one, holding nothing after
                // the failure, may have been forgotten, and waking it would give the object a second
                // activation beside the one a request started in its successor.
                host.loop.schedule(host.backoffNanos(attempt), () -> host.slot(key).probeAlarm(attempt + 1));
            }
            done.complete(null);
        });
        return done;
    }

    boolean alarmHandlerPresent(DurableObject instance) {
        return instance instanceof AlarmHandler;
    }

    boolean plantedBug(PlantedBug bug) {
        return host.config.has(bug);
    }

    void trace(String kind, long epoch, String rest) {
        host.trace(kind, key, epoch, rest);
    }

    @Override
    public String toString() {
        return "ObjectSlot[" + key + "]";
    }
}
