package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectFactory;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import dev.duro.runtime.gateway.GatewayOptions;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ClusterNode}'s own surface: what it was built with, a single node's cluster, a lone member's restart. */
class ClusterNodeTest {
    private static final Deployment DEPLOYMENT =
            new Deployment(ClusterRig.SECRET, List.of(new NamespaceBinding(ClusterRig.NS, (ObjectFactory) ClusterRig.Probe::new)));

    @Test
    void aNodeAnswersWhatItWasBuiltWithAndZeroCountersBeforeItsFirstStart() {
        RuntimeConfig config = RuntimeConfig.defaults();
        ClusterConfig cluster = ClusterConfig.of(3);
        ClusterNode node = new ClusterNode(DEPLOYMENT, config, cluster, GatewayOptions.defaults());
        assertThat(node.deployment()).isSameAs(DEPLOYMENT);
        assertThat(node.config()).isSameAs(config);
        assertThat(node.cluster()).isSameAs(cluster);
        assertThat(node.stats()).isEqualTo(new ClusterNode.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(node.asExistingMember()).isSameAs(node);
    }

    @Test
    void aSingleNodeIsTheOnlyMemberOfItsClusterWhateverItsIndex() {
        for (int index : new int[] {0, 3}) {
            ClusterNode single = ClusterNode.single(DEPLOYMENT, RuntimeConfig.defaults(), GatewayOptions.defaults(), NodeId.of(index));
            assertThat(single.cluster().members()).containsExactly(NodeId.of(index));
            assertThat(single.cluster().replicas()).isEqualTo(1);
        }
    }

    @Test
    void aLoneMemberRearmsItsAlarmsAtItsRestartWithoutAnyRequest() {
        ClusterRig rig = new ClusterRig(701, 1, new SharedLogs());
        assertThat(rig.text("alone", "/alarm?in=2000")).isEqualTo("set");
        rig.server(NodeId.of(0)).crash();
        rig.server(NodeId.of(0)).restart();
        rig.runMillis(5_000);
        assertThat(rig.nodesOf("alarm-fire", "alone")).as("seed %d", rig.seed).containsExactly(NodeId.of(0));
    }

    @Test
    void theDropAlarmBugSparesAnOwnersOwnRestart() {
        // the planted bug forgets alarms only at a node that took the object over, not at its first replica
        RuntimeConfig buggy = RuntimeConfig.defaults().withPlantedBugs(java.util.Set.of(dev.duro.runtime.PlantedBug.DROP_ALARM_ON_FAILOVER));
        ClusterRig rig = new ClusterRig(703, 3, buggy, NetworkConfig.DEFAULT, RoutingOptions.defaults(), new SharedLogs().factory());
        NodeId owner = rig.replicas("timer").getFirst();
        assertThat(rig.text("timer", "/alarm?in=3000")).isEqualTo("set");
        rig.server(owner).crash();
        rig.server(owner).restart();
        rig.runMillis(6_000);
        assertThat(rig.nodesOf("alarm-fire", "timer")).as("seed %d", rig.seed).containsExactly(owner);
    }

    @Test
    void aMalformedClusterMessageIsCountedAndTraced() {
        ClusterRig rig = new ClusterRig(702, 3, RuntimeConfig.defaults(), NetworkConfig.DEFAULT, RoutingOptions.defaults(),
                new SharedLogs().factory());
        rig.clientNode.world().loop().execute(() -> rig.clientNode.world().transport()
                .send(NodeId.of(1), new byte[] {ClusterCodec.FAMILY, ClusterCodec.VERSION, 99}));
        rig.runMillis(100);
        assertThat(rig.program(NodeId.of(1)).stats().malformedCluster()).isEqualTo(1);
        assertThat(rig.records("cluster-malformed")).containsExactly("n1 from=n3 bytes=3");
    }
}
