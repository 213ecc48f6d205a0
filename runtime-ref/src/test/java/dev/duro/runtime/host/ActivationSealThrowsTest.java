package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Response;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.log.ForwardingLog;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.log.ObjectLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seal that throws at once (the log's append throws instead of failing its promise): the host
 * must reset the activation there and then, answer everything that waited on the batch with an
 * error, and serve the object again from what was durable. Nothing may wait forever on a batch
 * that never reached the log.
 */
class ActivationSealThrowsTest {
    /** A rig (restarted, so the wrapper is in place) whose log appends throw while {@code throwing[0]}. */
    private static HostRig rig(long seed, Scripted s, boolean[] throwing) {
        HostRig rig = new HostRig(seed, HostRig.config(), s.full(NS));
        rig.crash();
        rig.logWrapper = logs -> new LogStore() {
            @Override
            public ObjectLog open(String namespace, ObjectId id) {
                return new ForwardingLog(logs.open(namespace, id)) {
                    @Override
                    public Promise<Void> append(LogEntry entry) {
                        if (throwing[0]) throw new IllegalStateException("append threw (test)");
                        return inner.append(entry);
                    }
                };
            }

            @Override
            public Promise<List<ObjectId>> list(String namespace) {
                return logs.list(namespace);
            }
        };
        rig.restart();
        return rig;
    }

    @Test
    void aResponseWhoseSealThrowsFailsAndTheObjectServesAgainFromWhatWasDurable() {
        boolean[] throwing = {false};
        HostRig rig = rig(601, new Scripted(), throwing);
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        throwing[0] = true;
        Throwable f = rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), dev.duro.model.object.Request.get("/inc")));
        assertThat(f).isInstanceOf(DuroException.class);
        assertThat(((DuroException) f).code()).isEqualTo(ErrorCode.RESET);
        assertThat(rig.trace(RuntimeTrace.RESET)).anySatisfy(d -> assertThat(d).contains("reason=write-failed"));
        throwing[0] = false;
        assertThat(rig.fetch("a", "/get")).as("the write whose seal threw was never acknowledged").isEqualTo("1");
        assertThat(rig.fetch("a", "/inc")).isEqualTo("2");
    }

    @Test
    void aSyncWhoseSealThrowsFailsWithReset() {
        boolean[] throwing = {false};
        Scripted s = new Scripted();
        List<Throwable> syncOutcome = new ArrayList<>();
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/put-sync")) return Scripted.counter(ctx, r);
            ctx.storage().put("n", 41L);
            Promise<Void> synced = ctx.storage().sync();
            synced.whenComplete((v, e) -> syncOutcome.add(e == null ? new AssertionError("sync succeeded") : e));
            return synced.map(v -> Response.ok("synced"));
        };
        HostRig rig = rig(602, s, throwing);
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        throwing[0] = true;
        rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), dev.duro.model.object.Request.get("/put-sync")));
        rig.runMillis(100);
        assertThat(syncOutcome).as("the sync promise settled once").hasSize(1);
        assertThat(syncOutcome.get(0)).isInstanceOf(DuroException.class);
        assertThat(((DuroException) syncOutcome.get(0)).code()).isEqualTo(ErrorCode.RESET);
        throwing[0] = false;
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }

    @Test
    void aBookmarkWhoseSealThrowsThrowsResetInTheHandler() {
        boolean[] throwing = {false};
        Scripted s = new Scripted();
        List<Throwable> thrown = new ArrayList<>();
        s.fetch = (ctx, r) -> {
            if (!r.pathOnly().equals("/put-bookmark")) return Scripted.counter(ctx, r);
            ctx.storage().put("n", 41L);
            try {
                return ctx.completed(Response.ok(ctx.storage().currentBookmark()));
            } catch (RuntimeException e) {
                thrown.add(e);
                throw e;
            }
        };
        HostRig rig = rig(603, s, throwing);
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1");
        throwing[0] = true;
        rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), dev.duro.model.object.Request.get("/put-bookmark")));
        assertThat(thrown).hasSize(1);
        assertThat(thrown.get(0)).isInstanceOf(DuroException.class)
                .hasMessageContaining("has ended (reset or evicted)");
        throwing[0] = false;
        assertThat(rig.fetch("a", "/get")).isEqualTo("1");
    }
}
