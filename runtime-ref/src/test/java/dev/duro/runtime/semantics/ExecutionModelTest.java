package dev.duro.runtime.semantics;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.Loop;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.trace.TraceEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SEMANTICS.md "Execution model" and the single-node parts of "Objects, ids, routing" that the
 * host tests do not already prove: interleaving only at non-storage waits, blockConcurrencyWhile
 * failure, storage.sync(), stubs created lazily, eviction losing only memory, overload by bytes.
 */
class ExecutionModelTest {
    static final String NS = "OBJ";
    static final List<String> log = new ArrayList<>();
    static int constructed;
    static final List<ObjectContext> keptContexts = new ArrayList<>();

    /** A raw loop timer: waiting on something that is not storage (and not an event of the object). */
    static <T> Promise<T> sleep(ObjectContext ctx, long ms, T value) {
        Promise<T> p = ctx.promise();
        Loop loop = p.loop();
        loop.schedule(ms * 1_000_000L, () -> p.complete(value));
        return p;
    }

    static final class Obj implements DurableObject {
        private final ObjectContext ctx;
        private long inMemory;

        Obj(ObjectContext ctx) {
            this.ctx = ctx;
            constructed++;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            String who = r.query("who");
            switch (r.pathOnly()) {
                case "/io" -> {
                    log.add(who + ":start");
                    ctx.storage().put(who, 1L);
                    return sleep(ctx, 50, null).map(v -> {
                        log.add(who + ":end");
                        return Response.ok("ok");
                    });
                }
                case "/storage-only" -> {
                    log.add(who + ":start");
                    for (int i = 0; i < 200; i++) ctx.storage().put(who + i, (long) i);
                    for (int i = 0; i < 200; i++) ctx.storage().get(who + i, Long.class);
                    log.add(who + ":end");
                    return ctx.completed(Response.ok("ok"));
                }
                case "/bcw-fail" -> {
                    return ctx.blockConcurrencyWhile(() -> ctx.<String>failed(new IllegalStateException("migration failed")))
                            .map(Response::ok);
                }
                case "/block" -> {
                    return ctx.blockConcurrencyWhile(() -> sleep(ctx, 1_000, "unblocked")).map(Response::ok);
                }
                case "/sync" -> {
                    ctx.storage().put("synced", 1L);
                    int before = durableFacts();
                    return ctx.storage().sync().map(v -> Response.ok(before + "->" + durableFacts()));
                }
                case "/stub" -> {
                    ObjectStub stub = ctx.namespace(NS).getByName("lazy");
                    log.add("stub " + stub.id().hex().length());
                    return ctx.completed(Response.ok("made"));
                }
                case "/keep-context" -> {
                    keptContexts.add(ctx);
                    return ctx.completed(Response.ok("kept"));
                }
                case "/abort" -> {
                    ctx.abort("test wants a new activation");
                    return ctx.completed(Response.ok("abort returned"));
                }
                case "/tx-fails" -> {
                    ctx.storage().put("before", 1L);
                    try {
                        ctx.storage().transactionSync(() -> {
                            ctx.storage().put("inside", 1L);
                            throw new IllegalStateException("validation failed");
                        });
                    } catch (IllegalStateException e) {
                        return ctx.completed(Response.ok("caught " + e.getMessage() + " inside="
                                + ctx.storage().get("inside", Long.class)));
                    }
                    return ctx.completed(Response.ok("not thrown"));
                }
                case "/count" -> {
                    inMemory++;
                    Long stored = ctx.storage().get("count", Long.class);
                    long n = (stored == null ? 0 : stored) + 1;
                    ctx.storage().put("count", n);
                    return ctx.completed(Response.ok("memory=" + inMemory + " stored=" + n));
                }
                default -> {
                    return ctx.completed(Response.ok("body=" + r.body().length));
                }
            }
        }
    }

    static List<TraceEvent> events;

    static int durableFacts() {
        int n = 0;
        for (TraceEvent e : events) if (RuntimeTrace.DURABLE.equals(e.label())) n++;
        return n;
    }

    private final NodeRig rig;

    ExecutionModelTest() {
        log.clear();
        keptContexts.clear();
        constructed = 0;
        rig = new NodeRig(41, RuntimeConfig.defaults().withMaxQueued(1_000, 1_000_000), new NamespaceBinding(NS, Obj::new));
        events = rig.events;
    }

    private Promise<Response> fetchOnServer(String name, Request r) {
        return rig.host().fetch(NS, rig.id(NS, name), r);
    }

    @Test
    void eventsInterleaveOnlyWhereAHandlerWaitsOnNonStorageIo() {
        rig.awaitOnServer(h -> Promise.all(rig.server.world().loop(), List.of(
                fetchOnServer("a", Request.get("/io?who=A")), fetchOnServer("a", Request.get("/io?who=B")))));
        assertThat(log).as("B starts while A waits on a timer").containsExactly("A:start", "B:start", "A:end", "B:end");

        log.clear();
        rig.awaitOnServer(h -> Promise.all(rig.server.world().loop(), List.of(
                fetchOnServer("a", Request.get("/storage-only?who=C")), fetchOnServer("a", Request.get("/storage-only?who=D")))));
        assertThat(log).as("storage is synchronous: no interleaving").containsExactly("C:start", "C:end", "D:start", "D:end");
    }

    @Test
    void aFailedBlockConcurrencyWhileResetsTheObject() {
        assertThat(rig.text(NS, "a", Request.get("/count"))).isEqualTo("memory=1 stored=1");
        DuroException e = rig.fetchError(NS, "a", Request.get("/bcw-fail"));
        assertThat(e.code()).isEqualTo(ErrorCode.RESET);
        assertThat(e.isReset()).isTrue();
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("migration failed");
        assertThat(rig.trace(RuntimeTrace.RESET)).singleElement().asString().endsWith("reason=bcw-failed");
        assertThat(rig.text(NS, "a", Request.get("/count"))).as("a new activation: memory lost, storage kept")
                .isEqualTo("memory=1 stored=2");
        assertThat(constructed).isEqualTo(2);
    }

    @Test
    void aReplacedActivationFindsOutAtItsNextStorageAccessOrOutput() {
        rig.text(NS, "a", Request.get("/keep-context"));
        ObjectContext old = keptContexts.getFirst();
        assertThat(rig.fetchError(NS, "a", Request.get("/abort")).code()).isEqualTo(ErrorCode.RESET);
        rig.text(NS, "a", Request.get("/count")); // a new activation serves
        DuroException onStorage = rig.awaitOnServer(h -> {
            try {
                old.storage().get("count", Long.class);
                return Promise.succeeded(rig.server.world().loop(), (DuroException) null);
            } catch (DuroException e) {
                return Promise.succeeded(rig.server.world().loop(), e);
            }
        }).value();
        assertThat(onStorage).isNotNull();
        assertThat(onStorage.code()).isEqualTo(ErrorCode.RESET);
        assertThat(onStorage.getMessage()).contains("has ended");
        DuroException onOutput = rig.awaitOnServer(h -> {
            try {
                old.setTimeout(1, () -> { });
                return Promise.succeeded(rig.server.world().loop(), (DuroException) null);
            } catch (DuroException e) {
                return Promise.succeeded(rig.server.world().loop(), e);
            }
        }).value();
        assertThat(onOutput).isNotNull();
        assertThat(onOutput.code()).isEqualTo(ErrorCode.RESET);
    }

    @Test
    void aFailedTransactionRollsBackAndRethrowsWithoutAReset() {
        assertThat(rig.text(NS, "a", Request.get("/tx-fails"))).isEqualTo("caught validation failed inside=null");
        assertThat(rig.trace(RuntimeTrace.RESET)).isEmpty();
        assertThat(rig.text(NS, "a", Request.get("/count"))).as("same activation").isEqualTo("memory=1 stored=1");
        assertThat(constructed).isEqualTo(1);
    }

    @Test
    void syncCompletesOnlyOnceEarlierWritesAreDurable() {
        assertThat(rig.text(NS, "a", Request.get("/sync"))).isEqualTo("0->1");
    }

    @Test
    void getReturnsAStubAtOnceAndTheObjectIsCreatedOnFirstUse() {
        rig.text(NS, "caller", Request.get("/stub"));
        assertThat(log).containsExactly("stub 64");
        String lazy = "id=" + rig.id(NS, "lazy").hex();
        assertThat(rig.trace(RuntimeTrace.RECOVER_BEGIN)).noneMatch(d -> d.startsWith(lazy));
        rig.text(NS, "lazy", Request.get("/count"));
        assertThat(rig.trace(RuntimeTrace.RECOVER_BEGIN)).anyMatch(d -> d.startsWith(lazy));
    }

    @Test
    void evictionLosesOnlyMemory() {
        rig.text(NS, "a", Request.get("/count"));
        assertThat(rig.text(NS, "a", Request.get("/count"))).isEqualTo("memory=2 stored=2");
        rig.awaitOnServer(h -> h.testHooks().evict(NS, rig.id(NS, "a")));
        assertThat(rig.text(NS, "a", Request.get("/count"))).isEqualTo("memory=1 stored=3");
        rig.runMillis(141_000); // idle eviction
        assertThat(rig.trace(RuntimeTrace.EVICT)).last().asString().endsWith("reason=idle");
        assertThat(rig.text(NS, "a", Request.get("/count"))).isEqualTo("memory=1 stored=4");
    }

    @Test
    void queuedRequestBytesOverTheLimitAreRefusedAsOverloaded() {
        byte[] body = new byte[300_000];
        List<Promise<Response>> calls = new ArrayList<>();
        rig.awaitOnServer(h -> {
            Promise<Response> block = fetchOnServer("a", Request.get("/block"));
            for (int i = 0; i < 4; i++) calls.add(fetchOnServer("a", Request.post("/big", body)));
            return block;
        });
        // 3 × 300 kB wait behind the block (900 kB); the 4th would pass the 1 MB limit.
        assertThat(calls.subList(0, 3)).allMatch(p -> p.isDone() && !p.isFailed() && p.value().bodyText().equals("body=300000"));
        DuroException e = (DuroException) calls.get(3).failure();
        assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(e.isOverloaded()).isTrue();
        assertThat(e.isRetryable()).as("overloaded: do not retry now").isFalse();
        assertThat(e.getMessage()).contains("bytes").contains("limit of 1000000").contains("retry later");
        // Drained: accepted again, and a lone request larger than the limit is still admitted.
        assertThat(rig.awaitOnServer(h -> fetchOnServer("a", Request.post("/big", new byte[1_200_000]))).value().bodyText())
                .isEqualTo("body=1200000");
    }
}
