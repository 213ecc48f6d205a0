package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.StoredValues;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.log.ForwardingLog;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.log.ObjectLog;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slot's bookkeeping at its edges: counters after a failed constructor, a slot forgotten once it
 * holds nothing, hooks racing a loading or closing activation, resets with queued events and
 * hibernated sockets, a hook-fired alarm's timer, and sockets' sends before the 101 and their limits.
 */
class ObjectSlotEdgeTest {
    private static Scripted alarmSetter() {
        Scripted s = WebSocketTest.wsScript();
        var inner = s.fetch;
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/set")) return inner.apply(ctx, r);
            ctx.storage().setAlarm(ctx.nowMillis() + Long.parseLong(r.query("in")));
            return ctx.completed(Response.ok("set"));
        };
        return s;
    }

    /** {@link #alarmSetter}, plus {@code /hold}: holds the object for 500 ms in blockConcurrencyWhile. */
    private static Scripted alarmSetterThatHolds() {
        Scripted s = alarmSetter();
        var inner = s.fetch;
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/hold")) return inner.apply(ctx, r);
            return ctx.blockConcurrencyWhile(() -> ObjectHostCoreTest.sleep(ctx.promise().loop(), 500, Response.ok("held")));
        };
        return s;
    }

    private static <T> Promise<T> hook(HostRig rig, java.util.function.Function<TestHooks, Promise<T>> fn) {
        return rig.start(r -> fn.apply(r.host.testHooks()));
    }

    /**
     * An object evicted while its failed alarm waits for a retry, then woken by a request before the
     * retry is due: the recovery finds the same alarm, so the retry timer and its count stay; the
     * alarm runs once more, at its backoff and as retry 1, not at once and not as a first attempt.
     */
    @Test
    void aReactivationDuringAnAlarmsRetryBackoffKeepsTheRetryAndItsCount() {
        Scripted s = alarmSetter();
        s.alarm = (ctx, info) -> info.retryCount() == 0
                ? ctx.<Void>failed(new IllegalStateException("first attempt fails (test)"))
                : ctx.completed(null);
        HostRig rig = new HostRig(517, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=1000");
        rig.runUntil(() -> !s.alarms.isEmpty(), 2_000);
        assertThat(s.alarms).hasSize(1);
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.fetch("a", "/get")).as("woken before the retry is due").isEqualTo("0");
        rig.runMillis(10_000);
        assertThat(s.alarms).extracting(dev.duro.model.object.AlarmInfo::retryCount).containsExactly(0, 1);
        assertThat(s.alarmWallMillis.get(1) - s.alarmWallMillis.get(0))
                .as("the retry waited its backoff (initial %s ms)", HostRig.config().alarmRetryInitialMs())
                .isGreaterThanOrEqualTo(HostRig.config().alarmRetryInitialMs());
    }

    /**
     * A handler that sets the next alarm and runs past its time: the new alarm's timer fires while
     * the attempt still runs, so it is deferred, and runs once the attempt has ended, once.
     */
    @Test
    void anAlarmComingDueWhileItsPredecessorsHandlerRunsRunsOnceAfterIt() {
        Scripted s = alarmSetter();
        s.alarm = (ctx, info) -> {
            if (s.alarms.size() > 1) return ctx.completed(null);
            ctx.storage().setAlarm(ctx.nowMillis() + 100);
            return ObjectHostCoreTest.<Void>sleep(ctx.promise().loop(), 500, null);
        };
        HostRig rig = new HostRig(518, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=1000");
        rig.runMillis(5_000);
        assertThat(s.alarms).as("the first, then the one it set").hasSize(2);
        assertThat(s.alarms.get(1).scheduledMillis()).isEqualTo(s.alarmWallMillis.get(0) + 100);
        assertThat(s.alarms.get(1).retryCount()).isZero();
        assertThat(s.alarmWallMillis.get(1)).as("not before the first handler ended")
                .isGreaterThanOrEqualTo(s.alarmWallMillis.get(0) + 500);
    }

    /**
     * The alarm's timer fires while blockConcurrencyWhile holds the object, and the block replaces
     * the alarm: the queued attempt finds another value, ends without running the handler, and the
     * new alarm runs at its own time.
     */
    @Test
    void anAlarmReplacedBetweenItsTimerAndItsDeliveryRunsOnlyAsTheNewValue() {
        Scripted s = alarmSetter();
        var inner = s.fetch;
        long[] replacedWith = new long[1];
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/block")) return inner.apply(ctx, r);
            return ctx.blockConcurrencyWhile(() -> ObjectHostCoreTest.<Void>sleep(ctx.promise().loop(), 500, null).map(v -> {
                replacedWith[0] = ctx.nowMillis() + 1_000;
                ctx.storage().setAlarm(replacedWith[0]);
                return Response.ok("replaced");
            }));
        };
        HostRig rig = new HostRig(519, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=200");
        assertThat(rig.fetch("a", "/block")).isEqualTo("replaced");
        rig.runMillis(3_000);
        assertThat(s.alarms).extracting(dev.duro.model.object.AlarmInfo::scheduledMillis).containsExactly(replacedWith[0]);
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.EVENT_END)).as("the skipped delivery ended its event")
                .hasSameSizeAs(rig.trace(dev.duro.runtime.RuntimeTrace.EVENT_BEGIN));
    }

    /**
     * The wall clock steps back 2 s after the alarm's timer fired and before its delivery (held up
     * by blockConcurrencyWhile): an alarm never runs before its time, so the delivery waits again
     * and the alarm runs once, when the wall clock reaches it.
     */
    @Test
    void anAlarmWhoseWallClockWentBackBeforeDeliveryWaitsForItsTimeAndRunsOnce() {
        Scripted s = alarmSetterThatHolds();
        HostRig rig = new HostRig(520, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=200");
        Promise<Response> hold = rig.fetchAsync("a", Request.get("/hold"));
        rig.runMillis(300); // the timer has fired; the delivery waits behind the block
        assertThat(s.alarms).isEmpty();
        rig.node.clock().jumpWall(-2_000_000_000L);
        rig.runUntil(hold::isDone, 1_000);
        rig.runMillis(1_000);
        assertThat(s.alarms).as("not yet: the wall clock is 2 s behind").isEmpty();
        rig.runMillis(3_000);
        assertThat(s.alarms).hasSize(1);
        assertThat(s.alarmWallMillis.get(0)).isGreaterThanOrEqualTo(s.alarms.get(0).scheduledMillis());
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.EVENT_END)).hasSameSizeAs(rig.trace(dev.duro.runtime.RuntimeTrace.EVENT_BEGIN));
    }

    /** The wall clock steps back before the alarm's timer fires: the timer re-arms and the alarm runs once, on time by the wall clock. */
    @Test
    void anAlarmWhoseTimerFiresBeforeItsWallTimeIsReArmed() {
        Scripted s = alarmSetter();
        HostRig rig = new HostRig(521, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=1000");
        rig.node.clock().jumpWall(-2_000_000_000L);
        rig.runMillis(2_000);
        assertThat(s.alarms).as("the timer fired, the wall clock says 1 s early").isEmpty();
        rig.runMillis(3_000);
        assertThat(s.alarms).hasSize(1);
        assertThat(s.alarmWallMillis.get(0)).isGreaterThanOrEqualTo(s.alarms.get(0).scheduledMillis());
    }

    /**
     * While an alarm's handler runs, getAlarm() reads none for it (the platform Duro imitates
     * documents the same), in the handler and in a request that interleaves with it, until
     * setAlarm is called. A request that stores work and sets the alarm only when none is set
     * therefore sets it, and the work runs; trusting the running alarm would lose it, since that
     * alarm is cleared when its handler succeeds. Found by the scheduler scenario's slow-handler
     * variant (seed 13, S4).
     */
    @Test
    void theRunningAlarmReadsAsNoneUntilSetAgainSoWorkStoredMeanwhileRuns() {
        Scripted s = alarmSetter();
        var inner = s.fetch;
        List<String> seen = new java.util.ArrayList<>();
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/work")) return inner.apply(ctx, r);
            java.util.Optional<Long> alarm = ctx.storage().getAlarm();
            seen.add("request:" + alarm.isPresent());
            if (alarm.isEmpty()) ctx.storage().setAlarm(ctx.nowMillis() + 50);
            return ctx.completed(Response.ok("stored"));
        };
        s.alarm = (ctx, info) -> {
            seen.add("handler:" + ctx.storage().getAlarm().isPresent());
            if (s.alarms.size() > 1) return ctx.completed(null);
            return ObjectHostCoreTest.<Void>sleep(ctx.promise().loop(), 300, null);
        };
        HostRig rig = new HostRig(525, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=100");
        rig.runUntil(() -> !s.alarms.isEmpty(), 1_000);
        assertThat(rig.fetch("a", "/work")).isEqualTo("stored");
        rig.runMillis(2_000);
        assertThat(seen).containsExactly("handler:false", "request:false", "handler:false");
        assertThat(s.alarms).as("the work's alarm ran after the first handler").hasSize(2);
    }

    @Test
    void aFailedConstructorLeavesTheOverloadCountersAtZero() {
        Scripted s = new Scripted();
        s.onConstruct = ctx -> {
            if (s.constructed == 1) throw new IllegalStateException("first constructor fails");
        };
        HostRig rig = new HostRig(501, HostRig.config().withMaxQueued(1, 1_000), s.plain(NS));
        Request body = new Request("POST", "/inc", new java.util.TreeMap<>(), new byte[10]);
        assertThat(rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), body))).isInstanceOf(DuroException.class);
        for (int i = 1; i <= 3; i++) {
            Response resp = rig.value(r -> r.host.fetch(NS, HostRig.id("a"), body));
            assertThat(resp.bodyText()).isEqualTo(Integer.toString(i));
        }
    }

    /**
     * Three requests queue for an object whose first constructor throws: the head gets the
     * constructor's error, the next activation serves the other two, and the overload counters
     * are back at zero, so three concurrent requests fit again.
     */
    @Test
    void aFailedConstructorWithSeveralRequestsQueuedAnswersTheHeadAndServesTheRest() {
        Scripted s = new Scripted();
        s.onConstruct = ctx -> {
            if (s.constructed == 1) throw new IllegalStateException("first constructor fails");
        };
        HostRig rig = new HostRig(522, HostRig.config().withMaxQueued(3, 1_000), s.plain(NS));
        Request body = new Request("POST", "/inc", new java.util.TreeMap<>(), new byte[10]);
        for (int round = 0; round < 2; round++) {
            List<Promise<Response>> calls = new java.util.ArrayList<>();
            rig.start(r -> {
                for (int i = 0; i < 3; i++) calls.add(r.host.fetch(NS, HostRig.id("a"), body));
                return calls.get(2);
            });
            rig.runUntil(() -> calls.stream().allMatch(Promise::isDone), 10_000);
            List<String> answers = calls.stream()
                    .map(p -> p.isFailed() ? ((DuroException) p.failure()).code().name() : p.value().bodyText()).toList();
            if (round == 0) assertThat(answers).containsExactly("OBJECT_ERROR", "1", "2");
            else assertThat(answers).as("nothing left counted as queued").containsExactly("3", "4", "5");
        }
    }

    @Test
    void anEvictedObjectWithNothingLeftIsForgottenAndNamesItsKey() {
        HostRig rig = new HostRig(502, HostRig.config(), new Scripted().plain(NS));
        rig.fetch("a", "/inc");
        assertThat(rig.host.existingSlot(new ObjectKey(NS, HostRig.id("a"))).toString())
                .isEqualTo("ObjectSlot[" + NS + "/" + HostRig.id("a").hex() + "]");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.host.residentObjects(NS)).isEmpty();
        rig.fetch("a", "/inc");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.host.residentObjects(NS)).as("forgotten again after a second activation").isEmpty();
    }

    @Test
    void evictingALoadingObjectEndsItOnceRecovered() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(503, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        Promise<Void> ended = rig.start(r -> {
            r.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> ctx.completed("x"));
            return r.host.testHooks().evict(NS, HostRig.id("a"));
        });
        rig.runUntil(ended::isDone, 10_000);
        assertThat(ended.isDone()).as("the loading activation ended once recovered").isTrue();
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.EVICT)).last().asString().endsWith("reason=evict-hook");
    }

    @Test
    void aHookFiringTheAlarmOfAClosingObjectWaitsForItToGo() {
        Scripted s = alarmSetter();
        HostRig rig = new HostRig(504, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=60000");
        Promise<Boolean> fired = rig.start(r -> {
            r.host.testHooks().evict(NS, HostRig.id("a"));
            return r.host.testHooks().fireAlarmNow(NS, HostRig.id("a"));
        });
        rig.runUntil(fired::isDone, 10_000);
        assertThat(fired.isDone()).isTrue();
        assertThat(fired.value()).isTrue();
        assertThat(s.alarms).hasSize(1);
    }

    @Test
    void aResetRejectsQueuedEventsAndRefusesHooksUntilDone() {
        Scripted s = alarmSetter();
        HostRig rig = new HostRig(505, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=60000");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("b")));
        Promise<Response> queued = rig.start(r -> {
            Promise<Response> p = r.host.fetch(NS, HostRig.id("b"), Request.get("/inc")); // loading: waits in the queue
            r.host.testHooks().resetAllState();
            return p;
        });
        rig.runUntil(queued::isDone, 10_000);
        assertThat(queued.isFailed()).isTrue();
        assertThat(((DuroException) queued.failure()).code()).isEqualTo(ErrorCode.RESET);
        Promise<Boolean> during = rig.start(r -> {
            r.host.testHooks().resetAllState();
            return r.host.testHooks().fireAlarmNow(NS, HostRig.id("c"));
        });
        rig.runUntil(during::isDone, 10_000);
        assertThat(during.isFailed()).isTrue();
        rig.runMillis(100);
        assertThat(rig.host.residentObjects(NS)).as("a reset leaves nothing in memory (no alarm timer)").isEmpty();
        rig.runMillis(70_000);
        assertThat(s.alarms).isEmpty();
    }

    @Test
    void hooksAndResetsCloseTheSocketsOfAHibernatedObject() {
        Scripted s = WebSocketTest.wsScript();
        HostRig rig = new HostRig(506, HostRig.config(), s.full(NS));
        long a = WebSocketTest.connect(rig, "room", "red");
        rig.value(r -> r.host.testHooks().hibernate(NS, HostRig.id("room")));
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("room")));
        assertThat(rig.sockets.lines).containsExactly(a + " close 1001 object evicted");
        assertThat(rig.host.residentObjects(NS)).isEmpty();
        long b = WebSocketTest.connect(rig, "room", "red");
        rig.value(r -> r.host.testHooks().hibernate(NS, HostRig.id("room")));
        rig.value(r -> r.host.testHooks().resetAllState());
        assertThat(rig.sockets.lines).last().isEqualTo(b + " close 1001 state reset");
    }

    @Test
    void aMessageForAnUnknownSocketOfAKnownObjectIsClosed() {
        Scripted s = WebSocketTest.wsScript();
        HostRig rig = new HostRig(507, HostRig.config(), s.full(NS));
        long a = WebSocketTest.connect(rig, "room", "red");
        WebSocketTest.message(rig, "room", a + 100, "echo:x");
        assertThat(rig.sockets.lines).containsExactly((a + 100) + " close 1011 unknown socket");
    }

    @Test
    void aHookFiredAlarmCancelsItsTimer() {
        Scripted s = alarmSetter();
        s.alarm = (ctx, info) -> {
            throw new IllegalStateException("alarm fails");
        };
        HostRig rig = new HostRig(508, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=5000");
        long t0 = rig.world.clock().wallMillis();
        rig.value(r -> r.host.testHooks().fireAlarmNow(NS, HostRig.id("a")));
        rig.runMillis(5_500 - (rig.world.clock().wallMillis() - t0));
        // the hook's attempt and one retry (2-2.5 s later); the next retry is 4 s after that, and the
        // original timer (5 s) was cancelled by the hook
        assertThat(s.alarms).hasSize(2);
    }

    @Test
    void aDeletedAlarmLeavesNoTimerBehind() {
        Scripted s = alarmSetter();
        var inner = s.fetch;
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/del")) return inner.apply(ctx, r);
            ctx.storage().deleteAlarm();
            return ctx.completed(Response.ok("deleted"));
        };
        HostRig rig = new HostRig(509, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=60000");
        rig.fetch("a", "/del");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.host.residentObjects(NS)).isEmpty();
    }

    @Test
    void anExhaustedAlarmIsDeletedAndTheSlotForgotten() {
        Scripted s = alarmSetter();
        s.alarm = (ctx, info) -> {
            throw new IllegalStateException("alarm fails");
        };
        HostRig rig = new HostRig(510, new dev.duro.runtime.config.RuntimeConfig(70_000, 140_000, 10_000, 30_000,
                100, 1, 1_000, 1L << 30, 1L << 30, 64, java.util.Set.of()), s.full(NS));
        rig.fetch("a", "/set?in=100");
        rig.runMillis(2_000);
        assertThat(s.alarms).hasSize(2);
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.host.residentObjects(NS)).isEmpty();
        assertThat(rig.fetch("a", "/get")).isEqualTo("0");
    }

    /**
     * Replicas out of reach during recovery: the caller gets UNAVAILABLE (retryable; nothing ran),
     * not INTERNAL. Seen as a real failure: ClusterProcessTest's read after kill -9 of every member
     * got INTERNAL "... (n1 refused: leased) ... may be retried" and did not retry.
     */
    @Test
    void aRecoveryThatCannotReachTheReplicasFailsAsUnavailableAndTheNextEventRetries() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(17, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.crash();
        int[] recoveriesToFail = {1_000}; // the start's alarm probe recovers the object too
        rig.logWrapper = logs -> failingLogs(logs, rig, new int[] {0}, recoveriesToFail, new int[] {0},
                () -> new DuroException(ErrorCode.UNAVAILABLE, "the object's log replicas are unreachable (test); the request never ran"));
        rig.restart();
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/get")));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("recovering object").contains("unreachable");
        recoveriesToFail[0] = 0;
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }

    /**
     * An evicted object's alarm comes due and the recovery it starts fails: the queued alarm event
     * is rejected, which ends the attempt, so the alarm is retried after its backoff (as retry 1).
     */
    @Test
    void anAlarmWhoseRecoveryFailsIsRetriedAfterItsBackoff() {
        Scripted s = alarmSetter();
        HostRig rig = new HostRig(523, HostRig.config(), s.full(NS));
        rig.crash();
        int[] recoveriesToFail = {0};
        rig.logWrapper = logs -> failingLogs(logs, rig, new int[] {0}, recoveriesToFail, new int[] {0});
        rig.restart();
        rig.fetch("a", "/set?in=3000");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        recoveriesToFail[0] = 1;
        rig.runMillis(10_000);
        assertThat(recoveriesToFail[0]).as("the alarm's recovery was tried and failed").isNegative();
        assertThat(s.alarms).extracting(dev.duro.model.object.AlarmInfo::retryCount).containsExactly(1);
    }

    /**
     * The cluster lets go of an object (another node owns it now) while a request waits behind a
     * blockConcurrencyWhile: the waiting request never ran, so it is refused as UNAVAILABLE (its
     * caller retries and reaches the owner) and does not start another activation here, which
     * would win the object back from its owner. (Found by the sweep's warm end, scheduler seed 12
     * with --locations 2: objects went back and forth between nodes until the end of the run.)
     */
    @Test
    void aReleaseRefusesTheRequestsStillWaitingAndActivatesNothingAgain() {
        Scripted s = alarmSetterThatHolds();
        HostRig rig = new HostRig(526, HostRig.config(), s.full(NS));
        Promise<Response> blocking = rig.fetchAsync("a", Request.get("/hold"));
        Promise<Response> waiting = rig.fetchAsync("a", Request.get("/get"));
        int begun = rig.trace(dev.duro.runtime.RuntimeTrace.RECOVER_BEGIN).size();
        Promise<Void> released = rig.start(r -> r.host.release(NS, HostRig.id("a")));
        rig.runMillis(3_000);
        assertThat(released.isSucceeded()).isTrue();
        assertThat(blocking.isDone()).as("the running request ended one way or the other").isTrue();
        assertRefusedAsMoved(waiting);
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.RECOVER_BEGIN)).as("no activation after the release").hasSize(begun);
    }

    /**
     * The cluster lets go of an object whose activation is still recovering (its log's election
     * has not ended): the activation stops at once, closing its log handle (which ends the
     * election), instead of competing with the owner until the election ends; the request that
     * waited for the recovery is refused as UNAVAILABLE, and nothing activates again.
     */
    @Test
    void aReleaseDuringARecoveryClosesTheLogAtOnceAndRefusesTheWaitingRequest() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(527, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.crash();
        List<Promise<dev.duro.runtime.log.Recovery>> electing = new java.util.ArrayList<>();
        int[] closes = {0};
        rig.logWrapper = logs -> wrapping(logs, log -> new ForwardingLog(log) {
            @Override
            public Promise<dev.duro.runtime.log.Recovery> recover() {
                Promise<dev.duro.runtime.log.Recovery> p = Promise.on(rig.world.loop());
                electing.add(p); // an election that does not end by itself
                return p;
            }

            @Override
            public void close() {
                closes[0]++;
                for (Promise<dev.duro.runtime.log.Recovery> p : electing) {
                    if (!p.isDone()) p.fail(new DuroException(ErrorCode.RESET, "the log handle was closed (test)"));
                }
                super.close();
            }
        });
        rig.restart();
        Promise<Response> waiting = rig.fetchAsync("a", Request.get("/get"));
        rig.runMillis(100);
        assertThat(electing).as("one recovery under way").hasSize(1);
        int begun = rig.trace(dev.duro.runtime.RuntimeTrace.RECOVER_BEGIN).size();
        Promise<Void> released = rig.start(r -> r.host.release(NS, HostRig.id("a")));
        rig.runMillis(10);
        assertThat(closes[0]).as("the recovering activation closed its log at the release").isPositive();
        assertThat(released.isSucceeded()).as("released at once, not when the election ends").isTrue();
        assertRefusedAsMoved(waiting);
        rig.runMillis(3_000);
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.RECOVER_BEGIN)).as("no activation after the release").hasSize(begun);
    }

    /**
     * The alarm probe at start fails and the slot, holding nothing, is forgotten; a request then
     * activates the object in a new slot. The probe's retry must go to that slot (the object is
     * live: nothing to do), not wake the forgotten one, which would give the object a second
     * activation on this node. (Found by the sweep's warm end, scheduler seed 14 of profile:buggify:
     * the orphan ran alarms while the requests waited for a recovery that never ended.)
     */
    @Test
    void aProbeRetryAfterItsSlotWasForgottenFindsTheObjectsLiveActivation() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(525, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.crash();
        int[] recovers = {1};
        rig.logWrapper = logs -> failingLogs(logs, rig, new int[] {0}, recovers, new int[] {0});
        rig.restart();
        rig.runUntil(() -> recovers[0] == 0, 1_000);
        assertThat(recovers[0]).as("the start's probe recovered the object and failed").isZero();
        int begunBefore = rig.trace(dev.duro.runtime.RuntimeTrace.RECOVER_BEGIN).size();
        assertThat(rig.fetch("a", "/get")).as("served before the probe's retry").isEqualTo("1");
        rig.runMillis(10_000);
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.RECOVER_BEGIN)).as("one activation after the failed probe")
                .hasSize(begunBefore + 1);
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }

    /**
     * An alarm's handler runs when a request sets the next alarm, and the activation dies with that
     * write's outcome unknown to the host (it became durable; its acknowledgement was lost). The
     * failed attempt's retry comes due during a slow recovery and waits for it; the recovery finds
     * the new alarm, and the stale retry, finding another value, ends without running the handler.
     * The new alarm must still run: nothing else will wake the object. (Found by the sweep's warm
     * end, scheduler seed 19 of profile:buggify, where the post-heal power cut had hidden it.)
     */
    @Test
    void aNewAlarmRecoveredUnderAStaleRetryStillRuns() {
        Scripted s = alarmSetter();
        s.alarm = (ctx, info) -> s.alarms.size() > 1 ? ctx.completed(null)
                : ObjectHostCoreTest.<Void>sleep(ctx.promise().loop(), 500, null);
        HostRig rig = new HostRig(524, HostRig.config(), s.full(NS));
        rig.crash();
        boolean[] loseNextAck = {false};
        long[] slowRecoveryMs = {0};
        rig.logWrapper = logs -> new LogStore() {
            @Override
            public ObjectLog open(String namespace, ObjectId id) {
                ObjectLog log = logs.open(namespace, id);
                return new ForwardingLog(log) {
                    @Override
                    public Promise<Void> append(dev.duro.runtime.log.LogEntry entry) {
                        if (!loseNextAck[0]) return log.append(entry);
                        loseNextAck[0] = false;
                        return log.append(entry).flatMap(v -> Promise.failed(rig.world.loop(),
                                new DuroException(ErrorCode.UNAVAILABLE, "written, acknowledgement lost (test)")));
                    }

                    @Override
                    public Promise<dev.duro.runtime.log.Recovery> recover() {
                        if (slowRecoveryMs[0] == 0) return log.recover();
                        return ObjectHostCoreTest.sleep(rig.world.loop(), slowRecoveryMs[0], null).flatMap(v -> log.recover());
                    }
                };
            }

            @Override
            public Promise<List<ObjectId>> list(String namespace) {
                return logs.list(namespace);
            }
        };
        rig.restart();
        rig.fetch("a", "/set?in=100");
        rig.runUntil(() -> !s.alarms.isEmpty(), 2_000);
        loseNextAck[0] = true;
        slowRecoveryMs[0] = 5_000;
        Promise<Response> set = rig.fetchAsync("a", Request.get("/set?in=3000"));
        long first = s.alarms.get(0).scheduledMillis();
        rig.runMillis(30_000);
        assertThat(set.isFailed()).as("the request whose acknowledgement was lost failed").isTrue();
        assertThat(s.alarms).extracting(dev.duro.model.object.AlarmInfo::scheduledMillis).as("the first, then the recovered one")
                .hasSize(2).last().satisfies(at -> assertThat(at).isBetween(first + 3_000, first + 3_100));
    }

    /**
     * A message to a hibernated socket wakes the object and the recovery fails: the socket is
     * closed with 1011 (its event is rejected with it, so freeing it for a next message is moot),
     * and the object serves again once its log can be read.
     */
    @Test
    void aSocketMessageWhoseWakeUpRecoveryFailsClosesTheSocket() {
        Scripted s = WebSocketTest.wsScript();
        HostRig rig = new HostRig(524, HostRig.config(), s.full(NS));
        rig.crash();
        int[] recoveriesToFail = {0};
        rig.logWrapper = logs -> failingLogs(logs, rig, new int[] {0}, recoveriesToFail, new int[] {0});
        rig.restart();
        long a = WebSocketTest.connect(rig, "room", "red");
        rig.value(r -> r.host.testHooks().hibernate(NS, HostRig.id("room")));
        recoveriesToFail[0] = 1;
        WebSocketTest.message(rig, "room", a, "lost");
        assertThat(s.received).isEmpty();
        assertThat(rig.sockets.lines).containsExactly(a + " close 1011 recovery failed");
        assertThat(rig.fetch("room", "/get")).isEqualTo("0");
    }

    @Test
    void aFailedListingAtStartIsRetriedWithBackoffAndTraced() {
        Scripted s = alarmSetter();
        HostRig rig = new HostRig(511, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=1000");
        rig.crash();
        int[] failuresLeft = {2};
        rig.logWrapper = logs -> failingLogs(logs, rig, failuresLeft, new int[] {0}, new int[] {0});
        rig.runMillis(2_000);
        rig.restart();
        rig.runMillis(5_000); // retries after 2 s, then 4 s: the listing succeeds 6 s after the restart
        assertThat(s.alarms).isEmpty();
        rig.runMillis(3_000);
        assertThat(s.alarms).hasSize(1);
        assertThat(rig.trace("host-rearm-retry")).containsExactly(
                "namespace=" + NS + " cause=IllegalStateException", "namespace=" + NS + " cause=IllegalStateException");
    }

    @Test
    void socketsSendBeforeTheirUpgradeLeavesAndKeepTheirLimits() {
        Scripted s = WebSocketTest.wsScript();
        var inner = s.fetch;
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/hello")) return inner.apply(ctx, r);
            WebSocket ws = ctx.acceptWebSocket(r);
            ws.send("hello");
            ws.send(new byte[] {104, 105});
            return ctx.completed(Response.switchingProtocols());
        };
        HostRig rig = new HostRig(512, HostRig.config(), s.full(NS));
        Response up = rig.value(x -> x.host.fetch(NS, HostRig.id("room"), Request.webSocketUpgrade("/hello")));
        long id = Long.parseLong(up.header(dev.duro.runtime.edge.ObjectEndpoint.SOCKET_ID_HEADER));
        rig.runMillis(10);
        assertThat(rig.sockets.lines).hasSize(2).first().isEqualTo(id + " send hello");
        String limits = rig.value(r -> r.host.testHooks().runInObject(NS, HostRig.id("room"), (ctx, o) -> {
            WebSocket ws = ctx.getWebSockets().getFirst();
            int n = 16 * 1024;
            while (StoredValues.encode(new byte[n]).length > HostWebSocket.MAX_ATTACHMENT_BYTES) n--;
            ws.serializeAttachment(new byte[n]); // exactly at the limit: allowed
            String before = ws.toString();
            ws.close(1000, "x".repeat(HostWebSocket.MAX_CLOSE_REASON_BYTES)); // exactly at the limit: allowed
            return ctx.completed(before + " " + ws + " " + StoredValues.encode(new byte[n]).length);
        }));
        assertThat(limits).isEqualTo("WebSocket[" + id + "] WebSocket[" + id + " closed] " + HostWebSocket.MAX_ATTACHMENT_BYTES);
        rig.runMillis(10);
        assertThat(rig.sockets.lines).last().asString().startsWith(id + " close 1000 xxx");
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("room")).orElseThrow().openSockets()).isZero();
    }

    @Test
    void aResetWhoseListingFailsFailsAndTheHostServesAgain() {
        HostRig rig = new HostRig(513, HostRig.config(), new Scripted().plain(NS));
        rig.fetch("a", "/inc");
        int[] failuresLeft = {0};
        rig.crash();
        rig.logWrapper = logs -> failingLogs(logs, rig, failuresLeft, new int[] {0}, new int[] {0});
        rig.restart();
        failuresLeft[0] = 1;
        assertThat(rig.failure(r -> r.host.testHooks().resetAllState())).hasMessageContaining("list failed");
        assertThat(rig.fetch("a", "/inc")).as("no longer resetting: served, state kept").isEqualTo("2");
        DuroException unknown = (DuroException) rig.failure(r -> r.host.testHooks().listIds("NOPE"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE);
    }

    /** {@code logs}, whose first {@code lists[0]} listings, {@code recovers[0]} recoveries and {@code destroys[0]} destroys fail. */
    /** The waiting request was refused because the object moved away: UNAVAILABLE, nothing of it ran. */
    private static void assertRefusedAsMoved(Promise<Response> waiting) {
        assertThat(waiting.isFailed()).as("the waiting request was refused").isTrue();
        assertThat(((DuroException) waiting.failure()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(waiting.failure().getMessage()).contains("moved to another node").contains("nothing ran");
    }

    /** {@code logs} with every opened log wrapped by {@code wrap}; listings pass through. */
    static LogStore wrapping(LogStore logs, java.util.function.UnaryOperator<ObjectLog> wrap) {
        return new LogStore() {
            @Override
            public ObjectLog open(String namespace, ObjectId id) {
                return wrap.apply(logs.open(namespace, id));
            }

            @Override
            public Promise<List<ObjectId>> list(String namespace) {
                return logs.list(namespace);
            }
        };
    }

    static LogStore failingLogs(LogStore logs, HostRig rig, int[] lists, int[] recovers, int[] destroys) {
        return failingLogs(logs, rig, lists, recovers, destroys, () -> new IllegalStateException("recover failed (test)"));
    }

    /** As above, a failed recovery failing with {@code recoverFailure}'s throwable. */
    static LogStore failingLogs(LogStore logs, HostRig rig, int[] lists, int[] recovers, int[] destroys,
                                java.util.function.Supplier<Throwable> recoverFailure) {
        return new LogStore() {
            @Override
            public ObjectLog open(String namespace, ObjectId id) {
                ObjectLog log = logs.open(namespace, id);
                return new ForwardingLog(log) {
                    @Override
                    public Promise<dev.duro.runtime.log.Recovery> recover() {
                        if (recovers[0]-- > 0) return Promise.failed(rig.world.loop(), recoverFailure.get());
                        return log.recover();
                    }

                    @Override
                    public Promise<Void> destroy() {
                        if (destroys[0]-- > 0) return Promise.failed(rig.world.loop(), new IllegalStateException("destroy failed (test)"));
                        return log.destroy();
                    }
                };
            }

            @Override
            public Promise<List<ObjectId>> list(String namespace) {
                if (lists[0]-- > 0) return Promise.failed(rig.world.loop(), new IllegalStateException("list failed (test)"));
                return logs.list(namespace);
            }
        };
    }

    /** A rig whose object "a" has a due alarm and whose restart's first {@code failures} recoveries fail. */
    private static HostRig restartWithFailingRecoveries(long seed, int maxRetries, int failures, Scripted s) {
        HostRig rig = new HostRig(seed, new dev.duro.runtime.config.RuntimeConfig(70_000, 140_000, 10_000, 30_000,
                2_000, maxRetries, 1_000, 1L << 30, 1L << 30, 64, java.util.Set.of()), s.full(NS));
        rig.fetch("a", "/set?in=1000");
        rig.crash();
        int[] recovers = {failures};
        rig.logWrapper = logs -> failingLogs(logs, rig, new int[] {0}, recovers, new int[] {0});
        rig.runMillis(2_000);
        rig.restart();
        return rig;
    }

    @Test
    void aFailedRecoveryAtStartIsRetriedWithBackoff() {
        Scripted s = alarmSetter();
        HostRig rig = restartWithFailingRecoveries(514, 6, 2, s);
        rig.runMillis(5_000); // probes at 0 s and 2 s fail; the third, 6 s after the restart, recovers
        assertThat(s.alarms).isEmpty();
        rig.runMillis(3_000);
        assertThat(s.alarms).hasSize(1);
    }

    @Test
    void probesStopAfterAlarmMaxRetries() {
        Scripted s = alarmSetter();
        HostRig rig = restartWithFailingRecoveries(515, 1, 2, s);
        rig.runMillis(30_000); // the first probe and its one retry fail; no third probe
        assertThat(s.alarms).isEmpty();
        assertThat(rig.host.residentObjects(NS)).isEmpty();
    }

    @Test
    void aResetWhoseDestroyFailsFailsAndTheHostServesAgain() {
        HostRig rig = new HostRig(516, HostRig.config(), new Scripted().plain(NS));
        rig.fetch("a", "/inc");
        int[] destroys = {0};
        rig.crash();
        rig.logWrapper = logs -> failingLogs(logs, rig, new int[] {0}, new int[] {0}, destroys);
        rig.restart();
        destroys[0] = 1;
        assertThat(rig.failure(r -> r.host.testHooks().resetAllState())).hasMessageContaining("destroy failed");
        assertThat(rig.fetch("a", "/inc")).as("no longer resetting: served").isEqualTo("2");
    }
}
