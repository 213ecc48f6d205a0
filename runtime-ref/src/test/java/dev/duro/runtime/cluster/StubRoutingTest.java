package dev.duro.runtime.cluster;

import dev.duro.model.world.NodeId;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An object's stub to an object another node owns runs the call at that owner (docs/cluster.md
 * "Routing"), in call order, and never activates the callee at the caller's node.
 */
class StubRoutingTest {

    private static String ownedBy(ClusterRig rig, NodeId node, String prefix) {
        return IntStream.range(0, 1000).mapToObj(i -> prefix + i)
                .filter(n -> rig.replicas(n).getFirst().equals(node)).findFirst().orElseThrow();
    }

    @Test
    void anObjectCallingAnObjectOwnedByAnotherNodeRunsItThereInOrder() {
        for (long seed = 101; seed < 104; seed++) {
            ClusterRig rig = new ClusterRig(seed, 3, new SharedLogs());
            String caller = ownedBy(rig, NodeId.of(0), "caller-");
            String callee = ownedBy(rig, NodeId.of(2), "callee-");
            String answered = rig.text(caller, "/call?name=" + callee + "&path=/inc&times=5");
            assertThat(answered).as("seed %d", seed).isEqualTo("1,2,3,4,5");
            assertThat(rig.nodesOf("obj-event-begin", caller)).as("seed %d", seed).containsOnly(NodeId.of(0));
            assertThat(rig.nodesOf("obj-event-begin", callee)).as("the callee ran only at its owner (seed %d)", seed)
                    .containsOnly(NodeId.of(2));
            assertThat(rig.text(callee, "/get")).as("seed %d", seed).isEqualTo("5");
        }
    }
}
