package dev.duro.runtime.cluster;

import dev.duro.client.*;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/cluster.md "Routing and failover": any gateway reaches the owner; forwards run once; MOVED. */
class RoutingTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aRequestThroughAnyGatewayRunsAtTheOwnerOnly(long seed) {
        ClusterRig rig = new ClusterRig(seed, 5, new SharedLogs());
        for (String name : List.of("a", "b", "c")) {
            NodeId owner = rig.replicas(name).getFirst();
            for (int k = 0; k < 5; k++) {
                assertThat(rig.textVia(NodeId.of(k), name, "/inc")).as("seed %d, %s via n%d", seed, name, k)
                        .isEqualTo(Long.toString(k + 1));
            }
            assertThat(rig.nodesOf("obj-event-begin", name)).as("seed %d: %s ran only at its owner", seed, name)
                    .isNotEmpty().containsOnly(owner);
        }
        long forwarded = rig.programs.stream().mapToLong(p -> p.stats().forwarded()).sum();
        assertThat(forwarded).as("4 of 5 gateways forward each object's requests (seed %d)", seed).isEqualTo(12);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void forwardedRequestsRunOnceWhenTheNetworkDuplicates(long seed) {
        ClusterRig rig = new ClusterRig(seed, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT.withDuplicateRate(0.5),
                RoutingOptions.defaults(), new SharedLogs().factory());
        String name = "dup";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId other = NodeId.of((owner.index() + 1) % 3);
        int n = 30;
        for (int i = 1; i <= n; i++) {
            assertThat(rig.textVia(other, name, "/inc")).as("seed %d, call %d", seed, i).isEqualTo(Long.toString(i));
        }
        assertThat(rig.textVia(owner, name, "/get")).isEqualTo(Long.toString(n));
        assertThat(rig.program(owner).stats().duplicateForwards())
                .as("the owner saw duplicated forwards and ran none twice (seed %d)", seed).isPositive();
    }

    @Test
    void anUpgradeAtANonOwnerIsForwardedAndItsSocketRunsThroughThatGatewayNeverMoved() {
        ClusterRig rig = new ClusterRig(21, 5, new SharedLogs());
        String name = "room";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId other = NodeId.of((owner.index() + 2) % 5);
        List<String> heard = new java.util.ArrayList<>();
        var socket = rig.value(() -> rig.client().gateway().connect(other, ClusterRig.NS, name,
                Request.webSocketUpgrade("/ws"), Listeners.recording(heard), ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(socket.isOpen()).isTrue();
        rig.clientNode.world().loop().execute(() -> socket.send("hi"));
        rig.runMillis(200);
        assertThat(heard).as("seed 21").containsExactly("msg echo hi");
        assertThat(rig.program(other).gateway().openSockets()).isEqualTo(1);
        assertThat(rig.program(owner).gateway().openSockets()).isZero();
        assertThat(rig.nodesOf("obj-event-begin", name)).containsOnly(owner);

        // the owner dies: the client hears 1006, not clean, through the gateway it connected to
        rig.server(owner).crash();
        rig.runMillis(10_000);
        assertThat(heard).as("seed 21").last().asString().startsWith("close 1006 ").endsWith(" false");
    }

    @Test
    void aForwardTheReceiverDoesNotOwnIsSentOnInsideTheClusterNeverMovedToTheClient() {
        ClusterRig rig = new ClusterRig(31, 5, new SharedLogs());
        String name = "disputed";
        List<NodeId> replicas = rig.replicas(name);
        NodeId first = replicas.get(0);
        NodeId second = replicas.get(1);
        NodeId bystander = NodeId.of(java.util.stream.IntStream.range(0, 5).filter(i -> !replicas.contains(NodeId.of(i)))
                .findFirst().orElseThrow());
        rig.runMillis(300); // heartbeats tell every node the others' incarnations
        // The bystander stops hearing the first replica, so it routes to the second, which still trusts the first.
        rig.sim.network().block(first.index(), bystander.index());
        rig.runMillis(1_000);
        assertThat(rig.program(bystander).suspected()).containsExactly(first);
        assertThat(rig.program(bystander).preferredOwner(ClusterRig.NS, rig.id(name))).isEqualTo(second);

        // The second refuses (not the owner, nothing ran) and names the first; the bystander sends it
        // there. The first runs it, but its answer cannot reach the bystander: outcome unknown.
        DuroException e = rig.error(() -> rig.client().gateway().fetch(bystander, ClusterRig.NS, name, Request.get("/inc"),
                ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(rig.program(bystander).stats().forwardRefusals()).isPositive();
        assertThat(rig.nodesOf("obj-event-begin", name)).as("ran at the first replica only").containsOnly(first);

        rig.sim.network().heal();
        rig.runMillis(1_000);
        assertThat(rig.textVia(bystander, name, "/get")).isEqualTo("1");
        assertThat(rig.nodesOf("obj-event-begin", name)).containsOnly(first);
    }

    @Test
    void forwardsBeyondTheInFlightLimitAreRefusedAsOverloaded() {
        ClusterRig rig = new ClusterRig(41, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT,
                RoutingOptions.defaults().withMaxInFlightForwards(2), new SharedLogs().factory());
        String name = "busy";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId other = NodeId.of((owner.index() + 1) % 3);
        var calls = new java.util.ArrayList<dev.duro.model.async.Promise<dev.duro.model.object.Response>>();
        rig.await(() -> {
            for (int i = 0; i < 4; i++) {
                calls.add(rig.client().gateway().fetch(other, ClusterRig.NS, name, Request.get("/slow?ms=200"), ClusterRig.CALL_TIMEOUT_NANOS));
            }
            return calls.getLast();
        });
        rig.runMillis(1_000);
        List<String> outcomes = calls.stream().map(p -> p.isFailed() ? ((DuroException) p.failure()).code().name() : p.value().bodyText()).toList();
        // the network may reorder the four frames: whichever two arrive first are forwarded
        assertThat(outcomes).containsExactlyInAnyOrder("slow", "slow", "OVERLOADED", "OVERLOADED");
        assertThat(rig.program(other).stats().forwardsOverloaded()).isEqualTo(2);
        assertThat(rig.program(other).stats().forwardsInFlight()).isZero();
    }

    @Test
    void aForwardThatGetsNoAnswerFailsUnavailable() {
        ClusterRig rig = new ClusterRig(51, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT,
                new RoutingOptions(16, 300_000_000L, 2_000_000_000L), new SharedLogs().factory());
        String name = "lost";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId other = NodeId.of((owner.index() + 1) % 3);
        rig.sim.network().block(other.index(), owner.index()); // forwards vanish; the owner's heartbeats still arrive
        DuroException e = rig.error(() -> rig.client().gateway().fetch(other, ClusterRig.NS, name, Request.get("/inc"),
                ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("the owner " + owner + ": no answer within 300 ms").contains("outcome is unknown");
        assertThat(rig.program(other).stats().forwardsTimedOut()).isEqualTo(1);
    }

    @Test
    void aForwardRunsOncePerIncarnationAndADuplicateReachingARestartedOwnerIsRefusedNotRun() {
        ClusterRig rig = new ClusterRig(71, 3, new SharedLogs());
        String name = "relay";
        NodeId owner = rig.replicas(name).getFirst();
        assertThat(rig.textVia(owner, name, "/inc")).isEqualTo("1");
        var sender = rig.clientNode.world();
        List<ClusterMessage.Outcome> outcomes = new java.util.ArrayList<>();
        sender.transport().onReceive((from, bytes) -> {
            if (bytes.length > 0 && bytes[0] == ClusterCodec.FAMILY
                    && ClusterCodec.decode(bytes) instanceof ClusterMessage.ForwardReply r) outcomes.add(r.outcome());
        });
        byte[] forward = ClusterCodec.encode(new ClusterMessage.Forward(7, rig.program(owner).routingIncarnation(), 99, ClusterRig.NS,
                rig.id(name), Request.get("/inc")));
        sender.loop().execute(() -> {
            for (int i = 0; i < 3; i++) sender.transport().send(owner, forward);
        });
        rig.runMillis(200);
        assertThat(outcomes).hasSize(1).first().isInstanceOfSatisfying(ClusterMessage.Answered.class,
                a -> assertThat(a.response().bodyText()).isEqualTo("2"));
        assertThat(rig.program(owner).stats().duplicateForwards()).isEqualTo(2);
        int ran = rig.nodesOf("obj-event-begin", name).size();

        long before = rig.program(owner).routingIncarnation();
        rig.server(owner).crash();
        rig.server(owner).restart();
        rig.runMillis(1_000);
        assertThat(rig.program(owner).routingIncarnation()).isNotEqualTo(before);
        sender.loop().execute(() -> sender.transport().send(owner, forward)); // the old forward again, after the restart
        rig.runMillis(200);
        assertThat(outcomes).hasSize(2).last().isInstanceOfSatisfying(ClusterMessage.StaleIncarnation.class,
                s -> assertThat(s.incarnation()).isEqualTo(rig.program(owner).routingIncarnation()));
        assertThat(rig.nodesOf("obj-event-begin", name)).as("the duplicate did not run again").hasSize(ran);
    }

    @Test
    void framesOfAnUnknownFamilyAreCountedAndDropped() {
        ClusterRig rig = new ClusterRig(61, 3, new SharedLogs());
        rig.clientNode.world().loop().execute(() -> {
            rig.clientNode.world().transport().send(NodeId.of(1), new byte[] {0x7f, 1, 2});
            rig.clientNode.world().transport().send(NodeId.of(1), new byte[0]);
            rig.clientNode.world().transport().send(NodeId.of(1), new byte[] {0x43, 1, 99}); // cluster family, unknown type
        });
        rig.runMillis(50);
        assertThat(rig.program(NodeId.of(1)).stats().unknownFamilyFrames()).isEqualTo(2);
        assertThat(rig.program(NodeId.of(1)).stats().malformedCluster()).isEqualTo(1);
        assertThat(dev.duro.wire.WireCodec.FAMILY_GATEWAY).isNotEqualTo(ClusterCodec.FAMILY);
        assertThat(rig.textVia(NodeId.of(1), "x", "/inc")).isEqualTo("1"); // still serving
    }
}
