package dev.duro.runtime.gateway;

import dev.duro.client.*;
import dev.duro.wire.*;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.wire.WireCodec;
import dev.duro.wire.WireMessage;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.duro.runtime.gateway.GatewayRig.GATEWAY;
import static org.assertj.core.api.Assertions.assertThat;

class GatewayTest {
    private static final long SECOND = Simulation.millis(1000);
    private final GatewayRig rig = new GatewayRig(1);

    private Promise<Response> fetch(String namespace, String name, Request request) {
        return rig.onClient(c -> c.fetch(GATEWAY, namespace, name, request, SECOND));
    }

    private static DuroException failure(Promise<?> p) {
        assertThat(p.isFailed()).as("promise failed: %s", p).isTrue();
        assertThat(p.failure()).isInstanceOf(DuroException.class);
        return (DuroException) p.failure();
    }

    @Test
    void aRequestByNameReachesItsObjectAndTheResponseComesBack() {
        Promise<Response> p = fetch("COUNTERS", "alice", Request.post("/echo", "hi"));
        rig.runFor(50);
        assertThat(p.value().bodyText()).isEqualTo("hi from alice");
        assertThat(rig.endpoint().events).containsExactly("fetch COUNTERS alice POST /echo");
        assertThat(rig.client().pendingCalls()).isZero();
    }

    @Test
    void aRequestByIdReachesTheObjectTheNameMapsTo() {
        String hex = new dev.duro.runtime.ids.ObjectIds("COUNTERS", GatewayRig.SECRET).fromName("alice").hex();
        Promise<Response> p = rig.onClient(c -> c.fetchById(GATEWAY, "COUNTERS", hex, Request.post("/echo", "x"), SECOND));
        Promise<Response> upper = rig.onClient(c -> c.fetchById(GATEWAY, "COUNTERS", hex.toUpperCase(java.util.Locale.ROOT),
                Request.post("/echo", "y"), SECOND));
        rig.runFor(50);
        assertThat(p.value().bodyText()).isEqualTo("x from " + hex.substring(0, 8));
        assertThat(upper.value().bodyText()).isEqualTo("y from " + hex.substring(0, 8));
    }

    @Test
    void anUnknownNamespaceIsRefusedNamingTheBoundOnes() {
        Promise<Response> p = fetch("COUNTER", "alice", Request.get("/echo"));
        rig.runFor(50);
        DuroException e = failure(p);
        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE);
        assertThat(e.getMessage()).contains("'COUNTER'").contains("COUNTERS, ROOMS");
        assertThat(e.isRetryable()).isFalse();
        assertThat(rig.endpoint().fetches).isZero();
    }

    @Test
    void malformedIdsAndIdsOfAnotherNamespaceAreInvalid() {
        String roomsId = new dev.duro.runtime.ids.ObjectIds("ROOMS", GatewayRig.SECRET).fromName("alice").hex();
        Promise<Response> garbage = rig.onClient(c -> c.fetchById(GATEWAY, "COUNTERS", "xyz", Request.get("/echo"), SECOND));
        Promise<Response> foreign = rig.onClient(c -> c.fetchById(GATEWAY, "COUNTERS", roomsId, Request.get("/echo"), SECOND));
        rig.runFor(50);
        assertThat(failure(garbage).code()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(failure(garbage).getMessage()).contains("64 hex digits");
        assertThat(failure(foreign).code()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(failure(foreign).getMessage()).contains("does not belong to namespace 'COUNTERS'");
        assertThat(rig.endpoint().fetches).isZero();
    }

    @Test
    void errorsOfTheObjectKeepTheirCodeMessageAndFlags() {
        Promise<Response> thrown = fetch("COUNTERS", "alice", Request.get("/throw"));
        Promise<Response> reset = fetch("COUNTERS", "alice", Request.get("/reset"));
        rig.runFor(50);
        DuroException e = failure(thrown);
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.isRemote()).isTrue();
        assertThat(e.getMessage()).isEqualTo("boom from alice");
        DuroException r = failure(reset);
        assertThat(r.code()).isEqualTo(ErrorCode.RESET);
        assertThat(r.isReset()).isTrue();
        assertThat(r.isRetryable()).isTrue();
    }

    @Test
    void aResponseTooLargeForTheWireBecomesAnObjectError() {
        Promise<Response> p = fetch("COUNTERS", "alice", Request.get("/big"));
        rig.runFor(50);
        DuroException e = failure(p);
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.getMessage()).contains("cannot be sent").contains("4 MiB");
    }

    @Test
    void aRequestTooLargeForTheWireFailsAtOnceWithoutBeingSent() {
        Promise<Response> p = fetch("COUNTERS", "alice", Request.post("/echo", new byte[WireCodec.MAX_BODY_BYTES + 1]));
        rig.runFor(50);
        assertThat(failure(p).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(rig.endpoint().fetches).isZero();
    }

    @Test
    void malformedFramesAreAnsweredWhenTheirRequestIdCanBeReadAndOtherwiseDroppedCountedAndTraced() {
        List<WireMessage> received = new ArrayList<>();
        rig.clientWorld().loop().execute(() -> {
            rig.clientWorld().transport().onReceive((from, bytes) -> received.add(WireCodec.decode(bytes)));
            rig.clientWorld().transport().send(GATEWAY, new byte[]{0x47, 1, 99});
            byte[] request = WireCodec.encode(new WireMessage.FetchByName(42, "COUNTERS", "alice", Request.get("/echo")));
            rig.clientWorld().transport().send(GATEWAY, Arrays.copyOf(request, request.length - 3));
            rig.clientWorld().transport().send(GATEWAY, new byte[]{0x43, 1, 2, 3}); // another protocol's frame
        });
        rig.runFor(50);
        assertThat(received).hasSize(1);
        WireMessage.FetchError error = (WireMessage.FetchError) received.getFirst();
        assertThat(error.requestId()).isEqualTo(42);
        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
        assertThat(error.message()).startsWith("the gateway could not read this request: frame ends inside");
        assertThat(rig.gateway().stats().malformedFrames()).isEqualTo(2);
        assertThat(rig.gateway().stats().foreignFrames()).isEqualTo(1);
        assertThat(rig.records).containsExactlyInAnyOrder(
                "gateway-malformed from=n1 bytes=3 request=none",
                "gateway-malformed from=n1 bytes=" + (WireCodec.encode(new WireMessage.FetchByName(42, "COUNTERS", "alice",
                        Request.get("/echo"))).length - 3) + " request=42");
        assertThat(rig.endpoint().fetches).isZero();
    }

    @Test
    void noAnswerWithinTheTimeoutIsUnavailableWithAnUnknownOutcome() {
        Promise<Response> p = rig.onClient(c -> c.fetch(GATEWAY, "COUNTERS", "alice", Request.get("/hang"), Simulation.millis(100)));
        rig.runFor(99);
        assertThat(p.isDone()).isFalse();
        rig.runFor(10);
        DuroException e = failure(p);
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("outcome is unknown");
        assertThat(rig.client().pendingCalls()).isZero();
    }

    @Test
    void aReplyAfterTheTimeoutIsIgnoredAndCounted() {
        Promise<Response> p = rig.onClient(c -> c.fetch(GATEWAY, "COUNTERS", "alice", Request.get("/slow?ms=300"), Simulation.millis(100)));
        rig.runFor(500);
        assertThat(failure(p).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(rig.client().lateReplies()).isEqualTo(1);
        assertThat(rig.endpoint().fetches).as("the request did run: that is what 'outcome unknown' means").isEqualTo(1);
    }

    @Test
    void aCrashedGatewayMakesCallsUnavailable() {
        rig.gatewayNode.crash();
        Promise<Response> p = fetch("COUNTERS", "alice", Request.get("/echo"));
        rig.runFor(1500);
        assertThat(failure(p).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void duplicatedFramesRunARequestOnce() {
        GatewayRig dup = new GatewayRig(3, NetworkConfig.DEFAULT.withDuplicateRate(1.0), GatewayOptions.defaults(), ClientOptions.defaults());
        List<Promise<Response>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String body = "n" + i;
            replies.add(dup.onClient(c -> c.fetch(GATEWAY, "COUNTERS", "alice", Request.post("/echo", body), SECOND)));
        }
        dup.runFor(100);
        for (int i = 0; i < 5; i++) assertThat(replies.get(i).value().bodyText()).isEqualTo("n" + i + " from alice");
        assertThat(dup.endpoint().fetches).isEqualTo(5);
        assertThat(dup.gateway().stats().duplicateRequests()).isEqualTo(5);
        assertThat(dup.client().lateReplies()).as("each reply's second copy").isEqualTo(5);
    }

    @Test
    void requestIdsOfARestartedClientDoNotRepeatTheOldOnes() {
        rig.onClient(c -> c.fetch(GATEWAY, "COUNTERS", "alice", Request.get("/slow?ms=50"), SECOND));
        rig.runFor(5);
        rig.clientNode.crash();
        rig.clientNode.restart();
        rig.runFor(5);
        Promise<Response> p = fetch("COUNTERS", "bob", Request.post("/echo", "fresh"));
        rig.runFor(200);
        assertThat(p.value().bodyText()).isEqualTo("fresh from bob");
        assertThat(rig.endpoint().fetches).isEqualTo(2);
        assertThat(rig.gateway().stats().duplicateRequests()).isZero();
    }
}
