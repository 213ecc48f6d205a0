package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review (found sound): a replica that was down while the owner snapshotted away the batches it
 * lacks is brought up to date by an install from the snapshot, and then serves a recovery alone
 * with one other replica.
 */
class CatchUpAfterSnapshotTest {
    private static final ObjectId ID = ReplicationRig.id(81);

    @Test
    void aReplicaBehindTheOwnersSnapshotIsInstalledFromIt() {
        ReplicationRig rig = new ReplicationRig(81);
        ObjectLog a = rig.owner(0, ID, 3);
        rig.crash(2);
        rig.appendAll(0, a, 4, 10, "a");
        rig.value(0, w -> a.snapshot(new Snapshot(8, 1, new byte[] {8})));
        rig.appendAll(0, a, 11, 12, "a");
        rig.restart(2);
        rig.appendAll(0, a, 13, 13, "a");
        rig.runMillis(1_000);
        ReplicaState on2 = rig.disks.get(2).states.get(rig.key(ID));
        assertThat(on2.lastSeq()).isEqualTo(13);
        assertThat(on2.snapshot().map(Snapshot::seq)).contains(8L);
        rig.close(0, a);
        // Only n1 and n2 are reachable for the next owner.
        rig.sim.network().isolate(0);
        ObjectLog b = rig.open(2, ID);
        Recovery r = rig.value(2, w -> b.recover());
        assertThat(r.snapshot().map(Snapshot::seq)).contains(8L);
        assertThat(ReplicationRig.payloads(r)).containsExactly("a#9", "a#10", "a#11", "a#12", "a#13");
    }
}
