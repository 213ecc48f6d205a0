package dev.duro.runtime.replication;

import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.Behind;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Installed;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static dev.duro.runtime.replication.ServerRig.MS;
import static dev.duro.runtime.replication.ServerRig.log;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's writes (docs/cluster.md, "Replicated object log"): appends and installs are
 * acknowledged once durable, exactly once per request, duplicates only from durable state; each
 * write holds off newer epochs for L from its arrival and from its durability; an install of a
 * longer log of the same owner, or of the adopted owner's log, extends the replica in place.
 */
class ReplicaServerWriteTest {
    private static final Epoch E1 = epoch(1);

    private static Append append(ServerRig rig, long from, long to) {
        return new Append(rig.route(), E1, log("a", from, to));
    }

    private static Install install(ServerRig rig, Optional<Snapshot> snapshot, long from, long to) {
        return new Install(rig.route(), E1, snapshot, log("a", from, to), false);
    }

    /** Sends {@code request} on a disk 300 ms slow and again 100 ms later: nothing is answered before it is durable, then once. */
    private static void assertResentWhileWrittenIsAnsweredOnceWhenDurable(ServerRig rig, Request request, Request resent,
                                                                         Class<? extends Message.Reply> ack) {
        rig.replies.clear();
        rig.writeDelayNanos = 300 * MS;
        rig.send(request);
        rig.sendAt(rig.now() + 100 * MS, resent);
        rig.run(200);
        assertThat(rig.replies).as("nothing answered while the write is in flight").isEmpty();
        rig.run(200);
        assertThat(rig.replies).as("the write answers, once").singleElement().satisfies(t -> assertThat(t.message()).isInstanceOf(ack));
        rig.writeDelayNanos = 0;
    }

    // ------------------------------------------------------------------ append

    @Test
    void anAppendIsAcknowledgedOnceAllItsBatchesAreDurableWithOneAnswer() {
        ServerRig rig = new ServerRig(11);
        rig.install(1, log("a", 1, 2));
        rig.replies.clear();
        long sentAt = rig.now();
        rig.exchange(append(rig, 3, 5), 10);
        rig.exchange(append(rig, 6, 6), 10);
        assertThat(rig.replies(Appended.class)).extracting(Appended::lastSeq).containsExactly(5L, 6L);
        assertThat(rig.replies).hasSize(2);
        assertThat(rig.replies.getFirst().atNanos() - sentAt).as("within one disk round, no resend needed")
                .isLessThan(rig.timing.resendNanos());
        assertThat(rig.durable().lastSeq()).isEqualTo(6);
    }

    @Test
    void anAppendHoldsOffNewerEpochsFromItsArrivalAndFromItsDurability() {
        ServerRig rig = new ServerRig(12);
        rig.install(1, log("a", 1, 2));
        rig.assertLeaseCovers(append(rig, 3, 3), Appended.class, 5);
    }

    @Test
    void aResentAppendIsAnsweredFromDurableStateOnly() {
        ServerRig rig = new ServerRig(13);
        rig.install(1, log("a", 1, 2));
        rig.exchange(append(rig, 3, 3), 10);
        // The Appended was lost: the resend of the replica's last batch is answered at once.
        rig.assertAnsweredAtOnceAndRenewsLease(append(rig, 3, 3), Appended.class, 5);
        assertThat(rig.replies(Appended.class).getFirst().lastSeq()).isEqualTo(3);
        assertResentWhileWrittenIsAnsweredOnceWhenDurable(rig, append(rig, 4, 4), append(rig, 4, 4), Appended.class);
        assertThat(rig.count("append")).as("each batch written once").isEqualTo(2);
    }

    @Test
    void aDeposedOwnersAppendIsFencedAndAReplicaWithoutItsLogAsksForAnInstall() {
        ServerRig rig = new ServerRig(14);
        rig.exchange(new Prepare(rig.route(), E1), 10);
        rig.replies.clear();
        rig.exchange(append(rig, 1, 1), 10);
        assertThat(rig.replies).singleElement().satisfies(t -> assertThat(t.message())
                .isInstanceOfSatisfying(NeedInstall.class, n -> assertThat(n.lastSeq()).isZero()));

        rig.exchange(install(rig, Optional.empty(), 1, 2), 10);
        rig.exchange(new Release(rig.route(), E1), 1);
        rig.exchange(new Prepare(rig.route(), epoch(2)), 10);
        rig.replies.clear();
        rig.exchange(append(rig, 3, 3), 10);
        assertThat(rig.replies).singleElement().satisfies(t -> assertThat(t.message())
                .isInstanceOfSatisfying(Fenced.class, f -> assertThat(f.promised()).isEqualTo(epoch(2))));
        assertThat(rig.durable().lastSeq()).isEqualTo(2);
    }

    @Test
    void anAppendAfterAGapIsAnsweredBehindWithTheLastBatchHeld() {
        ServerRig rig = new ServerRig(15);
        rig.install(1, log("a", 1, 2));
        rig.replies.clear();
        rig.exchange(append(rig, 4, 5), 10);
        assertThat(rig.replies).singleElement().satisfies(t -> assertThat(t.message())
                .isInstanceOfSatisfying(Behind.class, b -> assertThat(b.lastSeq()).isEqualTo(2)));
        assertThat(rig.count("append")).isZero();
    }

    /** A failed write may or may not be on disk: the replica reads it again, so the owner's resend is written and answered. */
    @Test
    void afterAFailedWriteTheReplicaReloadsAndTheResendIsWritten() {
        ServerRig rig = new ServerRig(16);
        rig.install(1, log("a", 1, 2));
        rig.replies.clear();
        rig.failWrites = 1;
        rig.exchange(append(rig, 3, 3), 10);
        assertThat(rig.replies).as("a failed write is not acknowledged").isEmpty();
        assertThat(rig.count("load")).as("read again").isEqualTo(2);
        rig.exchange(append(rig, 3, 3), 10);
        assertThat(rig.replies(Appended.class)).singleElement().satisfies(a -> assertThat(a.lastSeq()).isEqualTo(3));
        assertThat(rig.durable().lastSeq()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ install

    @Test
    void anInstallHoldsOffNewerEpochsFromItsArrivalAndFromItsDurability() {
        ServerRig rig = new ServerRig(21);
        rig.exchange(new Prepare(rig.route(), E1), 10);
        rig.assertLeaseCovers(install(rig, Optional.empty(), 1, 3), Installed.class, 5);
    }

    @Test
    void aResentInstallIsAnsweredFromDurableStateOnly() {
        ServerRig rig = new ServerRig(22);
        rig.exchange(new Prepare(rig.route(), E1), 10);
        assertResentWhileWrittenIsAnsweredOnceWhenDurable(rig, install(rig, Optional.empty(), 1, 3),
                install(rig, Optional.empty(), 1, 3), Installed.class);
        rig.assertAnsweredAtOnceAndRenewsLease(install(rig, Optional.empty(), 1, 3), Installed.class, 5);
        assertThat(rig.count("install")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ extend

    /** The replica holds batches 1..{@code to} of owner 1; replies and calls seen so far are forgotten. */
    private static void holding(ServerRig rig, long to) {
        rig.install(1, log("a", 1, to));
        rig.replies.clear();
        rig.calls.clear();
    }

    @Test
    void aLongerInstallOfTheSameOwnerOnlyAppendsAndAnswersOnceItAllIsDurable() {
        ServerRig rig = new ServerRig(31);
        holding(rig, 3);
        rig.exchange(install(rig, Optional.empty(), 1, 5), 10);
        assertThat(rig.calls).containsExactly("append", "append");
        assertThat(rig.replies(Installed.class)).singleElement().satisfies(i -> assertThat(i.lastSeq()).isEqualTo(5));

        rig.exchange(install(rig, Optional.empty(), 1, 6), 10);
        assertThat(rig.replies(Installed.class)).as("a one-step extend").extracting(Installed::lastSeq).containsExactly(5L, 6L);
        assertThat(rig.replies).hasSize(2);
        assertThat(rig.records("repl-extend")).as("no relabel").isEmpty();
    }

    @Test
    void anExtendStoresTheInstallsNewerSnapshotEvenWhenTheReplicaEndsAtIt() {
        ServerRig rig = new ServerRig(32);
        holding(rig, 3);
        rig.exchange(install(rig, Optional.of(new Snapshot(3, 99, new byte[] {3})), 4, 5), 10);
        assertThat(rig.calls).containsExactly("append", "append", "snapshot");
        assertThat(rig.replies).singleElement().satisfies(t -> assertThat(t.message()).isInstanceOfSatisfying(Installed.class, i -> {
            assertThat(i.lastSeq()).isEqualTo(5);
            assertThat(i.snapshotSeq()).isEqualTo(3);
        }));
        assertThat(rig.durable().snapshot()).hasValueSatisfying(s -> assertThat(s.seq()).isEqualTo(3));
        assertThat(rig.durable().lastSeq()).isEqualTo(5);
    }

    @Test
    void anExtendDoesNotRewriteTheSnapshotItHolds() {
        ServerRig rig = new ServerRig(33);
        rig.install(1, log("a", 1, 4));
        rig.exchange(new Message.PushSnapshot(rig.route(), E1, new Snapshot(3, 99, new byte[] {3})), 10);
        rig.replies.clear();
        rig.calls.clear();
        rig.exchange(install(rig, Optional.of(new Snapshot(3, 99, new byte[] {3})), 4, 6), 10);
        assertThat(rig.calls).containsExactly("append", "append");
        assertThat(rig.replies(Installed.class)).singleElement().satisfies(i -> assertThat(i.lastSeq()).isEqualTo(6));
    }

    @Test
    void anExtendHoldsOffNewerEpochsFromItsArrivalAndFromItsDurability() {
        ServerRig rig = new ServerRig(34);
        rig.install(1, log("a", 1, 3));
        rig.assertLeaseCovers(install(rig, Optional.empty(), 1, 5), Installed.class, 5);
    }

    /** The relabel of the previous owner's log is a trace fact (a fault harness aims full disks at it); a same-owner extend is not one. */
    @Test
    void aRelabelIsRecordedWithWhatTheReplicaHeldAndWhatWasAdopted() {
        ServerRig rig = new ServerRig(35);
        rig.install(1, log("a", 1, 3));
        rig.exchange(install(rig, Optional.empty(), 1, 3), 10);
        rig.exchange(new Release(rig.route(), E1), 1);
        Epoch e2 = epoch(2);
        rig.exchange(new Prepare(rig.route(), e2), 10);
        rig.replies.clear();
        rig.calls.clear();
        List<dev.duro.runtime.log.LogEntry> entries = new ArrayList<>(log("a", 1, 3));
        entries.add(ReplicationRig.entry(4, "b"));
        rig.exchange(new Install(rig.route(), e2, Optional.empty(), entries, false, E1, 3), 10);
        assertThat(rig.calls).containsExactly("relabel", "append");
        assertThat(rig.replies(Installed.class)).singleElement().satisfies(i -> assertThat(i.lastSeq()).isEqualTo(4));
        assertThat(rig.records("repl-extend")).containsExactly("id=" + ServerRig.ID.hex() + " at=n0 from=" + E1 + " to=" + e2
                + " owner=n" + e2.node() + " held=3 adopted=3");
    }
}
