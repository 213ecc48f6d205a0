package dev.duro.runtime.cluster;

import dev.duro.model.object.DuroException;
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
        assertThat(rig.program(owner).stats().duplicateForwards()).as("seed %d", seed).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1021, 1022, 1023})
    void afterTheOwnerCrashesTheNextReplicaServesTheDurableState(long seed) {
        ClusterRig rig = rig(seed, 5, RuntimeConfig.defaults(), NetworkConfig.DEFAULT);
        ClusterRig.Takeover t = rig.crashOwnerAndIncrement("survivor", 1_000);
        // calls that timed out may have run (they are indeterminate), so 4 or more
        assertThat(Integer.parseInt(t.answer())).as("seed %d: acknowledged writes survived", seed).isBetween(4, 4 + t.failures().size());
        assertThat(t.failures()).as("seed %d", seed).allMatch(DuroException::isRetryable);
        assertThat(t.afterNanos()).as("seed %d: served again within lease + suspicion + slack", seed).isLessThan(Simulation.millis(8_000));
        assertThat(rig.nodesOf("obj-event-begin", "survivor").getLast()).isEqualTo(t.replicas().get(1));
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
            List<NodeId> fired = rig.alarmThenCrashOwner(name, 15_000);
            if (bug) {
                assertThat(fired).as("seed %d, planted bug: lost", seed).isEmpty();
            } else {
                assertThat(fired).as("seed %d: fired at the new owner", seed).isNotEmpty().containsOnly(replicas.get(1));
                assertThat(rig.read(name, "/fired")).isEqualTo("1");
            }
        }
    }
}
