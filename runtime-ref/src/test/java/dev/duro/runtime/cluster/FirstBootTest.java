package dev.duro.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.world.NodeId;
import org.junit.jupiter.api.Test;

/**
 * A node is new until its storage finished its start-up writes once: a crash before that leaves an
 * empty disk that never answered a replica message, so the restart is a first boot again, not a lost
 * disk. Calling it a lost disk made every object it replicates keep an amnesic replica, and with one
 * damaged peer (the faulty-disk node) such objects could never elect an owner again (found by the
 * counter sweep, seed 134 under swarm faults, before this rule).
 */
class FirstBootTest {
    private static final long SEED = 4201;

    @Test
    void aCrashDuringTheFirstBootIsNoLostDisk() {
        ClusterRig rig = ClusterRig.onDisks(SEED, 3);
        NodeId n0 = NodeId.of(0);
        assertThat(rig.program(n0).storageInitialized()).as("premise: 1 ms in, the node marker is not durable yet").isFalse();
        rig.server(n0).crash();
        rig.runMillis(100);
        rig.server(n0).restart();
        rig.runMillis(1_000);
        assertThat(rig.program(n0).storageInitialized()).isTrue();
        assertThat(rig.records("repl-disk-lost")).as("an interrupted first boot is no lost disk").isEmpty();
        for (int i = 1; i <= 3; i++) assertThat(rig.textVia(n0, "after-first-boot", "/inc")).isEqualTo(Integer.toString(i));
    }

    @Test
    void aDiskLostAfterTheFirstBootIsStillALostDisk() {
        ClusterRig rig = ClusterRig.onDisks(SEED, 3);
        NodeId n0 = NodeId.of(0);
        rig.runMillis(1_000);
        assertThat(rig.program(n0).storageInitialized()).isTrue();
        rig.server(n0).crash();
        rig.disks.get(0).wipe();
        rig.server(n0).restart();
        rig.runMillis(1_000);
        assertThat(rig.records("repl-disk-lost")).as("the marker was durable, so its absence is a lost disk").hasSize(1);
    }

    @Test
    void anExistingMembersNewProcessTreatsAnEmptyDiskAsLost() {
        // n0's process restarts a member that booted before (in production, a new process per restart), on an empty disk.
        ClusterRig rig = new ClusterRig(SEED, 3, dev.duro.runtime.config.RuntimeConfig.defaults(), dev.duro.sim.net.NetworkConfig.DEFAULT,
                RoutingOptions.defaults(), NodeStorage::replicated, java.util.Set.of(0));
        rig.runMillis(1_000);
        assertThat(rig.records("repl-disk-lost")).as("an existing member without its marker lost its disk").hasSize(1);
        assertThat(rig.records("repl-disk-lost").getFirst()).startsWith("n0 ");
    }
}
