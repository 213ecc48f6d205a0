package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each replication bug in one short, deterministic scenario, run with and without it: the same
 * steps keep every acknowledged batch without the bug and lose or contradict one with it.
 */
class PlantedBugScenariosTest {
    private static final ObjectId ID = ReplicationRig.id(9);

    private static ReplicationRig rig(Set<PlantedBug> bugs) {
        return new ReplicationRig(11, 3, 3, NetworkConfig.DEFAULT, bugs);
    }



    /** The owner is cut off; it appends batch 4; later another node recovers. */
    private static Promise<Void> isolatedAppend(ReplicationRig rig, ObjectLog a) {
        rig.sim.network().isolate(0);
        Promise<Void> p = rig.await(0, 500, w -> a.append(ReplicationRig.entry(4, "a")));
        return p;
    }

    @Test
    void ackBeforeQuorum() {
        for (boolean bug : new boolean[] {false, true}) {
            ReplicationRig rig = rig(bug ? Set.of(PlantedBug.ACK_BEFORE_QUORUM) : Set.of());
            ObjectLog a = rig.owner(0, ID, 3);
            Promise<Void> four = isolatedAppend(rig, a);
            ObjectLog b = rig.open(1, ID);
            Recovery r = rig.value(1, w -> b.recover());
            if (bug) {
                assertThat(four.isSucceeded()).as("with the bug, the isolated owner's own copy acknowledged batch 4").isTrue();
                assertThat(r.lastSeq()).as("... and the next owner never saw it: an acknowledged batch is lost").isEqualTo(3);
            } else {
                assertThat(four.isDone()).as("without a majority, batch 4 is not acknowledged").isFalse();
                assertThat(r.lastSeq()).isEqualTo(3);
            }
        }
    }

    /**
     * The owner of epoch a is cut off with batch 4 in flight; the owner of b takes over, writes its
     * own batch 4 and leaves; the partition heals and a's batch 4 reaches the replicas.
     */
    private record Deposed(ObjectLog a, Promise<Void> four) {
    }

    private static Deposed deposedOwnerComesBack(ReplicationRig rig) {
        ObjectLog a = rig.owner(0, ID, 3);
        Promise<Void> four = isolatedAppend(rig, a);
        ObjectLog b = rig.open(1, ID);
        rig.value(1, w -> b.recover());
        rig.value(1, w -> b.append(ReplicationRig.entry(4, "b")));
        rig.close(1, b);
        rig.sim.network().heal();
        rig.runMillis(3_000);
        return new Deposed(a, four);
    }

    @Test
    void staleEpoch() {
        for (boolean bug : new boolean[] {false, true}) {
            ReplicationRig rig = rig(bug ? Set.of(PlantedBug.STALE_EPOCH) : Set.of());
            Promise<Void> aFour = deposedOwnerComesBack(rig).four();
            if (bug) {
                assertThat(aFour.isSucceeded()).as("with the bug, the replicas took the deposed owner's batch 4 too: "
                        + "a#4 and b#4 both acknowledged").isTrue();
            } else {
                assertThat(((DuroException) aFour.failure()).code()).isEqualTo(ErrorCode.RESET);
                ObjectLog c = rig.open(2, ID);
                assertThat(ReplicationRig.payloads(rig.value(2, w -> c.recover()))).containsExactly("a#1", "a#2", "a#3", "b#4");
            }
        }
    }

    @Test
    void splitBrainAfterHeal() {
        for (boolean bug : new boolean[] {false, true}) {
            ReplicationRig rig = rig(bug ? Set.of(PlantedBug.SPLIT_BRAIN_AFTER_HEAL) : Set.of());
            Deposed deposed = deposedOwnerComesBack(rig);
            Promise<Void> aFour = deposed.four();
            rig.close(0, deposed.a());
            ObjectLog c = rig.open(2, ID);
            List<String> last = ReplicationRig.payloads(rig.value(2, w -> c.recover()));
            if (bug) {
                assertThat(aFour.isSucceeded()).as("with the bug, the fenced owner took the object back").isTrue();
                assertThat(last).as("... over the newer owner's acknowledged b#4").containsExactly("a#1", "a#2", "a#3", "a#4");
                assertThat(rig.records("repl-won")).anyMatch(s -> s.contains("from=own"));
            } else {
                assertThat(((DuroException) aFour.failure()).code()).isEqualTo(ErrorCode.RESET);
                assertThat(last).containsExactly("a#1", "a#2", "a#3", "b#4");
            }
        }
    }

    @Test
    void replayOutOfOrder() {
        for (boolean bug : new boolean[] {false, true}) {
            ReplicationRig rig = rig(bug ? Set.of(PlantedBug.REPLAY_OUT_OF_ORDER) : Set.of());
            ObjectLog a = rig.owner(0, ID, 3);
            rig.close(0, a);
            ObjectLog b = rig.open(1, ID);
            List<String> got = ReplicationRig.payloads(rig.value(1, w -> b.recover()));
            if (bug) {
                assertThat(got).containsExactly("a#1", "a#3", "a#2");
            } else {
                assertThat(got).containsExactly("a#1", "a#2", "a#3");
            }
        }
    }
}
