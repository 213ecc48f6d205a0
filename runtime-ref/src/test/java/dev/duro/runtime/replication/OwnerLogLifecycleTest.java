package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Release;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static dev.duro.runtime.replication.OwnerBench.MS;
import static dev.duro.runtime.replication.OwnerBench.N0;
import static dev.duro.runtime.replication.OwnerBench.N1;
import static dev.duro.runtime.replication.OwnerBench.N2;
import static dev.duro.runtime.replication.OwnerBench.NODES;
import static dev.duro.runtime.replication.OwnerBench.ROUND_TRIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an owner handle accepts when, and how it ends: calls before its recovery completed or out
 * of sequence are refused; close, destroy and a newer owner's fence fail what is pending at once
 * (RESET), free the replicas, and leave a handle that refuses everything and sends nothing.
 */
class OwnerLogLifecycleTest {
    private final OwnerBench b = new OwnerBench();

    /** The failure of a call made on the owner's loop now (it must fail at once). */
    private Throwable refused(Supplier<Promise<?>> call) {
        Promise<?> p = b.on(call::get);
        assertThat(p.isFailed()).as("refused at once").isTrue();
        return p.failure();
    }

    private void assertReset(Supplier<Promise<?>> call, String why) {
        Throwable e = refused(call);
        assertThat(e).isInstanceOf(DuroException.class).hasMessageContaining(why);
        assertThat(((DuroException) e).code()).isEqualTo(ErrorCode.RESET);
    }

    private static Snapshot snap(long seq) {
        return new Snapshot(seq, 10 * seq, new byte[] {(byte) seq});
    }

    @Test
    void aHandleNeedsAtLeastAQuorumOfReplicas() {
        assertThat(new OwnerLog(b.ctx, OwnerBench.KEY, 7, List.of(N0, N1)).fence()).isEqualTo("-");
        assertThatThrownBy(() -> new OwnerLog(b.ctx, OwnerBench.KEY, 8, List.of(N0))).hasMessageContaining("cannot make a quorum of 2");
    }

    @Test
    void writesBeforeRecoveryCompletedAreRefusedAndRecoverRunsOnce() {
        assertThat(refused(() -> b.log.append(ReplicationRig.entry(1, "a")))).isInstanceOf(IllegalStateException.class);
        assertThat(refused(() -> b.log.snapshot(snap(0)))).isInstanceOf(IllegalStateException.class);
        assertThat(refused(() -> b.log.recoverAt(1))).isInstanceOf(IllegalStateException.class);
        Promise<Recovery> r = b.on(b.log::recover);
        // Electing now.
        assertThat(refused(() -> b.log.append(ReplicationRig.entry(1, "a")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before recover() completed");
        assertThat(refused(() -> b.log.snapshot(snap(0)))).isInstanceOf(IllegalStateException.class);
        assertThat(refused(() -> b.log.recoverAt(1))).isInstanceOf(IllegalStateException.class);
        assertThat(refused(b.log::recover)).isInstanceOf(IllegalStateException.class).hasMessageContaining("once");
        b.awaitDone(r, 100 * MS);
        assertThat(refused(b.log::recover)).isInstanceOf(IllegalStateException.class);
        assertThat(b.valueOf(r).lastSeq()).isZero();
    }

    @Test
    void batchesMustFollowTheLogAndSnapshotsMustLieWithinIt() {
        b.win();
        b.appendDurable(1, 3);
        assertThat(refused(() -> b.log.append(ReplicationRig.entry(5, "a")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not follow");
        assertThat(refused(() -> b.log.append(ReplicationRig.entry(3, "a")))).isInstanceOf(IllegalArgumentException.class);
        assertThat(refused(() -> b.log.snapshot(snap(4)))).isInstanceOf(IllegalArgumentException.class);

        long t = b.now();
        Promise<Void> atEnd = b.on(() -> b.log.snapshot(snap(3)));
        assertThat(b.awaitDone(atEnd, 100 * MS)).as("a snapshot of the whole log is taken").isEqualTo(t + ROUND_TRIP);
        assertThat(atEnd.isSucceeded()).isTrue();
        assertThat(b.on(() -> b.log.snapshot(snap(3))).isSucceeded()).as("already durable").isTrue();
        assertThat(b.on(() -> b.log.snapshot(snap(2))).isSucceeded()).as("covered by a durable one").isTrue();

        // Covered by one still pending: durable when that one is.
        b.appendDurable(4, 4);
        b.run(b.timing.resendNanos()); // a replica gets at most one push per resend interval
        b.answerDelay = (n, a) -> n.equals(N0) ? 0L : 5 * MS;
        long t2 = b.now();
        Promise<Void> pending = b.on(() -> b.log.snapshot(snap(4)));
        Promise<Void> again = b.on(() -> b.log.snapshot(snap(4)));
        assertThat(again.isDone()).isFalse();
        assertThat(b.awaitDone(again, 100 * MS)).isEqualTo(t2 + ROUND_TRIP + 5 * MS);
        assertThat(pending.isSucceeded()).isTrue();
    }

    @Test
    void closeFailsWhatIsPendingFreesTheReplicasAndLeavesAHandleThatRefusesEverything() {
        b.win();
        Epoch won = Epoch.parse(b.log.fence());
        b.down(N1);
        b.down(N2);
        List<Promise<Void>> batches = b.append(1, 2);
        Promise<Void> snapshot = b.on(() -> b.log.snapshot(snap(2)));
        long t = b.now();
        b.on(() -> {
            b.log.close();
            return null;
        });
        String why = "activation that opened this log handle ended";
        for (Promise<Void> p : List.of(batches.get(0), batches.get(1), snapshot)) {
            assertThat(p.isFailed()).as("failed at the close").isTrue();
            assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.RESET);
        }
        for (var n : NODES) {
            assertThat(b.times(Release.class, n)).as("%s freed", n).containsExactly(t);
            assertThat(b.sent(Release.class, n).getFirst().epoch()).isEqualTo(won);
        }
        assertThat(b.closed).containsExactly(b.log);
        assertReset(() -> b.log.append(ReplicationRig.entry(3, "a")), why);
        assertReset(() -> b.log.snapshot(snap(1)), why);
        assertReset(() -> b.log.recoverAt(1), why);
        assertReset(b.log::awaitOutputAllowed, why);
        assertReset(b.log::destroy, why);
        assertThat(b.on(b.log::outputAllowed)).isFalse();
        b.on(() -> {
            b.log.close();
            return null;
        });
        b.up(N1);
        b.run(2 * b.timing.leaseNanos());
        assertThat(b.sentSince(t + 1)).as("a closed handle sends nothing").isEmpty();
        assertThat(b.closed).hasSize(1);
    }

    /**
     * destroy() fails pending writes at once, frees the replicas from the old epoch, wins a fresh
     * one and installs an empty log there (reset, no relabel offer), then closes the handle.
     */
    @Test
    void destroyFailsPendingWritesAtOnceThenInstallsAnEmptyLogUnderAFreshEpoch() {
        b.win();
        Epoch old = Epoch.parse(b.log.fence());
        b.appendDurable(1, 3);
        long t = b.now();
        b.drop = s -> s.request() instanceof Append && !s.to().equals(N0);
        Promise<Void> batch = b.append(4, 4).getFirst();
        Promise<Void> destroyed = b.on(b.log::destroy);
        assertThat(batch.isFailed()).as("failed at the destroy").isTrue();
        assertThat(batch.failure()).hasMessageContaining("being destroyed");
        assertReset(() -> b.log.append(ReplicationRig.entry(1, "a")), "being destroyed");
        assertReset(() -> b.log.snapshot(snap(0)), "being destroyed");

        assertThat(b.awaitDone(destroyed, 100 * MS)).as("no fetch: it installs its own empty log").isEqualTo(t + 2 * ROUND_TRIP);
        assertThat(destroyed.isSucceeded()).isTrue();
        for (var n : NODES) {
            Install install = b.sent(Install.class, n).getLast();
            // The old epoch is freed at once; the new one when the handle closes after the install.
            assertThat(b.times(Release.class, n)).containsExactly(t, t + 2 * ROUND_TRIP);
            assertThat(b.sent(Release.class, n)).extracting(Release::epoch).containsExactly(old, install.epoch());
            assertThat(b.times(Prepare.class, n)).last().isEqualTo(t);
            assertThat(install.reset()).isTrue();
            assertThat(install.entries()).isEmpty();
            assertThat(install.snapshot()).isEmpty();
            assertThat(install.adopted()).isEqualTo(Epoch.ZERO);
            assertThat(install.epoch()).isGreaterThan(old);
        }
        int releasedAt = b.sent.indexOf(b.sent(Release.class).getFirst());
        int preparedAt = b.sent.indexOf(b.sent(Prepare.class).getLast());
        assertThat(releasedAt).as("freed before the new epoch is asked for").isLessThan(preparedAt);
        assertThat(b.closed).containsExactly(b.log);
        for (var n : NODES) assertThat(b.replicas.get(n).lastSeq()).isZero();
    }

    /**
     * close() while the handle is still electing fails the recovery and frees every replica from
     * the electing epoch at once: a grant is a lease against every other owner, and that epoch
     * never allowed an output. (A host lets go of an object that moved away mid-recovery this way.)
     */
    @Test
    void closeWhileElectingFailsTheRecoveryAndFreesTheReplicasFromItsEpoch() {
        Promise<Recovery> r = b.on(b.log::recover);
        b.run(ROUND_TRIP / 2);
        Epoch electing = b.sent(Prepare.class, N0).getLast().epoch();
        long t = b.now();
        b.on(() -> {
            b.log.close();
            return null;
        });
        assertThat(r.isFailed()).isTrue();
        assertThat(((DuroException) r.failure()).code()).isEqualTo(ErrorCode.RESET);
        for (var n : NODES) {
            assertThat(b.times(Release.class, n)).as("%s freed", n).containsExactly(t);
            assertThat(b.sent(Release.class, n).getFirst().epoch()).isEqualTo(electing);
        }
        assertThat(b.closed).containsExactly(b.log);
        b.run(2 * b.timing.leaseNanos());
        assertThat(b.sentSince(t + 1)).as("a closed handle sends nothing").isEmpty();
    }

    /**
     * destroy() while the handle is still electing: the recovery fails at once (RESET), the try in
     * progress gives way to one that installs an empty log under a fresh epoch, and the handle closes.
     */
    @Test
    void destroyWhileElectingFailsTheRecoveryAndInstallsAnEmptyLogUnderAFresherEpoch() {
        b.replicas.get(N1).holds(new Epoch(3, 1, 1), 2);
        Promise<Recovery> r = b.on(b.log::recover);
        b.run(ROUND_TRIP / 2);
        Epoch electing = b.sent(Prepare.class, N0).getLast().epoch();
        Promise<Void> destroyed = b.on(b.log::destroy);
        assertThat(r.isFailed()).as("the recovery fails at the destroy").isTrue();
        assertThat(((DuroException) r.failure()).code()).isEqualTo(ErrorCode.RESET);
        b.awaitDone(destroyed, 100 * MS);
        assertThat(destroyed.isSucceeded()).isTrue();
        for (var n : NODES) {
            Install install = b.sent(Install.class, n).getLast();
            assertThat(install.epoch()).isGreaterThan(electing);
            assertThat(install.reset()).isTrue();
            assertThat(install.entries()).isEmpty();
            assertThat(b.replicas.get(n).lastSeq()).isZero();
        }
        assertThat(b.closed).containsExactly(b.log);
    }

    @Test
    void aNewerOwnersFenceEndsTheHandleAtTheAnswerAndFailsWhatIsPending() {
        b.win();
        b.appendDurable(1, 1);
        Epoch newer = new Epoch(7, 2, 1);
        b.replicas.values().forEach(r -> r.promised = newer);
        long t = b.now();
        List<Promise<Void>> batches = b.append(2, 3);
        b.run(ROUND_TRIP - 1);
        assertThat(batches.getFirst().isDone()).isFalse();
        b.run(1);
        for (Promise<Void> p : batches) {
            assertThat(p.isFailed()).isTrue();
            assertThat(p.failure()).hasMessageContaining("superseded by " + newer);
        }
        assertThat(b.records("repl-fenced")).singleElement().satisfies(r -> assertThat(r.atNanos()).isEqualTo(t + ROUND_TRIP));
        assertThat(b.closed).containsExactly(b.log);
        assertReset(() -> b.log.append(ReplicationRig.entry(4, "a")), "superseded");
        long fenced = b.now();
        b.run(2 * b.timing.leaseNanos());
        assertThat(b.sentSince(fenced + 1)).isEmpty();
    }

    /** Recovery reports the (seq, wall time) of the snapshot and of every batch after it; a snapshot at 0 has no mark. */
    @Test
    void recoveryMarksTheSnapshotAndEveryBatchWithTheirWallTimes() {
        assertThat(recoverFromN0(new Snapshot(4, 99, new byte[] {4}), 6).retained())
                .containsExactly(new Recovery.Mark(4, 99), new Recovery.Mark(5, 1005), new Recovery.Mark(6, 1006));
        assertThat(b.valueOf(b.on(() -> b.log.recoverAt(5))).retained())
                .containsExactly(new Recovery.Mark(4, 99), new Recovery.Mark(5, 1005));
    }

    @Test
    void anEmptyStateSnapshotAtZeroHasNoMark() {
        assertThat(recoverFromN0(new Snapshot(0, 99, new byte[0]), 2).retained())
                .containsExactly(new Recovery.Mark(1, 1001), new Recovery.Mark(2, 1002));
    }

    /** Planted REPLAY_OUT_OF_ORDER swaps the last two batches' payloads of any log of two or more (what the scenarios must catch). */
    @Test
    void thePlantedReplayBugSwapsTheLastTwoBatchesEvenOfATwoBatchLog() {
        b.bugs.add(PlantedBug.REPLAY_OUT_OF_ORDER);
        Recovery r = recoverFromN0(new Snapshot(0, 0, new byte[0]), 2);
        assertThat(ReplicationRig.payloads(r)).containsExactly("old#2", "old#1");
        assertThat(r.entries()).extracting(LogEntry::seq).containsExactly(1L, 2L);
    }

    /** Recovers with n0 holding {@code snap} and the batches after it through {@code last} (n2 is down, so n0's log is adopted). */
    private Recovery recoverFromN0(Snapshot snap, long last) {
        OwnerBench.Replica n0 = b.replicas.get(N0);
        n0.holds(new Epoch(1, 1, 1), last);
        n0.promised = Epoch.ZERO;
        n0.snapshot = Optional.of(snap);
        n0.entries.removeIf(e -> e.seq() <= snap.seq());
        b.down(N2);
        Promise<Recovery> r = b.on(b.log::recover);
        b.awaitDone(r, 100 * MS);
        return b.valueOf(r);
    }
}
