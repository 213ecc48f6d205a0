package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: {@code ObjectLog.snapshot} is "durable when the promise completes". A snapshot at or
 * before the latest one completed at once, even while that latest one had not reached a quorum.
 */
class RepeatedSnapshotTest {
    private static final ObjectId ID = ReplicationRig.id(71);

    @Test
    void aRepeatedSnapshotCompletesOnlyWhenTheLatestIsDurable() {
        ReplicationRig rig = new ReplicationRig(71);
        ObjectLog a = rig.owner(0, ID, 6);
        rig.sim.network().isolate(0);
        Promise<Void> first = rig.await(0, 50, w -> a.snapshot(new Snapshot(5, 1, new byte[] {5})));
        Promise<Void> again = rig.await(0, 50, w -> a.snapshot(new Snapshot(5, 1, new byte[] {5})));
        Promise<Void> older = rig.await(0, 50, w -> a.snapshot(new Snapshot(4, 1, new byte[] {4})));
        assertThat(first.isDone()).as("no quorum: snapshot 5 is not durable").isFalse();
        assertThat(again.isDone()).as("the same snapshot again is no more durable").isFalse();
        assertThat(older.isDone()).as("an older one is covered only by snapshot 5, which is not durable").isFalse();
        rig.sim.network().heal();
        rig.runMillis(1_000);
        assertThat(first.isSucceeded() && again.isSucceeded() && older.isSucceeded()).as("all complete once it is").isTrue();
    }
}
