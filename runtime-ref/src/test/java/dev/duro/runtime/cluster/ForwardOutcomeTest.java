package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a forwarded call ends with (docs/cluster.md, "Routing and failover"), seen from the node
 * that forwarded it: the owner's failure as the object gave it (long messages cut at 4,096
 * characters, never inside a surrogate pair), UNAVAILABLE at once when the owner is suspected or
 * restarts (not at the forward timeout), and a reply after the timeout counted as late.
 */
class ForwardOutcomeTest {
    private static final NodeId EDGE = NodeId.of(0);
    private static final NodeId OWNER = NodeId.of(2);
    /** Far beyond every wait below: a call that ends early was ended by something else than the timeout. */
    private static final RoutingOptions LONG_TIMEOUT = new RoutingOptions(1024, Simulation.millis(30_000), Simulation.millis(2_000));

    private static ClusterRig rig(long seed, RoutingOptions routing) {
        ClusterRig rig = new ClusterRig(seed, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT, routing, new SharedLogs().factory());
        rig.runMillis(300); // every node has heard every other's incarnation
        return rig;
    }

    private static String ownedByOwner(ClusterRig rig) {
        return IntStream.range(0, 1000).mapToObj(i -> "fwd-" + i)
                .filter(n -> rig.replicas(n).getFirst().equals(OWNER)).findFirst().orElseThrow();
    }

    /** Starts {@code path} on {@code name} through a worker stub at the edge node (so its router forwards it). */
    private static Promise<Response>[] start(ClusterRig rig, String name, String path) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // one slot the loop fills
        Promise<Response>[] holder = new Promise[1];
        ObjectNamespace ns = rig.program(EDGE).frontDoor().workerEnv().namespace(ClusterRig.NS);
        rig.server(EDGE).world().loop().execute(() -> holder[0] = ns.get(ns.idFromName(name)).fetch(Request.get(path)));
        return holder;
    }

    private static DuroException failureVia(ClusterRig rig, String name, String path) {
        Promise<Response>[] call = start(rig, name, path);
        for (int i = 0; i < 10_000 && (call[0] == null || !call[0].isDone()); i++) rig.runMillis(1);
        assertThat(call[0].isFailed()).as("seed %d: %s failed", rig.seed, path).isTrue();
        assertThat(call[0].failure()).isInstanceOf(DuroException.class);
        return (DuroException) call[0].failure();
    }

    @Test
    void theOwnersFailureComesBackAsTheObjectGaveItCutAt4096CharactersOutsideASurrogatePair() {
        ClusterRig rig = rig(601, RoutingOptions.defaults());
        String name = ownedByOwner(rig);
        DuroException exact = failureVia(rig, name, "/fail?a=4096");
        assertThat(exact.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(exact.getMessage()).as("4,096 characters pass whole").isEqualTo("a".repeat(4096));
        assertThat(failureVia(rig, name, "/fail?a=4097").getMessage()).isEqualTo("a".repeat(4093) + "...");
        // the pair would straddle the cut at 4,093: it goes whole, the message is one character shorter
        assertThat(failureVia(rig, name, "/fail?a=4092&pair=1").getMessage()).isEqualTo("a".repeat(4092) + "...");
        assertThat(failureVia(rig, name, "/fail?a=4091&pair=1").getMessage()).isEqualTo("a".repeat(4091) + "\uD83D\uDE00...");
        assertThat(rig.nodesOf("obj-event-begin", name)).as("it ran at its owner").containsOnly(OWNER);
    }

    @Test
    void aResponseTooLargeToForwardFailsAsTheObjectsErrorNotAsATimeout() {
        ClusterRig rig = rig(602, RoutingOptions.defaults());
        String name = ownedByOwner(rig);
        long before = rig.sim.nowNanos();
        DuroException e = failureVia(rig, name, "/big?bytes=" + (ClusterCodec.MAX_BODY_BYTES + 1));
        assertThat(e.code()).as("seed %d: %s", rig.seed, e.getMessage()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.getMessage()).contains("response cannot be sent");
        assertThat(rig.sim.nowNanos() - before).isLessThan(Simulation.millis(1_000));
    }

    /** A 20 s call forwarded to the owner; {@code event} hits the owner 100 ms in; the call must fail UNAVAILABLE within {@code withinMs}. */
    private static DuroException slowCallThen(ClusterRig rig, Runnable event, long withinMs) {
        Promise<Response>[] call = start(rig, ownedByOwner(rig), "/slow?ms=20000");
        rig.runMillis(100);
        event.run();
        long at = rig.sim.nowNanos();
        for (int i = 0; i < 5_000 && !call[0].isDone(); i++) rig.runMillis(1);
        assertThat(call[0].isFailed()).as("seed %d", rig.seed).isTrue();
        assertThat(rig.sim.nowNanos() - at).as("seed %d: long before the 30 s timeout", rig.seed).isLessThan(Simulation.millis(withinMs));
        DuroException e = (DuroException) call[0].failure();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        return e;
    }

    @Test
    void aForwardToAnOwnerThatBecomesSuspectedFailsAtTheSuspicionNotAtTheTimeout() {
        ClusterRig rig = rig(603, LONG_TIMEOUT);
        assertThat(slowCallThen(rig, () -> rig.server(OWNER).crash(), 1_500).getMessage()).contains("suspected down");
    }

    @Test
    void aForwardToAnOwnerThatRestartsFailsWhenTheNewIncarnationIsHeard() {
        ClusterRig rig = rig(604, LONG_TIMEOUT);
        // back before anyone suspects it: only its new incarnation tells
        DuroException e = slowCallThen(rig, () -> {
            rig.server(OWNER).crash();
            rig.server(OWNER).restart();
        }, 500);
        assertThat(e.getMessage()).contains("restarted");
        assertThat(rig.program(EDGE).suspected()).isEmpty();
    }

    @Test
    void aReplyAfterTheForwardTimedOutIsCountedLate() {
        ClusterRig rig = rig(605, new RoutingOptions(1024, Simulation.millis(200), Simulation.millis(2_000)));
        String name = ownedByOwner(rig);
        DuroException e = failureVia(rig, name, "/slow?ms=1000");
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("no answer within 200 ms");
        assertThat(rig.program(EDGE).stats().lateForwardReplies()).isZero();
        rig.runMillis(2_000);
        assertThat(rig.program(EDGE).stats().lateForwardReplies()).as("seed %d", rig.seed).isEqualTo(1);
        assertThat(rig.program(EDGE).stats().forwardsTimedOut()).isEqualTo(1);
    }

    @Test
    void withEveryReplicaSuspectedTheFirstReplicaIsStillNamedTheOwner() {
        ClusterRig rig = new ClusterRig(606, 5, new SharedLogs());
        String name = "orphan";
        List<NodeId> replicas = rig.replicas(name);
        NodeId outsider = IntStream.range(0, 5).mapToObj(NodeId::of).filter(n -> !replicas.contains(n)).findFirst().orElseThrow();
        for (NodeId r : replicas) rig.server(r).crash();
        rig.runMillis(1_500);
        assertThat(rig.program(outsider).suspected()).containsAll(replicas);
        assertThat(rig.program(outsider).preferredOwner(ClusterRig.NS, rig.id(name))).isEqualTo(replicas.getFirst());
    }
}
