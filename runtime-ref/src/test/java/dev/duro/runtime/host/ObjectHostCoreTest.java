package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.Loop;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.config.RuntimeConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Activation, the gates, coalescing, resets: the host's core, on the real storage engine and disk log. */
class ObjectHostCoreTest {

    /** A promise completed by a raw loop timer: waiting that is not an event of the object. */
    static <T> Promise<T> sleep(Loop loop, long ms, T value) {
        Promise<T> p = Promise.on(loop);
        loop.schedule(ms * 1_000_000L, () -> p.complete(value));
        return p;
    }

    @Test
    void activatesOnFirstEventAndRerunsTheConstructorAfterIdleEviction() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(1, HostRig.config(), s.plain(NS));
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        assertThat(rig.fetch("a", "/inc")).isEqualTo("2");
        assertThat(s.constructed).isEqualTo(1);
        assertThat(rig.trace(RuntimeTrace.RECOVER_BEGIN)).hasSize(1).first().asString().endsWith("epoch=1");
        assertThat(rig.trace(RuntimeTrace.EVENT_BEGIN)).first().asString().endsWith("event=construct");

        rig.runMillis(141_000); // past the longest idle draw
        assertThat(rig.trace(RuntimeTrace.EVICT)).containsExactly("id=" + HostRig.id("a").hex() + " epoch=1 reason=idle");
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("a"))).isEmpty();

        assertThat(rig.fetch("a", "/get")).isEqualTo("2");
        assertThat(s.constructed).isEqualTo(2);
        assertThat(rig.trace(RuntimeTrace.RECOVER_END)).last().asString().endsWith("epoch=2 seq=2");
    }

    @Test
    void idleEvictionWaitsForAnIdleDrawBetweenMinAndMax() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(2, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.runMillis(69_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).isEmpty();
        rig.runMillis(72_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
    }

    @Test
    void writesOfOneTurnCommitAsOneBatch() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().put("a", 1L);
            ctx.storage().put("b", 2L);
            ctx.storage().delete("a");
            return ctx.completed(Response.ok("ok"));
        };
        HostRig rig = new HostRig(3, HostRig.config(), s.plain(NS));
        rig.fetch("x", "/");
        assertThat(rig.trace(RuntimeTrace.WRITE)).hasSize(3);
        assertThat(rig.trace(RuntimeTrace.SEAL)).hasSize(1).first().asString().endsWith("seq=1");
        assertThat(rig.trace(RuntimeTrace.DURABLE)).hasSize(1);
        assertThat(rig.trace(RuntimeTrace.OUTPUT)).hasSize(1).first().asString().endsWith("kind=response seq=1");
    }

    @Test
    void writesSeparatedByAWaitAreSeparateBatches() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().put("a", 1L);
            return sleep(ctx.promise().loop(), 5, 0).map(v -> {
                ctx.storage().put("b", 2L);
                return Response.ok("ok");
            });
        };
        HostRig rig = new HostRig(4, HostRig.config(), s.plain(NS));
        rig.fetch("x", "/");
        assertThat(rig.trace(RuntimeTrace.SEAL)).hasSize(2);
        assertThat(rig.trace(RuntimeTrace.OUTPUT)).hasSize(1).first().asString().endsWith("kind=response seq=2");
    }

    @Test
    void aResponseLeavesOnlyAfterItsWritesAreDurable() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(5, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/get"); // activate first, so the next request's batch is the only I/O
        rig.device.slowFsync(2_000);
        Promise<Response> p = rig.fetchAsync("a", Request.get("/inc"));
        rig.runMillis(2);
        assertThat(rig.trace(RuntimeTrace.SEAL)).hasSize(1);
        assertThat(rig.trace(RuntimeTrace.DURABLE)).isEmpty();
        assertThat(p.isDone()).as("response held while the fsync runs").isFalse();
        rig.runUntil(p::isDone, 60_000);
        assertThat(p.value().bodyText()).isEqualTo("1");
        assertThat(rig.indexOf(RuntimeTrace.OUTPUT, "kind=response seq=1"))
                .isGreaterThan(rig.indexOf(RuntimeTrace.DURABLE, "seq=1"));
    }

    @Test
    void aCrashBeforeTheFsyncMeansTheResponseIsNeverSentAndTheWriteIsLost() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(6, HostRig.config(), s.plain(NS));
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        rig.device.slowFsync(10_000);
        Promise<Response> p = rig.fetchAsync("a", Request.get("/inc"));
        rig.runMillis(2);
        assertThat(p.isDone()).isFalse();
        rig.crash();
        rig.runMillis(100);
        assertThat(p.isDone()).as("a crashed node answers nothing").isFalse();
        assertThat(rig.trace(RuntimeTrace.OUTPUT)).hasSize(1);
        rig.device.slowFsync(1);
        rig.restart();
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }

    @Test
    void aFailedWriteReplacesHeldOutputsWithResetErrorsAndResetsTheActivation() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(7, HostRig.config(), s.plain(NS));
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        rig.device.setFull(true);
        Throwable t = rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/inc")));
        assertThat(t).isInstanceOf(DuroException.class);
        assertThat(((DuroException) t).code()).isEqualTo(ErrorCode.RESET);
        assertThat(((DuroException) t).isRetryable()).isTrue();
        assertThat(rig.trace(RuntimeTrace.RESET)).hasSize(1).first().asString().endsWith("epoch=1 reason=write-failed");
        assertThat(rig.trace(RuntimeTrace.OUTPUT)).hasSize(1); // only the first response ever left
        rig.device.setFull(false);
        assertThat(rig.fetch("a", "/get")).as("the uncommitted write was dropped").isEqualTo("1");
        assertThat(s.constructed).isEqualTo(2);
        assertThat(rig.trace(RuntimeTrace.RECOVER_BEGIN)).last().asString().endsWith("epoch=2");
    }

    @Test
    void abortDropsUncommittedWritesAndFailsTheEventWithReset() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(8, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        s.fetch = (ctx, r) -> {
            if (r.pathOnly().equals("/abort")) {
                ctx.storage().put("n", 100L);
                ctx.abort("test says so");
            }
            return Scripted.counter(ctx, r);
        };
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/abort")));
        assertThat(e.code()).isEqualTo(ErrorCode.RESET);
        assertThat(rig.trace(RuntimeTrace.RESET)).hasSize(1).first().asString().endsWith("reason=abort");
        assertThat(rig.trace(RuntimeTrace.SEAL)).hasSize(1);
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }

    @Test
    void aHandlerExceptionReachesTheCallerAsARemoteObjectErrorWithoutReset() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(9, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/throw")));
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.isRemote()).isTrue();
        assertThat(e.getMessage()).isEqualTo("boom from the handler");
        assertThat(rig.trace(RuntimeTrace.RESET)).isEmpty();
        assertThat(rig.fetch("a", "/inc")).isEqualTo("2");
        assertThat(s.constructed).isEqualTo(1);
    }

    @Test
    void aFailingConstructorFailsTheEventThatWokeItAndTheNextEventRetries() {
        Scripted s = new Scripted();
        int[] attempts = {0};
        s.onConstruct = ctx -> {
            if (attempts[0]++ == 0) throw new IllegalArgumentException("first construction fails");
        };
        HostRig rig = new HostRig(10, HostRig.config(), s.plain(NS));
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/inc")));
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.getMessage()).contains("constructor").contains("first construction fails");
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
    }

    @Test
    void tooManyQueuedRequestsAreRefusedAsOverloaded() {
        Scripted s = new Scripted();
        RuntimeConfig small = new RuntimeConfig(70_000, 140_000, 10_000, 30_000, 2_000, 6, 2,
                10L << 30, 1000L * 3600 * 24, 64, Set.of());
        s.fetch = (ctx, r) -> r.pathOnly().equals("/block")
                ? ctx.blockConcurrencyWhile(() -> sleep(ctx.promise().loop(), 1000, Response.ok("blocked")))
                : Scripted.counter(ctx, r);
        HostRig rig = new HostRig(11, small, s.plain(NS));
        rig.fetch("a", "/get");
        List<Promise<Response>> ps = rig.start(r -> {
            List<Promise<Response>> all = new ArrayList<>();
            all.add(r.host.fetch(NS, HostRig.id("a"), Request.get("/block")));
            return Promise.succeeded(r.world.loop(), all);
        }).value();
        rig.runMillis(5);
        List<Promise<Response>> more = new ArrayList<>();
        for (int i = 0; i < 4; i++) more.add(rig.fetchAsync("a", Request.get("/inc")));
        rig.runUntil(() -> more.stream().allMatch(Promise::isDone) && ps.getFirst().isDone(), 10_000);
        assertThat(more.get(0).value().bodyText()).isEqualTo("1");
        assertThat(more.get(1).value().bodyText()).isEqualTo("2");
        for (Promise<Response> p : more.subList(2, 4)) {
            DuroException e = (DuroException) p.failure();
            assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
            assertThat(e.isOverloaded()).isTrue();
        }
    }

    @Test
    void noEventIsDeliveredInsideBlockConcurrencyWhile() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            if (r.pathOnly().equals("/slow-init")) {
                return ctx.blockConcurrencyWhile(() -> sleep(ctx.promise().loop(), 100, 0).map(v -> {
                    ctx.storage().put("n", 41L);
                    return Response.ok("init");
                }));
            }
            return Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(12, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/get");
        Promise<Response> init = rig.fetchAsync("a", Request.get("/slow-init"));
        Promise<Response> inc = rig.fetchAsync("a", Request.get("/inc"));
        rig.runUntil(() -> init.isDone() && inc.isDone(), 5_000);
        assertThat(init.value().bodyText()).isEqualTo("init");
        assertThat(inc.value().bodyText()).as("the increment waited for the block").isEqualTo("42");
    }

    @Test
    void blockConcurrencyWhileTimesOutAndResets() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> r.pathOnly().equals("/hang")
                ? ctx.blockConcurrencyWhile(ctx::promise)
                : Scripted.counter(ctx, r);
        HostRig rig = new HostRig(13, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        Promise<Response> hang = rig.fetchAsync("a", Request.get("/hang"));
        Promise<Response> after = rig.fetchAsync("a", Request.get("/get"));
        rig.runMillis(29_000);
        assertThat(hang.isDone()).isFalse();
        assertThat(after.isDone()).as("blocked behind the block").isFalse();
        rig.runUntil(() -> hang.isDone() && after.isDone(), 5_000);
        assertThat(((DuroException) hang.failure()).code()).isEqualTo(ErrorCode.RESET);
        assertThat(rig.trace(RuntimeTrace.RESET)).hasSize(1).first().asString().endsWith("reason=bcw-timeout");
        assertThat(after.value().bodyText()).as("served by the next activation").isEqualTo("1");
        assertThat(s.constructed).isEqualTo(2);
    }

    @Test
    void noEventIsDeliveredWhileStateLoads() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(14, HostRig.config(), s.plain(NS));
        for (int i = 0; i < 5; i++) rig.fetch("a", "/inc");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        List<Promise<Response>> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) ps.add(rig.fetchAsync("a", Request.get("/get")));
        rig.runUntil(() -> ps.stream().allMatch(Promise::isDone), 5_000);
        for (Promise<Response> p : ps) assertThat(p.value().bodyText()).isEqualTo("5");
        assertNoEventWhileLoading(rig);
    }

    static void assertNoEventWhileLoading(HostRig rig) {
        boolean loading = false;
        for (String f : rig.facts()) {
            if (f.startsWith(RuntimeTrace.RECOVER_BEGIN)) loading = true;
            if (f.startsWith(RuntimeTrace.RECOVER_END) || f.startsWith(RuntimeTrace.RESET)) loading = false;
            if (f.startsWith(RuntimeTrace.EVENT_BEGIN)) assertThat(loading).as("event while loading: " + rig.facts()).isFalse();
        }
    }

    @Test
    void aFailedRecoveryFailsTheWaitingEventsAsInternalAndTheNextEventRetries() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(15, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        rig.device.failReads(dev.duro.sim.disk.ReadFaultRule.everything());
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/get")));
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).contains("recovering object");
        assertThat(rig.trace(RuntimeTrace.RESET)).last().asString().endsWith("reason=recover-failed");
        rig.device.clearReadFaults();
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }
}
