package dev.duro.runtime.replication;

import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Behind;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.LeaseOk;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.PushSnapshot;
import dev.duro.runtime.replication.Message.RecoverAt;
import dev.duro.runtime.replication.Message.RecoverAtFailed;
import dev.duro.runtime.replication.Message.RecoveredAt;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import dev.duro.runtime.replication.Message.Reply;
import dev.duro.runtime.replication.Message.SnapshotAck;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static dev.duro.runtime.replication.ServerRig.MS;
import static dev.duro.runtime.replication.ServerRig.log;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's answers to an owner's snapshot pushes, renewals and reads of an older state
 * (docs/cluster.md, "Replicated object log"): stored and acknowledged once durable, duplicates
 * from durable state, wrong owners fenced or asked for an install, a renewal keeps the lease.
 */
class ReplicaServerSnapshotAndLeaseTest {
    private static final Epoch E1 = epoch(1);

    private static PushSnapshot push(ServerRig rig, Epoch e, long seq) {
        return new PushSnapshot(rig.route(), e, new Snapshot(seq, 99, new byte[] {(byte) seq}));
    }

    /** The replica holds owner 1's batches 1..{@code to} (the replies kept: the last one granted a lease). */
    private static ServerRig holding(long seed, long to) {
        ServerRig rig = new ServerRig(seed);
        rig.install(1, log("a", 1, to));
        return rig;
    }

    /** Owner 1 was deposed: its lease released, epoch 2 promised. */
    private static void deposeOwner1(ServerRig rig) {
        rig.exchange(new Release(rig.route(), E1), 1);
        rig.exchange(new Prepare(rig.route(), epoch(2)), 10);
        rig.replies.clear();
    }

    private static Reply onlyReply(ServerRig rig) {
        assertThat(rig.replies).as("one answer").hasSize(1);
        return rig.replies.getFirst().message();
    }

    /** The one answer to {@code request} (answers before it forgotten). */
    private static Reply answer(ServerRig rig, Message.Request request) {
        rig.replies.clear();
        rig.exchange(request, 10);
        return onlyReply(rig);
    }

    // ------------------------------------------------------------------ snapshots

    @Test
    void aSnapshotAtTheLastBatchIsStoredAndADuplicateIsAnsweredFromDurableState() {
        ServerRig rig = holding(41, 4);
        assertThat(answer(rig, push(rig, E1, 4))).isInstanceOfSatisfying(SnapshotAck.class, a -> assertThat(a.seq()).isEqualTo(4));
        assertThat(rig.durable().snapshot()).hasValueSatisfying(s -> assertThat(s.seq()).isEqualTo(4));
        rig.assertAnsweredAtOnceAndRenewsLease(push(rig, E1, 4), SnapshotAck.class, 5);
        assertThat(rig.count("snapshot")).isEqualTo(1);
    }

    @Test
    void aSnapshotResentWhileItIsWrittenIsAnsweredOnlyOnceDurable() {
        ServerRig rig = holding(42, 4);
        rig.replies.clear();
        rig.writeDelayNanos = 300 * MS;
        rig.send(push(rig, E1, 3));
        rig.sendAt(rig.now() + 100 * MS, push(rig, E1, 3));
        rig.run(200);
        assertThat(rig.replies).as("nothing before it is durable").isEmpty();
        rig.run(200);
        assertThat(onlyReply(rig)).isInstanceOf(SnapshotAck.class);
        assertThat(rig.count("snapshot")).isEqualTo(1);
    }

    @Test
    void aSnapshotHoldsOffNewerEpochsFromItsArrivalAndFromItsDurability() {
        ServerRig rig = holding(43, 4);
        rig.assertLeaseCovers(push(rig, E1, 3), SnapshotAck.class, 5);
    }

    @Test
    void aSnapshotBeyondTheReplicasLogIsAnsweredBehind() {
        ServerRig rig = holding(44, 4);
        assertThat(answer(rig, push(rig, E1, 6))).isInstanceOfSatisfying(Behind.class, b -> assertThat(b.lastSeq()).isEqualTo(4));
        assertThat(rig.count("snapshot")).isZero();
    }

    @Test
    void aSnapshotFromADeposedOwnerIsFencedAndOneToAReplicaWithoutTheLogAsksForAnInstall() {
        ServerRig rig = holding(45, 4);
        deposeOwner1(rig);
        assertThat(answer(rig, push(rig, E1, 3))).isInstanceOfSatisfying(Fenced.class, f -> assertThat(f.promised()).isEqualTo(epoch(2)));
        assertThat(answer(rig, push(rig, epoch(2), 3))).as("2 holds no log here yet").isInstanceOfSatisfying(NeedInstall.class,
                n -> assertThat(n.lastSeq()).isEqualTo(4));
        assertThat(rig.count("snapshot")).isZero();
    }

    // ------------------------------------------------------------------ renewals

    @Test
    void anIdleOwnersRenewalKeepsItsLease() {
        ServerRig rig = holding(51, 2);
        rig.assertAnsweredAtOnceAndRenewsLease(new Renew(rig.route(), E1), LeaseOk.class, 5);
    }

    @Test
    void aDeposedOwnersRenewalIsFencedAndOneWithoutItsLogAsksForAnInstall() {
        ServerRig rig = holding(52, 2);
        deposeOwner1(rig);
        assertThat(answer(rig, new Renew(rig.route(), E1)))
                .isInstanceOfSatisfying(Fenced.class, f -> assertThat(f.promised()).isEqualTo(epoch(2)));
        assertThat(answer(rig, new Renew(rig.route(), epoch(2))))
                .isInstanceOfSatisfying(NeedInstall.class, n -> assertThat(n.lastSeq()).isEqualTo(2));
    }

    // ------------------------------------------------------------------ reads of an older state

    @Test
    void recoverAtIsServedFromTheReplicasRetainedLogOrFailsSayingWhy() {
        ServerRig rig = holding(61, 6);
        rig.exchange(push(rig, E1, 4), 10);
        assertThat(answer(rig, new RecoverAt(rig.route(), E1, 5))).isInstanceOfSatisfying(RecoveredAt.class, r -> {
            assertThat(r.recovery().lastSeq()).isEqualTo(5);
            assertThat(r.recovery().snapshot()).hasValueSatisfying(s -> assertThat(s.seq()).isEqualTo(4));
        });
        assertThat(answer(rig, new RecoverAt(rig.route(), E1, 2)))
                .isInstanceOfSatisfying(RecoverAtFailed.class, f -> assertThat(f.why()).contains("not retained"));
        assertThat(answer(rig, new RecoverAt(rig.route(), epoch(2), 5))).isInstanceOfSatisfying(RecoverAtFailed.class,
                f -> assertThat(f.why()).isEqualTo("the replica on n0 does not hold this owner's log"));
    }

    @Test
    void aReadThatRecoveredAnotherBatchIsNotServed() {
        ServerRig rig = holding(63, 6);
        rig.recoverTheBatchBefore = true;
        assertThat(answer(rig, new RecoverAt(rig.route(), E1, 5))).isInstanceOfSatisfying(RecoverAtFailed.class,
                f -> assertThat(f.why()).isEqualTo("the replica on n0 recovered batch 4 instead of 5"));
    }

    @Test
    void aDamagedReplicaFailsRecoverAtSayingSo() {
        ServerRig rig = new ServerRig(62);
        rig.disk.corrupt(ServerRig.KEY);
        assertThat(answer(rig, new RecoverAt(rig.route(), E1, 1))).isInstanceOfSatisfying(RecoverAtFailed.class,
                f -> assertThat(f.why()).isEqualTo("the replica on n0 is damaged"));
        assertThat(rig.count("recoverAt")).isZero();
    }
}
