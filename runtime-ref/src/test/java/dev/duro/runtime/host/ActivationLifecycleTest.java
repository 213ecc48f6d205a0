package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.TimerHandle;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.trace.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.duro.runtime.host.HostRig.NS;
import static dev.duro.runtime.host.ObjectHostCoreTest.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Activation's lifecycle details the broader host tests pass over: every event is bracketed in the
 * trace, timer handles, a stale context, idleness after work that finishes later, resets while
 * loading or with work waiting for durability, calls made inside blockConcurrencyWhile.
 */
class ActivationLifecycleTest {

    /** A script that covers every event kind: fetch (sync and later), alarms, timers, sockets. */
    static Scripted everything() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/ws" -> {
                ctx.acceptWebSocket(r, "t");
                yield ctx.completed(Response.switchingProtocols());
            }
            case "/set" -> {
                long at = ctx.nowMillis() + Long.parseLong(r.query("in"));
                ctx.storage().setAlarm(at);
                yield ctx.completed(Response.ok(Long.toString(at)));
            }
            case "/alarm" -> ctx.completed(Response.ok(ctx.storage().getAlarm().map(String::valueOf).orElse("none")));
            case "/timer" -> {
                ctx.setTimeout(5, () -> ctx.storage().put("timer", 1L));
                yield ctx.completed(Response.ok("armed"));
            }
            case "/later" -> sleep(ctx.promise().loop(), 5, Response.ok("later"));
            case "/later-fail" -> sleep(ctx.promise().loop(), 5, 0).map(v -> {
                throw new IllegalStateException("failed later");
            });
            default -> Scripted.counter(ctx, r);
        };
        return s;
    }

    static RuntimeConfig withAlarmRetries(int retries) {
        RuntimeConfig d = RuntimeConfig.defaults();
        return new RuntimeConfig(d.evictIdleMinMs(), d.evictIdleMaxMs(), d.hibernateIdleMs(),
                d.blockConcurrencyTimeoutMs(), 100, retries, d.maxQueuedEvents(),
                d.storageSizeLimitBytes(), d.retentionMillis(), d.snapshotEveryBatches(), Set.of());
    }

    /** Asserts the trace's event brackets strictly alternate (no event opens inside another, none is left open). */
    static void assertBracketed(HostRig rig) {
        List<String> seq = new ArrayList<>();
        for (TraceEvent e : rig.events) {
            if (RuntimeTrace.EVENT_BEGIN.equals(e.label())) seq.add("B");
            if (RuntimeTrace.EVENT_END.equals(e.label())) seq.add("E");
        }
        assertThat(String.join("", seq)).as("event brackets").matches("(BE)+");
    }

    static <T> T inObject(HostRig rig, String name, java.util.function.BiFunction<ObjectContext, dev.duro.model.object.DurableObject, Promise<T>> fn) {
        return rig.value(x -> x.host.testHooks().runInObject(NS, HostRig.id(name), fn));
    }

    @Test
    void everyKindOfEventIsBracketedByItsBeginAndEnd() {
        Scripted s = everything();
        HostRig rig = new HostRig(801, HostRig.config(), s.full(NS));
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        assertThat(rig.fetch("a", "/later")).isEqualTo("later");
        String in = inObject(rig, "a", (ctx, o) -> ctx.completed("in"));
        assertThat(in).isEqualTo("in");
        assertThat(rig.fetch("a", "/timer")).isEqualTo("armed");
        rig.runMillis(20);
        long socket = WebSocketTest.connect(rig, "a", "t");
        WebSocketTest.message(rig, "a", socket, "hello");
        rig.fetch("a", "/set?in=10");
        rig.runMillis(100);
        assertThat(s.alarms).hasSize(1);
        for (String kind : List.of("construct", "fetch", "test", "timer", "ws-message", "alarm")) {
            assertThat(rig.trace(RuntimeTrace.EVENT_BEGIN)).as(kind).anyMatch(d -> d.endsWith("event=" + kind));
        }
        assertBracketed(rig);
    }

    @Test
    void anAlarmWhoseRetriesRanOutIsDeletedInABracketedEventAndTheSlotIsForgotten() {
        Scripted s = everything();
        s.alarm = (ctx, info) -> ctx.failed(new IllegalStateException("alarm fails"));
        HostRig rig = new HostRig(802, withAlarmRetries(1), s.full(NS));
        rig.fetch("a", "/set?in=10");
        rig.runMillis(5_000);
        assertThat(s.alarms).hasSize(2);
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
        assertBracketed(rig);
        rig.runMillis(150_000); // past the longest idle eviction
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("a"))).as("slot forgotten").isEmpty();
    }

    @Test
    void aTimerHandleCancelsOnceAndNotAfterItRan() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(803, HostRig.config(), s.plain(NS));
        int[] ran = {0};
        TimerHandle[] fired = new TimerHandle[1];
        String cancels = inObject(rig, "a", (ctx, o) -> {
            TimerHandle t = ctx.setTimeout(10, () -> ran[0] += 100);
            fired[0] = ctx.setTimeout(10, () -> ran[0]++);
            return ctx.completed(t.cancel() + "," + t.cancel());
        });
        assertThat(cancels).isEqualTo("true,false");
        rig.runMillis(50);
        assertThat(ran[0]).as("only the timer not cancelled ran").isEqualTo(1);
        assertThat(fired[0].cancel()).as("a timer that ran cancels nothing").isFalse();
    }

    @Test
    void aContextOfAnEndedActivationRefusesWorkWithReset() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(804, HostRig.config(), s.plain(NS));
        ObjectContext[] old = new ObjectContext[1];
        inObject(rig, "a", (ctx, o) -> {
            old[0] = ctx;
            return ctx.completed("ok");
        });
        rig.value(x -> x.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.fetch("a", "/get")).isEqualTo("0"); // a new activation serves meanwhile
        boolean[] ran = {false};
        assertThatThrownBy(() -> old[0].blockConcurrencyWhile(() -> {
            ran[0] = true;
            return old[0].completed(1);
        })).isInstanceOfSatisfying(DuroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESET))
                .hasMessageContaining("has ended");
        assertThat(ran[0]).as("no user code runs for an ended activation").isFalse();
        assertThatThrownBy(() -> old[0].abort("late")).hasMessageContaining("has ended");
        assertThatThrownBy(() -> old[0].acceptWebSocket(Request.webSocketUpgrade("/ws"), "t")).hasMessageContaining("has ended");
    }

    @Test
    void aNullWebSocketTagIsRefusedWithTheLimitError() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            try {
                ctx.acceptWebSocket(r, new String[] {null});
                return ctx.completed(Response.ok("accepted"));
            } catch (DuroException e) {
                return ctx.completed(Response.ok(e.code() + " " + e.getMessage()));
            }
        };
        HostRig rig = new HostRig(805, HostRig.config(), s.plain(NS));
        Response r = rig.value(x -> x.host.fetch(NS, HostRig.id("a"), Request.webSocketUpgrade("/ws")));
        assertThat(r.bodyText()).startsWith("WEBSOCKET_LIMIT").endsWith("got null");
    }

    /** Work that finishes after its event's turn must still let the object fall idle and be evicted. */
    @Test
    void anObjectIsEvictedAfterAResponseThatCameLater() {
        HostRig rig = new HostRig(806, HostRig.config(), everything().plain(NS));
        assertThat(rig.fetch("a", "/later")).isEqualTo("later");
        rig.runMillis(141_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
    }

    @Test
    void anObjectIsEvictedAfterAFailureThatCameLater() {
        HostRig rig = new HostRig(807, HostRig.config(), everything().plain(NS));
        Promise<Response> p = rig.await(x -> x.host.fetch(NS, HostRig.id("a"), Request.get("/later-fail")));
        assertThat(p.isFailed()).isTrue();
        rig.runMillis(141_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
    }

    @Test
    void anObjectIsEvictedAfterATestHookThatFinishedLater() {
        HostRig rig = new HostRig(808, HostRig.config(), new Scripted().plain(NS));
        inObject(rig, "a", (ctx, o) -> sleep(ctx.promise().loop(), 5, "later"));
        rig.runMillis(141_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
    }

    @Test
    void aHibernatableObjectIsEvictedAfterASocketHandlerThatFinishedLater() {
        Scripted s = everything();
        s.onMessage = (ctx, ws) -> sleep(ctx.promise().loop(), 5, null);
        HostRig rig = new HostRig(809, HostRig.config(), s.full(NS));
        long socket = WebSocketTest.connect(rig, "a", "t");
        WebSocketTest.message(rig, "a", socket, "hello");
        assertThat(s.received).containsExactly(socket + ":hello");
        rig.runMillis(141_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1).first().asString().endsWith("reason=hibernate");
    }

    @Test
    void anObjectIsEvictedAfterAnAlarmHandlerThatFinishedLater() {
        Scripted s = everything();
        s.alarm = (ctx, info) -> {
            ctx.storage().deleteAlarm();
            return sleep(ctx.promise().loop(), 50, null);
        };
        HostRig rig = new HostRig(810, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=10");
        rig.runMillis(1_000);
        assertThat(s.alarms).hasSize(1);
        assertThat(rig.trace(RuntimeTrace.ALARM_DELETE)).hasSize(1);
        rig.runMillis(141_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
    }

    @Test
    void aResetWhileLoadingEndsTheActivationBeforeItServes() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(811, HostRig.config(), s.plain(NS));
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array the lambda fills
        Promise<Response>[] fetched = new Promise[1];
        Promise<Void> reset = rig.start(x -> {
            fetched[0] = x.host.fetch(NS, HostRig.id("a"), Request.get("/inc"));
            return x.host.testHooks().resetAllState();
        });
        rig.runUntil(reset::isDone, 10_000);
        assertThat(reset.isDone()).as("the reset finished").isTrue();
        assertThat(fetched[0].isFailed()).isTrue();
        assertThat(rig.trace(RuntimeTrace.RESET)).anyMatch(d -> d.endsWith("reason=test-reset"));
        assertThat(s.constructed).as("the loading activation never ran the constructor").isZero();
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
    }

    @Test
    void aResetFailsASyncThatWasWaitingForDurability() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(812, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/get");
        rig.device.slowFsync(2_000);
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array the lambda fills
        Promise<Void>[] synced = new Promise[1];
        rig.start(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            ctx.storage().put("k", 1L);
            synced[0] = ctx.storage().sync();
            return ctx.completed("written");
        }));
        rig.runMillis(5);
        assertThat(synced[0].isDone()).isFalse();
        rig.start(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            ctx.abort("enough");
            return ctx.completed("unreachable");
        }));
        rig.runMillis(5);
        assertThat(synced[0].isFailed()).as("sync failed by the reset, not left waiting").isTrue();
        assertThat(((DuroException) synced[0].failure()).code()).isEqualTo(ErrorCode.RESET);
    }

    /** A call made inside blockConcurrencyWhile is part of that work: its response passes the closed gate. */
    @Test
    void aCallInsideBlockConcurrencyWhileGetsItsResponseThroughTheClosedGate() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/call-in-bcw" -> ctx.blockConcurrencyWhile(
                    () -> ctx.namespace(NS).getByName("other").fetch(Request.get("/inc"))).map(resp -> Response.ok("got " + resp.bodyText()));
            default -> Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(813, HostRig.config(), s.plain(NS));
        Promise<Response> p = rig.await(x -> x.host.fetch(NS, HostRig.id("a"), Request.get("/call-in-bcw")));
        assertThat(p.isFailed()).as("failed: %s", p.isFailed() ? p.failure() : null).isFalse();
        assertThat(p.value().bodyText()).isEqualTo("got 1");
        assertThat(rig.trace(RuntimeTrace.RESET)).isEmpty();
    }

    /** A response to a call made outside blockConcurrencyWhile waits behind a later blockConcurrencyWhile. */
    @Test
    void aCallOutsideBlockConcurrencyWhileResumesOnlyAfterIt() {
        Scripted s = new Scripted();
        List<String> order = new ArrayList<>();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/call" -> ctx.namespace(NS).getByName("other").fetch(Request.get("/inc")).map(resp -> {
                order.add("resumed");
                return Response.ok("called");
            });
            case "/block" -> ctx.blockConcurrencyWhile(() -> sleep(ctx.promise().loop(), 200, 0).map(v -> {
                order.add("unblocked");
                return Response.ok("blocked");
            }));
            default -> Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(814, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/get");
        rig.fetch("other", "/get"); // both active, so the call is answered within the block
        Promise<Response> call = rig.start(x -> x.host.fetch(NS, HostRig.id("a"), Request.get("/call")));
        Promise<Response> block = rig.start(x -> x.host.fetch(NS, HostRig.id("a"), Request.get("/block")));
        rig.runUntil(() -> call.isDone() && block.isDone(), 10_000);
        assertThat(order).containsExactly("unblocked", "resumed");
    }
}
