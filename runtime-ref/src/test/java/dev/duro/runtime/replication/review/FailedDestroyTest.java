package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.ObjectLog;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: a destroy() whose election gives up fails with UNAVAILABLE and says "the request never
 * ran and may be retried", but a try that got its promises may already have installed the empty
 * log on a minority under the highest log epoch; a later owner whose quorum includes that replica
 * adopts the empty log. The object was destroyed after all (or not, depending on which replicas
 * the next owner hears first).
 */
class FailedDestroyTest {
    private static final ObjectId ID = ReplicationRig.id(61);

    @Test
    void aDestroyThatFailsLeavesTheLogAsItWasOrSaysItMayHaveRun() {
        ReplicationRig rig = new ReplicationRig(61);
        ObjectLog a = rig.owner(0, ID, 3);
        rig.close(0, a);
        rig.sim.network().isolate(2);
        Epoch before = rig.disks.get(1).states.get(rig.key(ID)).promised();
        ObjectLog d = rig.open(0, ID);
        Promise<Void>[] destroyed = new Promise[1];
        rig.world(0).loop().execute(() -> destroyed[0] = d.destroy());
        // n1 promises the destroy's epoch; from then on n0's messages to n1 are lost (its answers still arrive).
        while (rig.disks.get(1).states.get(rig.key(ID)).promised().equals(before)) {
            rig.sim.run(rig.sim.nowNanos() + 50_000, Long.MAX_VALUE);
        }
        rig.sim.network().block(0, 1);
        rig.runMillis(20_000);
        assertThat(destroyed[0].isFailed()).as("the destroy gave up").isTrue();
        String said = destroyed[0].failure().getMessage();

        rig.sim.network().heal();
        rig.sim.network().isolate(2);
        ObjectLog b = rig.open(1, ID);
        List<String> after = ReplicationRig.payloads(rig.value(1, w -> b.recover()));
        boolean claimsNeverRan = destroyed[0].failure() instanceof DuroException && said.contains("never ran");
        assertThat(claimsNeverRan && after.isEmpty())
                .as("destroy said '%s', yet the next owner recovered %s", said, after).isFalse();
    }
}
