package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.RuntimeConfig;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The host's entry points at their edges: restarts with many alarms, resets, release, bad ids, limits. */
class ObjectHostEdgeTest {
    @Test
    void startingTwiceIsABug() {
        HostRig rig = new HostRig(401, HostRig.config(), new Scripted().plain(NS));
        assertThatThrownBy(() -> rig.host.start()).hasMessageContaining("start() called twice");
    }

    /**
     * A redeploy whose class has no alarm handler meets an alarm an earlier class persisted:
     * nothing can ever run it, so it is deleted (durably), the attempt ends, and the object serves
     * and is evicted as usual.
     */
    @Test
    void aPersistedAlarmMeetingAClassWithoutAHandlerIsDeletedAndTheObjectServesOn() {
        Scripted s = new Scripted();
        boolean[] withHandler = {true};
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/set" -> {
                ctx.storage().setAlarm(ctx.nowMillis() + 1_000);
                yield ctx.completed(Response.ok("set"));
            }
            case "/alarm" -> ctx.completed(Response.ok(String.valueOf(ctx.storage().getAlarm())));
            default -> Scripted.counter(ctx, r);
        };
        RuntimeConfig config = new RuntimeConfig(5_000, 5_000, 10_000, 30_000, 2_000, 6, 1_000,
                1L << 30, 1L << 30, 64, Set.of());
        HostRig rig = new HostRig(409, config, new dev.duro.runtime.config.NamespaceBinding(NS,
                (dev.duro.model.object.ObjectFactory) ctx -> withHandler[0] ? new Scripted.Full(ctx, s) : new Scripted.Plain(ctx, s)));
        assertThat(rig.fetch("a", "/set")).isEqualTo("set");
        rig.crash();
        withHandler[0] = false; // the redeploy
        rig.restart();
        rig.runMillis(3_000); // the restart re-arms the alarm; it comes due at a class without a handler
        assertThat(s.alarms).isEmpty();
        assertThat(rig.fetch("a", "/alarm")).as("the alarm is deleted").isEqualTo("Optional.empty");
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        rig.runMillis(10_000);
        assertThat(rig.host.residentObjects(NS)).as("idle, the attempt over: evicted").isEmpty();
        rig.crash();
        rig.restart();
        assertThat(rig.fetch("a", "/alarm")).as("the deletion was durable").isEqualTo("Optional.empty");
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
        assertThat(rig.trace(dev.duro.runtime.RuntimeTrace.EVENT_END)).as("every event, the alarm's too, ended")
                .hasSameSizeAs(rig.trace(dev.duro.runtime.RuntimeTrace.EVENT_BEGIN));
    }

    @Test
    void aRestartRearmsTheAlarmsOfEveryObjectInEveryNamespace() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().setAlarm(ctx.nowMillis() + 5_000);
            return ctx.completed(Response.ok("set"));
        };
        HostRig rig = new HostRig(402, HostRig.config(), s.full(NS), s.full("OTHER"));
        for (String ns : new String[] {NS, "OTHER"}) {
            for (String name : new String[] {"a", "b"}) {
                var id = rig.host.ids(ns).fromName(name);
                Response resp = rig.value(x -> x.host.fetch(ns, id, Request.get("/set")));
                assertThat(resp.bodyText()).isEqualTo("set");
            }
        }
        rig.crash();
        rig.restart();
        rig.runMillis(20_000);
        assertThat(s.alarms).as("every alarm fired after the restart without a request").hasSize(4);
    }

    @Test
    void aSecondInstanceOfAnAlarmClassMaySetItsAlarmInItsConstructor() {
        Scripted s = new Scripted();
        s.onConstruct = ctx -> ctx.storage().setAlarm(ctx.nowMillis() + 1_000);
        HostRig rig = new HostRig(403, HostRig.config(), s.full(NS));
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        assertThat(rig.fetch("b", "/inc")).isEqualTo("1");
        rig.runMillis(3_000);
        assertThat(s.alarms).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aRequestDuringAResetWaitsAndFindsNothing() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(404, HostRig.config(), s.plain(NS));
        for (int i = 0; i < 3; i++) rig.fetch("a", "/inc");
        Promise<Response> during = rig.start(r -> {
            r.host.testHooks().resetAllState();
            return r.host.fetch(NS, HostRig.id("a"), Request.get("/inc"));
        });
        rig.runUntil(during::isDone, 10_000);
        assertThat(during.isDone()).as("the request waiting for the reset was served after it").isTrue();
        assertThat(during.value().bodyText()).isEqualTo("1");
    }

    @Test
    void releasingAnObjectForgetsItsAlarmAndItsSlot() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().setAlarm(ctx.nowMillis() + 5_000);
            return ctx.completed(Response.ok("set"));
        };
        HostRig rig = new HostRig(405, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set");
        Promise<Void> released = rig.await(r -> r.host.release(NS, HostRig.id("a")));
        assertThat(released.isFailed()).isFalse();
        assertThat(rig.host.residentObjects(NS)).isEmpty();
        rig.runMillis(10_000);
        assertThat(s.alarms).as("the released object's alarm is the new owner's").isEmpty();
        assertThat(rig.await(r -> r.host.release(NS, HostRig.id("never"))).isFailed()).isFalse();
    }

    @Test
    void activateAndTestHooksRefuseForeignIdsAsFailedPromises() {
        HostRig rig = new HostRig(406, HostRig.config(), new Scripted().plain(NS));
        var foreign = new dev.duro.runtime.ids.ObjectIds(NS, "another-secret-0123456789".getBytes()).fromName("a");
        DuroException a = (DuroException) rig.failure(r -> r.host.activate(NS, foreign));
        assertThat(a.code()).isEqualTo(ErrorCode.INVALID_ID);
        DuroException run = (DuroException) rig.failure(r -> r.host.testHooks().runInObject(NS, foreign, (ctx, o) -> ctx.completed("x")));
        assertThat(run.code()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(rig.await(r -> r.host.testHooks().evict(NS, HostRig.id("never"))).isFailed()).isFalse();
        rig.fetch("listed", "/inc");
        java.util.List<dev.duro.model.object.ObjectId> listed = rig.value(r -> r.host.testHooks().listIds(NS));
        assertThat(listed).contains(HostRig.id("listed"));
    }

    @Test
    void withTheFailoverBugPlantedANodeThatTookNothingOverStillArmsAlarms() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().setAlarm(ctx.nowMillis() + 5_000);
            return ctx.completed(Response.ok("set"));
        };
        RuntimeConfig cfg = HostRig.config().withPlantedBugs(Set.of(PlantedBug.DROP_ALARM_ON_FAILOVER));
        HostRig rig = new HostRig(407, cfg, s.full(NS));
        rig.fetch("a", "/set");
        rig.crash();
        rig.restart();
        rig.runMillis(10_000);
        assertThat(s.alarms).hasSize(1);
    }

    @Test
    void aLoneRequestLargerThanTheByteLimitIsAdmitted() {
        HostRig rig = new HostRig(408, HostRig.config().withMaxQueued(1_000, 10), new Scripted().plain(NS));
        Request big = new Request("POST", "/inc", new java.util.TreeMap<>(), new byte[100]);
        Response r = rig.value(x -> x.host.fetch(NS, HostRig.id("a"), big));
        assertThat(r.bodyText()).isEqualTo("1");
    }

    @Test
    void requestsQueuedUpToExactlyTheByteLimitAreAdmitted() {
        HostRig rig = new HostRig(413, HostRig.config().withMaxQueued(1_000, 20), new Scripted().plain(NS));
        Request ten = new Request("POST", "/inc", new java.util.TreeMap<>(), new byte[10]);
        java.util.List<Promise<Response>> all = new java.util.ArrayList<>();
        rig.start(x -> {
            for (int i = 0; i < 2; i++) all.add(x.host.fetch(NS, HostRig.id("a"), ten)); // 10 + 10 bytes: exactly the limit
            return all.getFirst();
        });
        rig.runUntil(() -> all.stream().allMatch(Promise::isDone), 10_000);
        assertThat(all).allSatisfy(p -> assertThat(p.isFailed()).as("admitted: %s", p).isFalse());
        Request eleven = new Request("POST", "/inc", new java.util.TreeMap<>(), new byte[11]);
        java.util.List<Promise<Response>> over = new java.util.ArrayList<>();
        rig.start(x -> {
            for (int i = 0; i < 2; i++) over.add(x.host.fetch(NS, HostRig.id("a"), i < 1 ? ten : eleven));
            return over.getFirst();
        });
        rig.runUntil(() -> over.stream().allMatch(Promise::isDone), 10_000);
        assertThat(((DuroException) over.get(1).failure()).code()).isEqualTo(ErrorCode.OVERLOADED);
    }

    @Test
    void anIdleObjectIsEvictedWithinTheConfiguredWindow() {
        HostRig exact = activeAt900Ms(409, 1_000, 1_000);
        exact.runMillis(1_000);
        assertThat(exact.host.residentObjects(NS)).as("evicted at exactly 1 s idle").isEmpty();
        HostRig wide = activeAt900Ms(410, 1_000, 100_000); // a window never evicts before its minimum
        wide.runMillis(1_100);
        assertThat(wide.host.residentObjects(NS)).as("this seed draws well past the minimum").isNotEmpty();
        HostRig narrow = activeAt900Ms(411, 1_000, 1_001);
        narrow.runMillis(1_000);
        assertThat(narrow.host.residentObjects(NS)).isEmpty();
    }

    @Test
    void aCallerWaitingOnAStubCallFromATimerIsNotEvictedUnderItAndIsAfter() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/start" -> {
                ctx.setTimeout(10, () -> ctx.namespace(NS).getByName("slow").fetch(Request.get("/slow"))
                        .map(resp -> {
                            ctx.storage().put("result", resp.bodyText());
                            return resp;
                        }));
                yield ctx.completed(Response.ok("started"));
            }
            case "/slow" -> {
                Promise<Response> p = ctx.promise();
                ctx.setTimeout(3_000, () -> p.complete(Response.ok("late")));
                yield p;
            }
            case "/result" -> ctx.completed(Response.ok(String.valueOf(ctx.storage().get("result"))));
            default -> Scripted.counter(ctx, r);
        };
        RuntimeConfig cfg = new RuntimeConfig(1_000, 1_000, 10_000, 30_000, 2_000, 6, 1_000, 1L << 30, 1L << 30, 64, Set.of());
        HostRig rig = new HostRig(412, cfg, s.plain(NS));
        assertThat(rig.fetch("caller", "/start")).isEqualTo("started");
        rig.runMillis(3_500);
        assertThat(s.constructed).as("the caller was not evicted while its call was out (caller + callee)").isEqualTo(2);
        rig.runMillis(2_000);
        assertThat(rig.host.residentObjects(NS)).as("both idle and evicted once the call came back").isEmpty();
        assertThat(rig.fetch("caller", "/result")).isEqualTo("late");
    }

    /** A rig evicting after [minMs, maxMs] idle whose object "a" served one request and is still active 900 ms later. */
    private static HostRig activeAt900Ms(long seed, long minMs, long maxMs) {
        RuntimeConfig cfg = new RuntimeConfig(minMs, maxMs, 10_000, 30_000, 2_000, 6, 1_000, 1L << 30, 1L << 30, 64, Set.of());
        HostRig rig = new HostRig(seed, cfg, new Scripted().plain(NS));
        rig.fetch("a", "/inc");
        rig.runMillis(900);
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("a")).orElseThrow().state())
                .isEqualTo(ActivationInfo.State.ACTIVE);
        return rig;
    }
}
