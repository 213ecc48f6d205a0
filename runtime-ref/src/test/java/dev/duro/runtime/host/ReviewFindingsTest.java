package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Loop;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.log.ForwardingLog;
import dev.duro.runtime.log.LogStore;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Snapshot;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.RuntimeTrace;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Bugs found by the adversarial review of the object host; each test failed before its fix. */
class ReviewFindingsTest {
    /**
     * {@code currentBookmark()} (and {@code restoreOnNextActivation}, which calls it) sealed the
     * pending writes inside the store, behind the host's back: the host never learned that batch
     * was durable, so a response emitted after it waited for it forever.
     */
    @Test
    void aResponseAfterCurrentBookmarkLeavesOnceTheSealedWritesAreDurable() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().put("a", 1L);
            String bookmark = ctx.storage().currentBookmark();
            return ctx.completed(Response.ok(bookmark));
        };
        HostRig rig = new HostRig(71, HostRig.config(), s.plain(NS));
        Promise<Response> p = rig.start(x -> x.host.fetch(NS, HostRig.id("b"), Request.get("/")));
        rig.runUntil(p::isDone, 5_000);
        assertThat(p.isDone()).as("the response left").isTrue();
        assertThat(p.isFailed()).isFalse();
        // ... and only after the batch holding the write was durable.
        String obj = "id=" + HostRig.id("b").hex();
        assertThat(rig.indexOf(RuntimeTrace.OUTPUT, obj)).isGreaterThan(rig.indexOf(RuntimeTrace.DURABLE, obj + " epoch=1 seq=1"));
    }

    /**
     * A failed snapshot (after its batch was durable) marks the store failed, and every storage
     * call then throws RESET. The host heard of it only at its next seal, which never came (the
     * writes that would seal throw first): the activation answered RESET to every request until
     * it went idle, which under steady traffic is never.
     */
    @Test
    void aStoreThatFailedOutsideASealResetsTheActivationAtItsNextStorageCall() {
        Scripted s = new Scripted();
        RuntimeConfig d = RuntimeConfig.defaults();
        RuntimeConfig snapshotEveryBatch = new RuntimeConfig(d.evictIdleMinMs(), d.evictIdleMaxMs(), d.hibernateIdleMs(),
                d.blockConcurrencyTimeoutMs(), d.alarmRetryInitialMs(), d.alarmMaxRetries(), d.maxQueuedEvents(),
                d.storageSizeLimitBytes(), d.retentionMillis(), 1, Set.of());
        HostRig rig = new HostRig(72, snapshotEveryBatch, s.plain(NS));
        int[] snapshotFailuresLeft = {1};
        rig.logWrapper = logs -> new FailingSnapshots(logs, rig.world.loop(), snapshotFailuresLeft);
        rig.crash();
        rig.restart();
        assertThat(rig.fetch("a", "/inc")).isEqualTo("1"); // its snapshot fails after the batch is durable
        assertThat(snapshotFailuresLeft[0]).isZero();
        rig.runMillis(10); // the snapshot has failed by now
        // The failed store resets the activation before the next event is delivered, so the next
        // request meets a fresh activation instead of a dead store (it does not even see an error).
        assertThat(rig.fetch("a", "/inc")).as("a new activation serves the next request").isEqualTo("2");
        assertThat(rig.trace(RuntimeTrace.RESET)).hasSize(1);
    }

    /**
     * A reset closes every socket (1011). A message that was waiting behind the handler the reset
     * abandoned (or queued for another socket) was still delivered afterwards: it woke a new
     * activation and handed it a socket the client had already been told is closed.
     */
    @Test
    void messagesOfSocketsClosedByAResetAreNotDeliveredToTheNextActivation() {
        Scripted s = WebSocketTest.wsScript();
        var echo = s.onMessage;
        s.onMessage = (ctx, ws) -> {
            if (s.received.getLast().endsWith(":boom")) ctx.abort("boom");
            return echo.apply(ctx, ws);
        };
        HostRig rig = new HostRig(73, HostRig.config(), s.full(NS));
        long a = WebSocketTest.connect(rig, "room", "red");
        long b = WebSocketTest.connect(rig, "room", "blue");
        rig.start(x -> {
            x.host.webSocketMessage(NS, HostRig.id("room"), a, new dev.duro.model.websocket.WebSocketMessage.Text("boom"));
            x.host.webSocketMessage(NS, HostRig.id("room"), a, new dev.duro.model.websocket.WebSocketMessage.Text("after-a"));
            x.host.webSocketMessage(NS, HostRig.id("room"), b, new dev.duro.model.websocket.WebSocketMessage.Text("after-b"));
            return Promise.succeeded(x.world.loop(), null);
        });
        rig.runMillis(100);
        assertThat(s.received).containsExactly(a + ":boom");
        assertThat(rig.sockets.lines).containsExactly(a + " close 1011 object reset (abort)", b + " close 1011 object reset (abort)");
        assertThat(s.constructed).as("nothing woke the object again").isEqualTo(1);
    }

    /**
     * An alarm handler that sets the alarm again for the very time it ran for (a past time: fire
     * again as soon as possible) had its setAlarm silently dropped: the host saw the same value
     * still there and cleared it as "not replaced".
     */
    @Test
    void anAlarmHandlerThatSetsTheSameTimeAgainRunsAgain() {
        Scripted s = AlarmTest.alarmScript();
        s.alarm = (ctx, info) -> {
            if (s.alarms.size() == 1) ctx.storage().setAlarm(info.scheduledMillis());
            return ctx.completed(null);
        };
        HostRig rig = new HostRig(74, HostRig.config(), s.full(NS));
        long at = Long.parseLong(rig.fetch("a", "/set?in=100"));
        rig.runMillis(1_000);
        assertThat(s.alarms).extracting(dev.duro.model.object.AlarmInfo::scheduledMillis).containsExactly(at, at);
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
    }

    /**
     * An object that ever set a WebSocket auto-response kept its slot in the host forever, even
     * with no socket left and no activation: memory that grew with every such object ever used.
     */
    @Test
    void anIdleObjectWithAnAutoResponseButNoSocketsIsForgotten() {
        Scripted s = WebSocketTest.wsScript();
        HostRig rig = new HostRig(75, HostRig.config(), s.full(NS));
        assertThat(rig.fetch("a", "/auto")).isEqualTo("set");
        rig.runMillis(150_000); // past the longest idle eviction
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("a"))).as("slot forgotten").isEmpty();
    }

    /**
     * A reset while the batch holding a setAlarm is being appended: the append still becomes
     * durable, but the reset had dropped the host's note of which alarm that batch carries, so the
     * slot never armed it (and forgot the object): a durable alarm that never fired (until a
     * node restart re-read every log).
     */
    @Test
    void anAlarmWhoseWriteBecameDurableDuringAResetStillFires() {
        Scripted s = AlarmTest.alarmScript();
        s.fetch = (ctx, r) -> {
            ctx.storage().setAlarm(ctx.nowMillis() + 100);
            ctx.storage().sync(); // sealed and on its way to the disk
            ctx.abort("reset while the alarm's batch is in flight");
            return ctx.completed(Response.ok("unreachable"));
        };
        HostRig rig = new HostRig(76, HostRig.config(), s.full(NS));
        Throwable t = rig.failure(r -> r.host.fetch(NS, HostRig.id("a"), Request.get("/")));
        assertThat(((DuroException) t).code()).isEqualTo(ErrorCode.RESET);
        rig.runMillis(50);
        String obj = "id=" + HostRig.id("a").hex();
        assertThat(rig.trace(RuntimeTrace.DURABLE)).as("the batch became durable after the reset").contains(obj + " epoch=1 seq=1");
        rig.runMillis(5_000);
        assertThat(s.alarms).as("the durable alarm fired").hasSize(1);
    }

    /** Fails the first {@code left[0]} snapshots; everything else goes to the real log. */
    private record FailingSnapshots(LogStore inner, Loop loop, int[] left) implements LogStore {
        @Override
        public ObjectLog open(String namespace, ObjectId id) {
            ObjectLog log = inner.open(namespace, id);
            return new ForwardingLog(log) {
                @Override
                public Promise<Void> snapshot(Snapshot snapshot) {
                    if (left[0] > 0) {
                        left[0]--;
                        // Fails a while later, as a disk does: after the host heard the batch is durable.
                        Promise<Void> p = Promise.on(loop);
                        loop.schedule(1_000_000L, () -> p.fail(new IOException("snapshot failed (test)")));
                        return p;
                    }
                    return log.snapshot(snapshot);
                }
            };
        }

        @Override
        public Promise<List<ObjectId>> list(String namespace) {
            return inner.list(namespace);
        }
    }
}
