package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.ObjectLog;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: a replica that lost its disk forgets what it promised. Before the fix, the first owner
 * to install it made it healthy again — even a deposed owner's delayed install. With one lost disk
 * and one partition (a minority of faults each), the deposed owner then got a quorum of its own
 * copy plus the freshly repaired one and acknowledged a batch that contradicts the newer owner's.
 *
 * <p>Cause: a lost disk (or a lost or unreadable state file) comes back as damaged with
 * {@code promised = ZERO}, and {@code ReplicaServer.onInstall} fenced only against that forgotten
 * promise. The quorum intersection the protocol relies on (every ack quorum meets every promise
 * quorum in a replica that remembers its promise) failed at that replica.
 *
 * <p>Fix (docs/cluster.md, "Amnesia"): such a replica accepts no install until it has learned, from
 * a quorum of the object's other replicas, the highest epoch they promised (it learns the newer
 * owner's here, from n1), and then fences the deposed owner's install. It still rejoins: the next
 * owner, reachable with a majority, repairs it.
 */
class LostDiskStaleOwnerTest {
    private static final ObjectId ID = ReplicationRig.id(21);

    @Test
    void aDeposedOwnerCannotRepairALostDiskIntoAQuorumOfItsOwn() {
        ReplicationRig rig = new ReplicationRig(21);
        ObjectLog a = rig.owner(0, ID, 3);
        rig.sim.network().isolate(0);
        Promise<Void> aFour = rig.await(0, 1, w -> a.append(ReplicationRig.entry(4, "a")));

        ObjectLog b = rig.open(1, ID);
        rig.value(1, w -> b.recover());
        rig.appendAll(1, b, 4, 4, "b"); // b#4 is acknowledged: on n1 and n2
        rig.close(1, b);

        // n2 loses its disk and rejoins; n0 can reach n2 again but still not n1.
        rig.crash(2);
        rig.disks.get(2).loseEverything();
        rig.restart(2);
        rig.sim.network().heal();
        rig.sim.network().block(0, 1);
        rig.sim.network().block(1, 0);
        rig.runMillis(5_000);

        boolean aLease = rig.read(0, a::outputAllowed);
        ObjectLog c = rig.open(1, ID);
        rig.sim.network().heal();
        rig.close(0, a);
        List<String> last = ReplicationRig.payloads(rig.value(1, w -> c.recover()));
        assertThat(last).as("b#4 was acknowledged").containsExactly("a#1", "a#2", "a#3", "b#4");
        assertThat(aFour.isSucceeded()).as("the deposed owner's a#4 was acknowledged too (after n2 lost its disk, "
                + "n2 accepted the deposed owner's install)").isFalse();
        assertThat(aLease).as("the deposed owner regained a lease").isFalse();
        assertThat(rig.records("repl-promise-learned")).as("n2 learned the promise from its peers")
                .anyMatch(r -> r.startsWith("n2 "));

        // Liveness: n2 rejoins. The next owner's writes reach all three replicas, n2 repaired.
        rig.appendAll(1, c, 5, 5, "c");
        rig.runMillis(2_000);
        assertThat(rig.records("repl-repaired")).as("the current owner repaired n2").anyMatch(r -> r.startsWith("n2 "));
    }
}
