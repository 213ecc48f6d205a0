package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.config.NamespaceBinding;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.host.HostRig.NS;
import static dev.duro.runtime.host.ObjectHostCoreTest.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/** The output gate inside transactionSync, what keeps an object busy, and failing socket handlers. */
class ActivationGateTest {

    @Test
    void aSyncInsideATransactionWaitsForTheTransactionsBatchOnly() {
        HostRig rig = new HostRig(821, HostRig.config(), new Scripted().plain(NS));
        rig.fetch("a", "/inc"); // batch 1, durable
        rig.device.slowFsync(100);
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array the lambda fills
        Promise<Void>[] syncs = new Promise[2];
        rig.start(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            ctx.storage().transactionSync(() -> {
                syncs[0] = ctx.storage().sync(); // nothing written yet: batch 1 is the last, and durable
                ctx.storage().put("k", 2L);
                syncs[1] = ctx.storage().sync(); // waits for the batch this transaction becomes
            });
            return ctx.completed("done");
        }));
        rig.runMillis(2);
        assertThat(syncs[0].isDone() && !syncs[0].isFailed()).as("sync of nothing new is done at once").isTrue();
        assertThat(syncs[1].isDone()).as("the transaction's batch is still being written").isFalse();
        rig.runMillis(300);
        assertThat(syncs[1].isDone() && !syncs[1].isFailed()).isTrue();
        assertThat(rig.trace(RuntimeTrace.SEAL)).hasSize(2);
    }

    @Test
    void aSyncInsideATransactionBeforeAnyWriteWaitsForTheBatchStillBeingWritten() {
        HostRig rig = new HostRig(828, HostRig.config(), new Scripted().plain(NS));
        rig.fetch("a", "/get");
        rig.device.slowFsync(100);
        Promise<Response> inc = rig.fetchAsync("a", Request.get("/inc")); // batch 1, being written
        rig.runMillis(2);
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array the lambda fills
        Promise<Void>[] synced = new Promise[1];
        rig.start(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            ctx.storage().transactionSync(() -> {
                synced[0] = ctx.storage().sync();
            });
            return ctx.completed("done");
        }));
        rig.runMillis(2);
        assertThat(inc.isDone()).isFalse();
        assertThat(synced[0].isDone()).as("batch 1 is not durable yet").isFalse();
        rig.runMillis(300);
        assertThat(synced[0].isDone() && !synced[0].isFailed()).isTrue();
    }

    /**
     * A transaction that sets the alarm and rolls back leaves no write to seal but tells the host
     * the alarm is back to what it was; that note merges into the still unsettled batch which set
     * it, and must keep that batch's value, so the alarm still fires.
     */
    @Test
    void aRolledBackAlarmChangeMergedIntoAnUnsettledBatchKeepsItsValue() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(829, HostRig.config(), s.full(NS));
        rig.fetch("a", "/get");
        rig.device.slowFsync(100);
        long[] at = new long[1];
        rig.start(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            at[0] = ctx.nowMillis() + 1_000;
            ctx.storage().setAlarm(at[0]); // batch 1, its fsync slow
            return ctx.completed("set");
        }));
        rig.runMillis(2);
        rig.start(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            try {
                ctx.storage().transactionSync(() -> {
                    ctx.storage().setAlarm(ctx.nowMillis() + 60_000);
                    throw new IllegalStateException("roll back (test)");
                });
            } catch (IllegalStateException expected) {
                // the alarm is at[0] again
            }
            return ctx.completed("rolled back");
        }));
        rig.runMillis(3_000);
        assertThat(s.alarms).as("the alarm set by batch 1 fired").hasSize(1);
        assertThat(s.alarmWallMillis.get(0)).isGreaterThanOrEqualTo(at[0]);
    }

    /** Outputs made inside a transaction that rolled back wait for no batch that will never come. */
    @Test
    void outputsOfARolledBackTransactionLeaveOnceTheLastBatchIsDurable() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(822, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.fetch("b", "/get"); // the callee is active
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array the lambda fills
        Promise<?>[] waiting = new Promise[2];
        Promise<String> p = rig.await(x -> x.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, o) -> {
            try {
                ctx.storage().transactionSync(() -> {
                    ctx.storage().put("n", 5L);
                    waiting[0] = ctx.storage().sync();
                    waiting[1] = ctx.namespace(NS).getByName("b").fetch(Request.get("/inc"));
                    throw new IllegalStateException("roll back");
                });
            } catch (IllegalStateException expected) {
                // rolled back: nothing of it is written
            }
            return ctx.completed("rolled back");
        }));
        assertThat(p.value()).isEqualTo("rolled back");
        rig.runMillis(20);
        assertThat(waiting[0].isDone() && !waiting[0].isFailed()).as("sync done").isTrue();
        assertThat(waiting[1].isDone() && !waiting[1].isFailed()).as("call sent and answered").isTrue();
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
        assertThat(rig.fetch("b", "/get")).isEqualTo("1");
    }

    @Test
    void anObjectWithAnEventInFlightIsNotEvicted() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> sleep(ctx.promise().loop(), 200_000, Response.ok("slow"));
        HostRig rig = new HostRig(823, HostRig.config(), s.plain(NS));
        Promise<Response> p = rig.fetchAsync("a", Request.get("/slow"));
        rig.runMillis(150_000); // past the longest idle draw
        assertThat(rig.trace(RuntimeTrace.EVICT)).isEmpty();
        rig.runUntil(p::isDone, 60_000);
        assertThat(p.value().bodyText()).isEqualTo("slow");
    }

    /** Both socket handlers throw: the socket closes, both failures are traced, the object still falls idle. */
    static final class Throwing implements DurableObject, WebSocketHandler {
        final ObjectContext ctx;

        Throwing(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request request) {
            ctx.acceptWebSocket(request);
            return ctx.completed(Response.switchingProtocols());
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
            throw new IllegalStateException("message handler throws");
        }

        @Override
        public Promise<Void> webSocketError(WebSocket socket, Throwable error) {
            // Fails later, not at once: only its completion can tell the host the object went idle.
            return sleep(ctx.promise().loop(), 5, 0).map(v -> {
                throw new IllegalArgumentException("error handler fails too");
            });
        }
    }

    @Test
    void aFailingErrorHandlerIsTracedAndTheObjectStillFallsIdle() {
        HostRig rig = new HostRig(824, HostRig.config(), new NamespaceBinding(NS, (ObjectFactory) Throwing::new));
        long socket = WebSocketTest.connect(rig, "a", "t");
        WebSocketTest.message(rig, "a", socket, "hello");
        assertThat(rig.sockets.lines).containsExactly(socket + " close 1011 webSocketMessage threw");
        assertThat(rig.trace(RuntimeTrace.WS_HANDLER_FAILED)).hasSize(2);
        assertThat(rig.trace(RuntimeTrace.WS_HANDLER_FAILED).get(1)).endsWith("handler=webSocketError error=IllegalArgumentException");
        rig.runMillis(150_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1).first().asString().endsWith("reason=idle");
    }

    /** Sockets accepted by a fetch that did not answer 101 (or failed, or was reset) never open and are not kept. */
    @Test
    void socketsOfAFetchThatDidNotOpenThemAreDropped() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/accept-ok" -> {
                ctx.acceptWebSocket(r);
                yield ctx.completed(Response.ok("not upgraded"));
            }
            case "/accept-throw" -> {
                ctx.acceptWebSocket(r);
                throw new IllegalStateException("threw after accepting");
            }
            case "/accept-abort" -> {
                ctx.acceptWebSocket(r);
                ctx.abort("after accepting");
                yield ctx.completed(Response.ok("unreachable"));
            }
            case "/count" -> ctx.completed(Response.ok(Integer.toString(ctx.getWebSockets().size())));
            default -> Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(825, HostRig.config(), s.plain(NS));
        for (String path : new String[] {"/accept-ok", "/accept-throw", "/accept-abort"}) {
            rig.await(x -> x.host.fetch(NS, HostRig.id("a"), Request.webSocketUpgrade(path)));
            assertThat(rig.fetch("a", "/count")).as(path).isEqualTo("0");
        }
    }

    /** A handler failing with RESET (say a call to a reset object) passes RESET on as is. */
    @Test
    void aResetFromTheHandlerReachesTheCallerAsReset() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> ctx.failed(new dev.duro.model.object.DuroException(dev.duro.model.object.ErrorCode.RESET, "passed on"));
        HostRig rig = new HostRig(826, HostRig.config(), s.plain(NS));
        Throwable e = rig.failure(x -> x.host.fetch(NS, HostRig.id("a"), Request.get("/")));
        assertThat(e).isInstanceOfSatisfying(dev.duro.model.object.DuroException.class,
                d -> assertThat(d.code()).isEqualTo(dev.duro.model.object.ErrorCode.RESET)).hasMessage("passed on");
    }

    /** An alarm handler that aborts its activation is retried: the abandoned attempt counts as failed. */
    @Test
    void anAlarmAttemptAbandonedByAResetIsRetried() {
        Scripted s = AlarmTest.alarmScript();
        s.alarm = (ctx, info) -> {
            if (s.alarms.size() == 1) ctx.abort("first attempt aborts");
            return ctx.completed(null);
        };
        HostRig rig = new HostRig(827, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=10");
        rig.runMillis(30_000);
        assertThat(s.alarms).hasSize(2);
        assertThat(s.alarms.get(1).retryCount()).isEqualTo(1);
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
    }
}
