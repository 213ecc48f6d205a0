package dev.duro.runtime.cluster;

import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.sim.Simulation;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production wiring ({@link NodeStorage#replicated}, what the public {@link ClusterNode}
 * constructors use: replication over the disk replica store on simulated disks). Skipped while
 * replication cannot build its disk store yet (issue 5 in progress); then these run as they are.
 */
class ProductionClusterTest {

    private static ClusterRig rig(long seed) {
        ClusterRig rig = new ClusterRig(seed, 5, RuntimeConfig.defaults(), NetworkConfig.DEFAULT, RoutingOptions.defaults(),
                NodeStorage::replicated);
        // a node whose start threw (replication could not build its store) has no host
        Assumptions.assumeTrue(rig.programs.stream().allMatch(p -> p.host() != null),
                "replication's disk store is not wired in yet");
        return rig;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2001, 2002})
    void routingAndFailoverOnTheProductionStorage(long seed) {
        ClusterRig rig = rig(seed);
        for (int k = 0; k < 5; k++) {
            assertThat(rig.textVia(NodeId.of(k), "routed", "/inc")).as("seed %d via n%d", seed, k).isEqualTo(Integer.toString(k + 1));
        }
        ClusterRig.Takeover t = rig.crashOwnerAndIncrement("survivor", 1_000);
        assertThat(Integer.parseInt(t.answer())).as("seed %d", seed).isBetween(4, 4 + t.failures().size());
        assertThat(t.afterNanos()).as("seed %d", seed).isLessThan(Simulation.millis(8_000));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {2011})
    void anAlarmFiresAfterFailoverOnTheProductionStorage(long seed) {
        ClusterRig rig = rig(seed);
        List<NodeId> replicas = rig.replicas("timer");
        assertThat(rig.alarmThenCrashOwner("timer", 15_000)).as("seed %d", seed).isNotEmpty().containsOnly(replicas.get(1));
    }
}
