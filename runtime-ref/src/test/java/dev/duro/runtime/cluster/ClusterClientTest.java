package dev.duro.runtime.cluster;

import dev.duro.client.*;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster client library: where calls go, what it retries, what it surfaces. */
class ClusterClientTest {

    @Test
    void callsForOneObjectGoToOneGatewayWhichForwardsToTheOwner() {
        ClusterRig rig = new ClusterRig(501, 5, new SharedLogs());
        NodeId gateway = rig.client().gatewayFor(ClusterRig.NS, "placed");
        for (int i = 1; i <= 3; i++) assertThat(rig.text("placed", "/inc")).isEqualTo(Integer.toString(i));
        assertThat(rig.client().gatewayFor(ClusterRig.NS, "placed")).isEqualTo(gateway);
        long forwarded = rig.programs.stream().mapToLong(p -> p.stats().forwarded()).sum();
        assertThat(forwarded).as("a hop unless the gateway is the owner").isEqualTo(gateway.equals(rig.replicas("placed").getFirst()) ? 0 : 3);
        assertThat(rig.nodesOf("obj-event-begin", "placed")).containsOnly(rig.replicas("placed").getFirst());
    }

    @Test
    void aTimeoutFailsUnavailableAndTheNextCallTriesTheNextReplica() {
        ClusterRig rig = new ClusterRig(502, 5, new SharedLogs());
        String name = "next";
        assertThat(rig.text(name, "/inc")).isEqualTo("1");
        NodeId used = rig.client().gatewayFor(ClusterRig.NS, name);
        rig.server(used).crash();
        DuroException e = rig.error(() -> rig.client().fetch(ClusterRig.NS, name, Request.get("/inc"), Simulation.millis(300)));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("outcome is unknown");
        assertThat(rig.client().redirects()).as("an indeterminate call is never retried").isZero();
        assertThat(rig.client().gatewayFor(ClusterRig.NS, name)).isEqualTo(NodeId.of((used.index() + 1) % 5));
        rig.runMillis(1_000); // the survivors suspect the crashed node
        assertThat(rig.text(name, "/inc")).isEqualTo("2");
    }

    @Test
    void overloadIsSurfacedAtOnceNotRetried() {
        ClusterRig rig = new ClusterRig(503, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT,
                RoutingOptions.defaults().withMaxInFlightForwards(2), new SharedLogs().factory());
        String name = "hot";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId other = rig.client().gatewayFor(ClusterRig.NS, name);
        org.junit.jupiter.api.Assumptions.assumeFalse(other.equals(owner), "the client's gateway for 'hot' must be another node than its owner");
        List<Promise<Response>> calls = new ArrayList<>();
        rig.await(() -> {
            for (int i = 0; i < 4; i++) {
                calls.add(rig.client().fetch(ClusterRig.NS, name, Request.get("/slow?ms=100"), ClusterRig.CALL_TIMEOUT_NANOS));
            }
            return calls.getLast();
        });
        rig.runMillis(1_000);
        List<String> outcomes = calls.stream()
                .map(p -> p.isFailed() ? ((DuroException) p.failure()).code().name() : p.value().bodyText()).toList();
        assertThat(outcomes).containsExactlyInAnyOrder("slow", "slow", "OVERLOADED", "OVERLOADED");
        assertThat(rig.client().redirects()).isZero();
        assertThat(rig.program(other).stats().forwarded()).as("the refused calls were not sent again").isEqualTo(2);
    }

    @Test
    void anInvalidIdFailsAtTheGateway() {
        ClusterRig rig = new ClusterRig(504, 3, new SharedLogs());
        DuroException e = rig.error(() -> rig.client().fetchById(ClusterRig.NS, "not-hex", Request.get("/get"), ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(rig.client().gateway().pendingCalls()).isZero();
        assertThat(rig.nodesOf("obj-event-begin", "not-hex")).isEmpty();
    }

    @Test
    void fetchByIdReachesTheSameObjectAsFetchByName() {
        ClusterRig rig = new ClusterRig(505, 3, new SharedLogs());
        assertThat(rig.text("same", "/inc")).isEqualTo("1");
        String hex = rig.id("same").hex();
        Response r = rig.value(() -> rig.client().fetchById(ClusterRig.NS, hex, Request.get("/inc"), ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(r.bodyText()).isEqualTo("2");
    }
}
