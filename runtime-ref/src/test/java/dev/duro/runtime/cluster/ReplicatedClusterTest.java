package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.replication.MemoryReplication;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster node end to end on the real replication protocol (over in-memory replica disks that
 * survive crashes): routing, deduplication, failover of requests and alarms.
 */
class ReplicatedClusterTest {

    private static ClusterRig rig(long seed, int members, RuntimeConfig config, NetworkConfig network) {
        MemoryReplication disks = new MemoryReplication(members);
        return new ClusterRig(seed, members, config, network, RoutingOptions.defaults(),
                (world, cluster, placement, runtime, firstBoot) -> NodeStorage.over(disks.open(world, cluster, placement, runtime, firstBoot)));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1001, 1002, 1003})
    void anyGatewayReachesTheOwnerAndItsWritesAreFenced(long seed) {
        ClusterRig rig = rig(seed, 5, RuntimeConfig.defaults(), NetworkConfig.DEFAULT);
        String name = "replicated";
        NodeId owner = rig.replicas(name).getFirst();
        for (int k = 0; k < 5; k++) {
            assertThat(rig.textVia(NodeId.of(k), name, "/inc")).as("seed %d via n%d", seed, k).isEqualTo(Integer.toString(k + 1));
        }
        assertThat(rig.nodesOf("obj-event-begin", name)).as("seed %d", seed).containsOnly(owner);
        assertThat(rig.records("obj-output")).as("seed %d: outputs carry the owner's epoch", seed)
                .filteredOn(r -> r.contains(rig.id(name).hex())).isNotEmpty().allMatch(r -> !r.contains("fence=-"));
        assertThat(rig.records("repl-won")).as("seed %d: the owner won an epoch from its replicas", seed)
                .anyMatch(r -> r.startsWith(owner + " ") && r.contains(rig.id(name).hex()));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1011, 1012})
    void forwardedWritesRunOnceUnderDuplication(long seed) {
        ClusterRig rig = rig(seed, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT.withDuplicateRate(0.3));
        String name = "dup";
        NodeId owner = rig.replicas(name).getFirst();
        NodeId other = NodeId.of((owner.index() + 1) % 3);
        for (int i = 1; i <= 15; i++) assertThat(rig.textVia(other, name, "/inc")).as("seed %d", seed).isEqualTo(Integer.toString(i));
        assertThat(rig.program(owner).gateway().stats().duplicateRequests()).as("seed %d", seed).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1021, 1022, 1023})
    void afterTheOwnerCrashesTheNextReplicaServesTheDurableState(long seed) {
        ClusterRig rig = rig(seed, 5, RuntimeConfig.defaults(), NetworkConfig.DEFAULT);
        String name = "survivor";
        List<NodeId> replicas = rig.replicas(name);
        for (int i = 1; i <= 3; i++) assertThat(rig.text(name, "/inc")).isEqualTo(Integer.toString(i));
        rig.server(replicas.get(0)).crash();
        long crashed = rig.sim.nowNanos();
        String answer = null;
        for (int attempt = 0; attempt < 30 && answer == null; attempt++) {
            Promise<Response> p = rig.await(() -> rig.client().fetch(ClusterRig.NS, name, Request.get("/inc"), Simulation.millis(1_000)));
            if (p.isSucceeded()) answer = p.value().bodyText();
            else assertThat(((DuroException) p.failure()).isRetryable()).as("seed %d: %s", seed, p.failure()).isTrue();
        }
        assertThat(answer).as("seed %d: acknowledged writes survived", seed).isIn("4", "5", "6");
        assertThat(rig.sim.nowNanos() - crashed).as("seed %d: served again within lease + suspicion + slack", seed)
                .isLessThan(Simulation.millis(8_000));
        assertThat(rig.nodesOf("obj-event-begin", name).getLast()).isEqualTo(replicas.get(1));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1031, 1032})
    void anAlarmFiresAfterFailoverAndIsLostWithThePlantedBug(long seed) {
        for (boolean bug : new boolean[] {false, true}) {
            RuntimeConfig config = bug ? RuntimeConfig.defaults().withPlantedBugs(Set.of(PlantedBug.DROP_ALARM_ON_FAILOVER))
                    : RuntimeConfig.defaults();
            ClusterRig rig = rig(seed, 5, config, NetworkConfig.DEFAULT);
            String name = "timer";
            List<NodeId> replicas = rig.replicas(name);
            assertThat(rig.text(name, "/alarm?in=3000")).isEqualTo("set");
            rig.runMillis(500);
            rig.server(replicas.get(0)).crash();
            rig.runMillis(15_000);
            List<NodeId> fired = rig.nodesOf("alarm-fire", name);
            if (bug) {
                assertThat(fired).as("seed %d, planted bug: lost", seed).isEmpty();
            } else {
                assertThat(fired).as("seed %d: fired at the new owner", seed).isNotEmpty().containsOnly(replicas.get(1));
                assertThat(rig.read(name, "/fired")).isEqualTo("1");
            }
        }
    }
}
