package dev.duro.scenarios.testkit;

import dev.duro.model.async.Promise;
import dev.duro.model.object.AlarmHandler;
import dev.duro.model.object.AlarmInfo;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.host.ActivationInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test kit itself, on a counter with an alarm and a WebSocket echo. */
class ObjectTestKitTest {
    /** Constructor runs, across all instances (the kit runs in this JVM). */
    static final List<String> constructed = new ArrayList<>();

    /** Counts in storage; /remind?in=ms sets an alarm that adds 100; echoes WebSocket messages with the count. */
    static final class Counter implements DurableObject, AlarmHandler, WebSocketHandler {
        private final ObjectContext ctx;
        int inMemory;

        Counter(ObjectContext ctx) {
            this.ctx = ctx;
            constructed.add(ctx.id().name().orElse("?"));
        }

        long count() {
            Long n = ctx.storage().get("n", Long.class);
            return n == null ? 0 : n;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            if (r.isWebSocketUpgrade()) {
                ctx.acceptWebSocket(r);
                return ctx.completed(Response.switchingProtocols());
            }
            switch (r.pathOnly()) {
                case "/inc" -> {
                    inMemory++;
                    ctx.storage().put("n", count() + 1);
                }
                case "/remind" -> ctx.storage().setAlarm(ctx.nowMillis() + Long.parseLong(r.query("in")));
                case "/boom" -> throw new IllegalStateException("counter exploded; call /inc instead");
                default -> { }
            }
            return ctx.completed(Response.ok(Long.toString(count())));
        }

        @Override
        public Promise<Void> alarm(AlarmInfo info) {
            ctx.storage().put("n", count() + 100);
            return ctx.completed(null);
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket ws, WebSocketMessage m) {
            ws.send(m.asText() + "@" + count());
            return ctx.completed(null);
        }
    }

    private static ObjectTestKit kit() {
        constructed.clear();
        return ObjectTestKit.builder().seed(5).namespace("COUNTERS", Counter::new).build();
    }

    @Test
    void aCounterSurvivesCrashAndRestart() {
        ObjectTestKit kit = kit();
        kit.fetch("COUNTERS", "c", Request.post("/inc", ""));
        assertThat(kit.fetchText("COUNTERS", "c", Request.post("/inc", ""))).isEqualTo("2");
        kit.crashAndRestart();
        assertThat(kit.get("COUNTERS", "c", "/")).isEqualTo("2");
        assertThat(kit.host()).as("a new incarnation").isNotNull();
        assertThat(constructed).containsExactly("c", "c");
    }

    @Test
    void anAlarmFiresOnlyWhenVirtualTimeReachesIt() {
        ObjectTestKit kit = kit();
        long before = kit.nowMillis();
        kit.get("COUNTERS", "c", "/remind?in=60000");
        assertThat(kit.getAlarm("COUNTERS", "c")).hasValueSatisfying(at -> assertThat(at).isGreaterThanOrEqualTo(before + 60_000));
        kit.advance(Duration.ofSeconds(59));
        assertThat(kit.get("COUNTERS", "c", "/")).isEqualTo("0");
        kit.advance(Duration.ofSeconds(2));
        assertThat(kit.get("COUNTERS", "c", "/")).isEqualTo("100");
        assertThat(kit.getAlarm("COUNTERS", "c")).isEmpty();
    }

    @Test
    void fireAlarmNowRunsThePendingAlarmAtOnceAndAlarmsSurviveACrash() {
        ObjectTestKit kit = kit();
        assertThat(kit.fireAlarmNow("COUNTERS", "c")).as("no alarm yet").isFalse();
        kit.get("COUNTERS", "c", "/remind?in=3600000");
        kit.crashAndRestart();
        assertThat(kit.getAlarm("COUNTERS", "c")).isPresent();
        assertThat(kit.fireAlarmNow("COUNTERS", "c")).isTrue();
        assertThat(kit.get("COUNTERS", "c", "/")).isEqualTo("100");
        assertThat(kit.getAlarm("COUNTERS", "c")).isEmpty();
    }

    @Test
    void runInObjectSeesTheInstanceAndItsStorageAndRethrowsAssertions() {
        ObjectTestKit kit = kit();
        kit.get("COUNTERS", "c", "/inc");
        int memory = kit.runInObject("COUNTERS", "c", Counter.class, (ctx, counter) -> counter.inMemory);
        assertThat(memory).isEqualTo(1);
        kit.runInObject("COUNTERS", "c", (ctx, obj) -> {
            ctx.storage().put("n", 41L);
            return null;
        });
        assertThat(kit.get("COUNTERS", "c", "/inc")).isEqualTo("42");
        assertThatThrownBy(() -> kit.runInObject("COUNTERS", "c", (ctx, obj) -> {
            throw new AssertionError("checked inside the object");
        })).isInstanceOf(AssertionError.class).hasMessage("checked inside the object");
        assertThatThrownBy(() -> kit.runInObject("COUNTERS", "c", (ctx, obj) -> {
            ctx.storage().put("k".repeat(3000), 1L);
            return null;
        })).isInstanceOfSatisfying(DuroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY_TOO_LARGE));
    }

    @Test
    void errorsArriveAsDuroExceptionsWithTheirCodes() {
        ObjectTestKit kit = kit();
        assertThatThrownBy(() -> kit.get("COUNTERS", "c", "/boom")).isInstanceOfSatisfying(DuroException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
            assertThat(e.isRemote()).isTrue();
            assertThat(e.getMessage()).contains("call /inc instead");
        });
        assertThatThrownBy(() -> kit.get("NOPE", "c", "/")).isInstanceOfSatisfying(DuroException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE));
        assertThatThrownBy(() -> kit.fetchById("COUNTERS", "abc", Request.get("/"))).isInstanceOfSatisfying(DuroException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ID));
    }

    @Test
    void listEvictAndResetAllState() {
        ObjectTestKit kit = kit();
        kit.get("COUNTERS", "a", "/inc");
        kit.get("COUNTERS", "b", "/inc");
        kit.get("COUNTERS", "only-read", "/");
        assertThat(kit.listIds("COUNTERS")).extracting(id -> id.name().orElse(id.hex()))
                .as("objects with durable state").hasSize(2);
        kit.evict("COUNTERS", "a");
        assertThat(kit.activationInfo("COUNTERS", "a").map(ActivationInfo::state).orElse(ActivationInfo.State.INACTIVE))
                .as("nothing in memory").isEqualTo(ActivationInfo.State.INACTIVE);
        assertThat(kit.activationInfo("COUNTERS", "b").map(ActivationInfo::state)).hasValue(ActivationInfo.State.ACTIVE);
        assertThat(kit.get("COUNTERS", "a", "/")).as("eviction loses only memory").isEqualTo("1");
        int memoryAfterEviction = kit.runInObject("COUNTERS", "a", Counter.class, (ctx, c) -> c.inMemory);
        assertThat(memoryAfterEviction).isZero();
        kit.resetAllState();
        assertThat(kit.listIds("COUNTERS")).isEmpty();
        assertThat(kit.get("COUNTERS", "a", "/")).isEqualTo("0");
    }

    @Test
    void idleObjectsAreEvictedInVirtualTime() {
        ObjectTestKit kit = kit();
        kit.get("COUNTERS", "c", "/inc");
        kit.advance(Duration.ofSeconds(141));
        kit.get("COUNTERS", "c", "/");
        assertThat(constructed).as("evicted after idling, constructed again").containsExactly("c", "c");
    }

    @Test
    void aWebSocketEchoesAndAHibernatedObjectWakesWithTheSameSocket() {
        ObjectTestKit kit = kit();
        TestWebSocket ws = kit.connectWebSocket("COUNTERS", "room");
        ws.send("hi");
        assertThat(ws.received()).containsExactly("hi@0");
        kit.get("COUNTERS", "room", "/inc");
        kit.hibernate("COUNTERS", "room");
        assertThat(constructed).containsExactly("room");
        ws.send("again");
        assertThat(ws.awaitMessages(2)).containsExactly("hi@0", "again@1");
        assertThat(constructed).as("woken by the message").containsExactly("room", "room");
        assertThat(ws.isOpen()).isTrue();
        ws.close(1000, "done");
        assertThat(ws.closed()).hasValue(new TestWebSocket.Closed(1000, "done", true));
    }

    @Test
    void anIdleSocketOnlyObjectHibernatesAfterTenSeconds() {
        ObjectTestKit kit = kit();
        TestWebSocket ws = kit.connectWebSocket("COUNTERS", "room");
        kit.advance(Duration.ofSeconds(11));
        ws.send("wake");
        assertThat(ws.received()).containsExactly("wake@0");
        assertThat(constructed).containsExactly("room", "room");
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ObjectTestKit kit = kit();
            kit.get("COUNTERS", "c", "/inc");
            kit.get("COUNTERS", "c", "/remind?in=5000");
            kit.advance(Duration.ofSeconds(6));
            kit.crashAndRestart();
            kit.get("COUNTERS", "c", "/");
            digests.add(kit.traceDigest());
        }
        assertThat(digests.get(0)).isEqualTo(digests.get(1));
    }

    @Test
    void concurrentRequestsWithFetchAsync() {
        ObjectTestKit kit = kit();
        List<Promise<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) calls.add(kit.fetchAsync("COUNTERS", "c", Request.post("/inc", "")));
        List<String> answers = new ArrayList<>();
        for (Promise<Response> p : calls) answers.add(kit.await(p).bodyText());
        assertThat(answers).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
    }
}
