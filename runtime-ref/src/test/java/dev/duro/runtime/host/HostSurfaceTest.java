package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.ListOptions;
import dev.duro.model.websocket.AutoResponse;
import dev.duro.model.world.TimerHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The surface an object sees (storage, context, namespaces) answers what its store and host hold,
 * and a handle kept from an ended activation fails with RESET on every call that checks serving.
 */
class HostSurfaceTest {
    private static <T> T inObject(HostRig rig, String name, java.util.function.Function<ObjectContext, T> fn) {
        return rig.value(r -> r.host.testHooks().runInObject(NS, HostRig.id(name),
                (ctx, obj) -> ctx.completed(fn.apply(ctx))));
    }

    /** The context of an activation of {@code name} that has since been evicted. */
    private static ObjectContext endedContext(HostRig rig, String name) {
        AtomicReference<ObjectContext> kept = new AtomicReference<>();
        inObject(rig, name, ctx -> {
            kept.set(ctx);
            return "kept";
        });
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id(name)));
        return kept.get();
    }

    @Test
    void storageCallsAnswerWhatTheStoreHolds() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(301, HostRig.config(), s.full(NS));
        String out = inObject(rig, "a", ctx -> {
            var st = ctx.storage();
            st.put(Map.of("x", 1L, "y", 2L, "z", 3L));
            StringBuilder b = new StringBuilder();
            b.append("get=").append(st.get("x")).append(' ');
            b.append("many=").append(st.get(List.of("x", "y"))).append(' ');
            b.append("del=").append(st.delete("x")).append('/').append(st.delete("x")).append(' ');
            b.append("delMany=").append(st.delete(List.of("y", "z", "w"))).append(' ');
            st.put("p1", "a");
            b.append("list=").append(st.list(ListOptions.prefix("p"))).append(' ');
            b.append("tx=").append(st.transactionSync(() -> "inside")).append(' ');
            st.setAlarm(ctx.nowMillis() + 60_000);
            b.append("alarm=").append(st.getAlarm().isPresent()).append(' ');
            st.deleteAlarm();
            b.append("noAlarm=").append(st.getAlarm().isEmpty()).append(' ');
            st.deleteAll();
            b.append("afterAll=").append(st.get("p1"));
            return b.toString();
        });
        assertThat(out).isEqualTo("get=1 many={x=1, y=2} del=true/false delMany=2 list={p1=a} tx=inside alarm=true noAlarm=true afterAll=null");
    }

    @Test
    void sqlAndBookmarksGoThroughTheStore() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(302, HostRig.config(), s.plain(NS));
        String out = inObject(rig, "a", ctx -> {
            var sql = ctx.storage().sql();
            sql.exec("CREATE TABLE t(x INTEGER)");
            sql.exec("INSERT INTO t VALUES (?)", 7L);
            Object x = sql.exec("SELECT x FROM t").raw().get(0).get(0);
            return "x=" + x + " size>0=" + (sql.databaseSize() > 0);
        });
        assertThat(out).isEqualTo("x=7 size>0=true");
        rig.fetch("a", "/inc");
        String marks = inObject(rig, "a", ctx -> {
            String now = ctx.storage().currentBookmark();
            String then = ctx.storage().bookmarkForTime(ctx.nowMillis());
            String restore = ctx.storage().restoreOnNextActivation(now);
            return (now.isEmpty() ? "empty" : "now") + " " + (then.isEmpty() ? "empty" : "then") + " "
                    + (restore.isEmpty() ? "empty" : "restore");
        });
        assertThat(marks).isEqualTo("now then restore");
        String pending = inObject(rig, "b", ctx -> {
            String mark = ctx.storage().currentBookmark();
            ctx.storage().put("k", 1L);
            return ctx.storage().restoreOnNextActivation(mark).isEmpty() ? "empty" : "restore";
        });
        assertThat(pending).as("a write pending at the restore is sealed through the host, so the answer leaves").isEqualTo("restore");
    }

    @Test
    void aBookmarkTakenAfterATransactionStillSealsThroughTheHost() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().transactionSync(() -> {
                ctx.storage().put("t", 1L);
                return null;
            });
            ctx.storage().put("after", 2L);
            return ctx.completed(Response.ok(ctx.storage().currentBookmark().isEmpty() ? "none" : "mark"));
        };
        HostRig rig = new HostRig(303, HostRig.config(), s.plain(NS));
        assertThat(rig.fetch("a", "/x")).isEqualTo("mark");
        assertThat(rig.fetch("a", "/x")).isEqualTo("mark");
    }

    @Test
    void anEndedActivationsHandlesFailWithReset() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(304, HostRig.config(), s.full(NS));
        ObjectContext old = endedContext(rig, "a");
        List<Runnable> calls = List.of(
                () -> old.storage().sync(),
                () -> old.storage().sql(),
                () -> old.getWebSockets(),
                () -> old.getWebSockets("t"),
                () -> old.setWebSocketAutoResponse(new AutoResponse("ping", "pong")));
        for (Runnable call : calls) {
            String err = inObject(rig, "b", ctx -> {
                try {
                    call.run();
                    return "no error";
                } catch (DuroException e) {
                    return e.code().name();
                }
            });
            assertThat(err).isEqualTo(ErrorCode.RESET.name());
        }
    }

    @Test
    void theContextNamesItsObjectAndKeepsItsAutoResponseTimerAndEntropy() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(305, HostRig.config(), s.full(NS));
        String out = inObject(rig, "a", ctx -> {
            ctx.setWebSocketAutoResponse(new AutoResponse("ping", "pong"));
            Optional<AutoResponse> auto = ctx.getWebSocketAutoResponse();
            TimerHandle t = ctx.setTimeout(1000, () -> { });
            t.cancel();
            var e1 = ctx.entropy();
            var e2 = ctx.entropy();
            return ctx.id().hex() + " " + auto.map(AutoResponse::response).orElse("none") + " " + (e1 != null && e1 == e2);
        });
        assertThat(out).isEqualTo(HostRig.id("a").hex() + " pong true");
    }

    @Test
    void namespacesMakeIdsAndStubsAndAStubOfAnEndedActivationFails() {
        Scripted s = new Scripted();
        HostRig rig = new HostRig(306, HostRig.config(), s.plain(NS));
        String out = inObject(rig, "a", ctx -> {
            var ns = ctx.namespace(NS);
            ObjectId id = ns.idFromName("b");
            ObjectStub stub = ns.get(id);
            return ns.name() + " " + id.equals(HostRig.id("b")) + " " + ns.idFromString(id.hex()).equals(id) + " "
                    + stub.toString().equals("ObjectStub[" + NS + "/" + id + "]");
        });
        assertThat(out).isEqualTo(NS + " true true true");
        String noHint = inObject(rig, "a", ctx -> {
            try {
                ctx.namespace(NS).idFromName("b", null);
                return "no error";
            } catch (DuroException e) {
                return e.code() + " " + e.getMessage().contains("hint null");
            }
        });
        assertThat(noHint).isEqualTo("INVALID_LOCATION true");
        AtomicReference<ObjectStub> kept = new AtomicReference<>();
        inObject(rig, "a", ctx -> {
            kept.set(ctx.namespace(NS).getByName("b"));
            return "kept";
        });
        rig.value(r -> r.host.testHooks().evict(NS, HostRig.id("a")));
        Promise<Response> late = rig.await(r -> kept.get().fetch(Request.get("/get")));
        assertThat(late).isNotNull();
        assertThat(late.isFailed()).isTrue();
        assertThat(((DuroException) late.failure()).code()).isEqualTo(ErrorCode.RESET);
    }

    @Test
    void keysAndTheVolatileLogAnswer() {
        assertThat(new ObjectKey(NS, HostRig.id("a")).toString()).isEqualTo(NS + "/" + HostRig.id("a").hex());
        HostRig rig = new HostRig(308, HostRig.config(), new Scripted().plain(NS));
        VolatileEmptyLog log = new VolatileEmptyLog(rig.world.loop());
        assertThat(log.snapshot(null).isDone()).isTrue();
        assertThat(log.destroy().isDone()).isTrue();
        Promise<?> at = log.recoverAt(5);
        assertThat(at.isDone()).isTrue();
        assertThat(at.isFailed()).isFalse();
    }
}
