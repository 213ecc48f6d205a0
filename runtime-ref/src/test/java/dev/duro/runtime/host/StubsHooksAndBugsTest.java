package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.config.RuntimeConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Stubs between objects, timers, the test hooks, and the gate-breaking planted bugs. */
class StubsHooksAndBugsTest {
    @Test
    void callsThroughOneStubArriveInOrderEachBehindTheCallersOutputGate() {
        Scripted s = new Scripted();
        List<String> arrivals = new ArrayList<>();
        s.fetch = (ctx, r) -> {
            if (r.pathOnly().equals("/fanout")) {
                ObjectStub stub = ctx.namespace(NS).getByName("target");
                List<Promise<Response>> calls = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    ctx.storage().put("k" + i, (long) i); // each call waits for this write
                    calls.add(stub.fetch(Request.get("/record?i=" + i)));
                }
                return Promise.all(ctx.promise().loop(), calls).map(rs -> Response.ok(rs.size() + " calls"));
            }
            if (r.pathOnly().equals("/record")) {
                arrivals.add(r.query("i"));
                return ctx.completed(Response.ok("ok"));
            }
            return Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(51, HostRig.config(), s.plain(NS));
        assertThat(rig.fetch("caller", "/fanout")).isEqualTo("3 calls");
        assertThat(arrivals).containsExactly("1", "2", "3");
        String caller = "id=" + HostRig.id("caller").hex();
        long firstCall = rig.indexOf(RuntimeTrace.OUTPUT, "kind=call");
        assertThat(firstCall).isGreaterThan(rig.indexOf(RuntimeTrace.DURABLE, caller + " epoch=1 seq=1"));
        assertThat(rig.trace(RuntimeTrace.EVENT_BEGIN)).filteredOn(d -> d.startsWith(caller) && d.endsWith("event=resume")).hasSize(3);
    }

    @Test
    void aStubThatSawAFailureIsBroken() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            if (r.pathOnly().equals("/twice")) {
                ObjectStub stub = ctx.namespace(NS).getByName("target");
                return stub.fetch(Request.get("/throw")).recover(e -> Response.ok("first:" + ((DuroException) e).code()))
                        .flatMap(first -> stub.fetch(Request.get("/get"))
                                .recover(e -> Response.ok(first.bodyText() + " second:" + ((DuroException) e).code())));
            }
            return Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(52, HostRig.config(), s.plain(NS));
        assertThat(rig.fetch("caller", "/twice")).isEqualTo("first:OBJECT_ERROR second:STUB_BROKEN");
    }

    @Test
    void unknownNamespacesAndForeignIdsAreRefused() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(53, HostRig.config(), s.plain(NS));
        DuroException ns = (DuroException) rig.failure(r -> r.host.fetch("NOPE", HostRig.id("a"), Request.get("/get")));
        assertThat(ns.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE);
        ObjectId foreign = new dev.duro.runtime.ids.ObjectIds(NS, "another-secret-0123456789".getBytes()).fromName("a");
        DuroException id = (DuroException) rig.failure(r -> r.host.fetch(NS, foreign, Request.get("/get")));
        assertThat(id.code()).isEqualTo(ErrorCode.INVALID_ID);
    }

    @Test
    void timersRunAsEventsAndAreCancelledByEviction() {
        Scripted s = new Scripted();
        List<String> fired = new ArrayList<>();
        s.fetch = (ctx, r) -> {
            if (r.pathOnly().equals("/timer")) {
                ctx.setTimeout(Long.parseLong(r.query("ms")), () -> fired.add(r.query("ms")));
                return ctx.completed(Response.ok("armed"));
            }
            return Scripted.counter(ctx, r);
        };
        HostRig rig = new HostRig(54, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/timer?ms=100");
        rig.fetch("a", "/timer?ms=5000");
        rig.runMillis(200);
        assertThat(fired).containsExactly("100");
        assertThat(rig.trace(RuntimeTrace.EVENT_BEGIN)).last().asString().endsWith("event=timer");
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        rig.runMillis(6_000);
        assertThat(fired).containsExactly("100");
    }

    @Test
    void testHooksRunInsideListEvictAndResetEverything() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(55, HostRig.config(), s.plain(NS));
        rig.fetch("a", "/inc");
        rig.fetch("b", "/inc");
        long n = rig.value(r -> r.host.testHooks().runInObject(NS, HostRig.id("a"), (ctx, obj) -> {
            assertThat(obj).isInstanceOf(Scripted.Plain.class);
            ctx.storage().put("n", 10L);
            return ctx.completed(Scripted.value(ctx));
        }));
        assertThat(n).isEqualTo(10);
        assertThat(rig.trace(RuntimeTrace.EVENT_BEGIN)).last().asString().endsWith("event=test");
        assertThat(rig.<List<ObjectId>>value(r -> r.host.testHooks().listIds(NS)))
                .containsExactlyInAnyOrder(HostRig.id("a"), HostRig.id("b"));
        ActivationInfo info = rig.host.testHooks().activationInfo(NS, HostRig.id("a")).orElseThrow();
        assertThat(info.state()).isEqualTo(ActivationInfo.State.ACTIVE);
        assertThat(info.epoch()).isEqualTo(1);
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("a"))).isEmpty();
        assertThat(rig.fetch("a", "/get")).isEqualTo("10");
        rig.value(r -> r.host.testHooks().resetAllState());
        assertThat(rig.<List<ObjectId>>value(r -> r.host.testHooks().listIds(NS))).isEmpty();
        assertThat(rig.fetch("a", "/get")).isEqualTo("0");
        assertThat(rig.fetch("b", "/get")).isEqualTo("0");
    }

    @Test
    void plantedOutputGateOpenEarlyReleasesResponsesBeforeTheirWritesAreDurable() {
        for (boolean bug : new boolean[] {false, true}) {
            Scripted s = new Scripted();
            RuntimeConfig config = HostRig.config().withPlantedBugs(bug ? Set.of(PlantedBug.OUTPUT_GATE_OPEN_EARLY) : Set.of());
            HostRig rig = new HostRig(56, config, s.plain(NS));
            rig.fetch("a", "/get");
            rig.device.slowFsync(1_000);
            Promise<Response> p = rig.fetchAsync("a", Request.get("/inc"));
            rig.runMillis(2);
            assertThat(p.isDone()).as("bug=" + bug + " " + rig.facts()).isEqualTo(bug);
            rig.runUntil(() -> p.isDone() && !rig.trace(RuntimeTrace.DURABLE).isEmpty(), 30_000);
            boolean outputBeforeDurable = rig.indexOf(RuntimeTrace.OUTPUT, "kind=response seq=1")
                    < rig.indexOf(RuntimeTrace.DURABLE, "seq=1");
            assertThat(outputBeforeDurable).as("bug=" + bug + " " + rig.facts()).isEqualTo(bug);
        }
    }

    @Test
    void plantedInputGateOpenDeliversEventsWhileStateLoadsAndInsideBlockConcurrencyWhile() {
        for (boolean bug : new boolean[] {false, true}) {
            Scripted s = new Scripted();
            RuntimeConfig config = HostRig.config().withPlantedBugs(bug ? Set.of(PlantedBug.INPUT_GATE_OPEN) : Set.of());
            HostRig rig = new HostRig(57, config, s.plain(NS));
            for (int i = 0; i < 3; i++) rig.fetch("a", "/inc");
            rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
            assertThat(rig.fetch("a", "/get")).as("bug=" + bug).isEqualTo(bug ? "0" : "3");
            boolean eventWhileLoading = false;
            boolean loading = false;
            for (String f : rig.facts()) {
                if (f.startsWith(RuntimeTrace.RECOVER_BEGIN)) loading = true;
                if (f.startsWith(RuntimeTrace.RECOVER_END)) loading = false;
                if (f.startsWith(RuntimeTrace.EVENT_BEGIN) && loading) eventWhileLoading = true;
            }
            assertThat(eventWhileLoading).as("bug=" + bug).isEqualTo(bug);
        }
    }

    @Test
    void plantedInputGateOpenLetsEventsIntoBlockConcurrencyWhile() {
        for (boolean bug : new boolean[] {false, true}) {
            Scripted s = new Scripted();
            s.fetch = (ctx, r) -> r.pathOnly().equals("/slow-init")
                    ? ctx.blockConcurrencyWhile(() -> ObjectHostCoreTest.sleep(ctx.promise().loop(), 100, 0).map(v -> {
                        ctx.storage().put("n", 41L);
                        return Response.ok("init");
                    }))
                    : Scripted.counter(ctx, r);
            RuntimeConfig config = HostRig.config().withPlantedBugs(bug ? Set.of(PlantedBug.INPUT_GATE_OPEN) : Set.of());
            HostRig rig = new HostRig(58, config, s.plain(NS));
            rig.fetch("a", "/get");
            Promise<Response> init = rig.fetchAsync("a", Request.get("/slow-init"));
            Promise<Response> inc = rig.fetchAsync("a", Request.get("/inc"));
            rig.runUntil(() -> init.isDone() && inc.isDone(), 5_000);
            assertThat(inc.value().bodyText()).as("bug=" + bug).isEqualTo(bug ? "1" : "42");
        }
    }

    @Test
    void theSameSeedGivesTheSameTraceDigest() {
        long[] digests = new long[2];
        for (int run = 0; run < 2; run++) {
            Scripted s = AlarmTest.alarmScript();
            s.alarm = (ctx, info) -> info.retryCount() < 2 ? ctx.failed(new IllegalStateException("retry")) : ctx.completed(null);
            HostRig rig = new HostRig(59, HostRig.config(), s.full(NS));
            for (int i = 0; i < 5; i++) rig.fetch("o" + (i % 3), "/inc");
            rig.fetch("o1", "/set?in=500");
            rig.runMillis(160_000);
            rig.fetch("o2", "/get");
            digests[run] = rig.sim.trace().digest();
        }
        assertThat(digests[1]).isEqualTo(digests[0]);
    }
}
