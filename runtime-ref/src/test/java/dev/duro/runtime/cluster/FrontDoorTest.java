package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.ObjectStub;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.edge.EdgeSocket;
import dev.duro.runtime.edge.EdgeSocketSession;
import dev.duro.runtime.edge.FrontDoor;
import dev.duro.runtime.edge.FrontDoor.EdgeCall;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/gateway.md "The front door": edge calls and worker stubs reach the owner wherever it runs. */
class FrontDoorTest {

    private static FrontDoor door(ClusterRig rig, NodeId node) {
        return rig.program(node).frontDoor();
    }

    private static NodeId notOwner(ClusterRig rig, String name) {
        List<NodeId> replicas = rig.replicas(name);
        return NodeId.of(java.util.stream.IntStream.range(0, 5).filter(i -> !replicas.contains(NodeId.of(i))).findFirst().orElseThrow());
    }

    @Test
    void anEdgeCallAtANodeThatDoesNotRunTheObjectRunsAtTheOwnerOnceEvenWhenRepeated() {
        ClusterRig rig = new ClusterRig(81, 5, new SharedLogs());
        String name = "edge";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId edge = notOwner(rig, name);
        EdgeCall call = new EdgeCall(ClusterRig.NS, name, true, Request.get("/inc"), "client-1/1");
        List<Promise<Response>> answers = new ArrayList<>();
        rig.awaitOn(rig.server(edge), () -> {
            answers.add(door(rig, edge).fetch(call));
            answers.add(door(rig, edge).fetch(call)); // a duplicate: nothing, never a second run
            return answers.getFirst();
        });
        rig.runMillis(500);
        assertThat(answers.get(0).value().bodyText()).isEqualTo("1");
        assertThat(answers.get(1).isDone()).isFalse();
        assertThat(rig.nodesOf("obj-event-begin", name)).containsOnly(owner);
        assertThat(rig.program(edge).gateway().stats().duplicateRequests()).isEqualTo(1);
        assertThat(door(rig, edge).inFlight()).isZero();
    }

    @Test
    void edgeCallsResolveAndMapErrors() {
        ClusterRig rig = new ClusterRig(82, 3, new SharedLogs());
        NodeId n0 = NodeId.of(0);
        DuroException unknown = rig.error(() -> rig.awaitOn(rig.server(n0), () -> door(rig, n0).fetch(
                new EdgeCall("NOPE", "x", true, Request.get("/get"), null))));
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE);
        DuroException badId = rig.error(() -> rig.awaitOn(rig.server(n0), () -> door(rig, n0).fetch(
                new EdgeCall(ClusterRig.NS, "xyz", false, Request.get("/get"), null))));
        assertThat(badId.code()).isEqualTo(ErrorCode.INVALID_ID);
        DuroException badLocation = rig.error(() -> rig.awaitOn(rig.server(n0), () -> door(rig, n0).fetch(
                new EdgeCall(ClusterRig.NS, "x", true, Request.get("/get"), null, "mars"))));
        assertThat(badLocation.code()).isEqualTo(ErrorCode.INVALID_LOCATION);
        String hex = rig.id("by-id").hex();
        Response byId = rig.value(() -> rig.awaitOn(rig.server(n0), () -> door(rig, n0).fetch(
                new EdgeCall(ClusterRig.NS, hex, false, Request.get("/inc"), null))));
        assertThat(byId.bodyText()).isEqualTo("1");
        door(rig, n0).drain();
        DuroException draining = rig.error(() -> rig.awaitOn(rig.server(n0), () -> door(rig, n0).fetch(
                new EdgeCall(ClusterRig.NS, "x", true, Request.get("/get"), null))));
        assertThat(draining.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(draining.isRetryable()).isTrue();
    }

    @Test
    void workerStubsRouteToTheOwnerInOrderAndBreakAfterAFailure() {
        ClusterRig rig = new ClusterRig(83, 5, new SharedLogs());
        String name = "stubbed";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId edge = notOwner(rig, name);
        ObjectNamespace ns = door(rig, edge).workerEnv().namespace(ClusterRig.NS);
        assertThat(door(rig, edge).workerEnv().bindings()).containsExactly(ClusterRig.NS);
        assertThat(ns.idFromName(name)).isEqualTo(rig.id(name));
        ObjectStub stub = ns.get(ns.idFromName(name));
        List<Promise<Response>> calls = new ArrayList<>();
        rig.awaitOn(rig.server(edge), () -> {
            for (int i = 0; i < 5; i++) calls.add(stub.fetch(Request.get("/inc")));
            return calls.getLast();
        });
        assertThat(calls).extracting(p -> p.value().bodyText()).containsExactly("1", "2", "3", "4", "5");
        assertThat(rig.nodesOf("obj-event-begin", name)).containsOnly(owner);

        rig.sim.network().block(edge.index(), owner.index()); // the next forward vanishes: UNAVAILABLE, and the stub is broken
        rig.sim.network().block(owner.index(), edge.index());
        DuroException lost = rig.error(() -> rig.awaitOn(rig.server(edge), () -> stub.fetch(Request.get("/inc"))));
        assertThat(lost.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        rig.sim.network().heal();
        DuroException broken = rig.error(() -> rig.awaitOn(rig.server(edge), () -> stub.fetch(Request.get("/get"))));
        assertThat(broken.code()).isEqualTo(ErrorCode.STUB_BROKEN);
        Response fresh = rig.value(() -> rig.awaitOn(rig.server(edge), () -> ns.get(ns.idFromName(name)).fetch(Request.get("/get"))));
        assertThat(fresh.bodyText()).isIn("5", "6");

        assertThatThrownBy(() -> door(rig, edge).workerEnv().namespace("NOPE")).isInstanceOfSatisfying(DuroException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE));
    }

    @Test
    void anUpgradeThroughAStubComesBackWithTheEdgeSocketHeaderAndAdoptionCarriesTheSocket() {
        ClusterRig rig = new ClusterRig(84, 3, new SharedLogs());
        String name = "room";
        NodeId owner = rig.replicas(name).getFirst();
        FrontDoor door = door(rig, owner);
        ObjectNamespace ns = door.workerEnv().namespace(ClusterRig.NS);
        Response upgraded = rig.value(() -> rig.awaitOn(rig.server(owner), () -> ns.get(ns.idFromName(name))
                .fetch(Request.webSocketUpgrade("/ws"))));
        assertThat(upgraded.status()).isEqualTo(101);
        assertThat(upgraded.header(FrontDoor.EDGE_SOCKET_HEADER)).isNotNull();

        List<String> toClient = new ArrayList<>();
        EdgeSocket client = new EdgeSocket() {
            @Override
            public void send(WebSocketMessage message) {
                toClient.add(message.asText());
            }

            @Override
            public void close(int code, String reason) {
                toClient.add("close " + code);
            }
        };
        EdgeSocketSession[] session = new EdgeSocketSession[1];
        rig.server(owner).world().loop().execute(() -> session[0] = door.adoptSocket(upgraded, client));
        rig.runMillis(10);
        assertThatThrownBy(() -> door.adoptSocket(upgraded, client)).as("a socket is adopted once")
                .isInstanceOf(DuroException.class);
        rig.server(owner).world().loop().execute(() -> session[0].message(new WebSocketMessage.Text("hi")));
        rig.runMillis(200);
        assertThat(toClient).containsExactly("echo hi");
    }
}
