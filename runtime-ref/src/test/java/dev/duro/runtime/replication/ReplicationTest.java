package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol's steps one at a time, on three nodes holding every object. */
class ReplicationTest {
    private static final ObjectId ID = ReplicationRig.id(1);

    private static List<String> payloads(Recovery r) {
        List<String> out = new ArrayList<>();
        for (LogEntry e : r.entries()) out.add(ReplicationRig.text(e.payload()));
        return out;
    }

    private static void appendAll(ReplicationRig rig, int node, ObjectLog log, long from, long to, String tag) {
        rig.value(node, w -> {
            List<Promise<Void>> ps = new ArrayList<>();
            for (long s = from; s <= to; s++) ps.add(log.append(ReplicationRig.entry(s, tag)));
            return Promise.all(w.loop(), ps);
        });
    }

    @Test
    void anOwnerWinsAppendsAndTheNextOwnerAdoptsEveryBatch() {
        ReplicationRig rig = new ReplicationRig(1);
        ObjectLog a = rig.open(0, ID);
        Recovery first = rig.value(0, w -> a.recover());
        assertThat(first.lastSeq()).isZero();
        assertThat(a.fence()).isNotEqualTo("-");
        assertThat(rig.read(0, a::outputAllowed)).as("lease after winning").isTrue();
        appendAll(rig, 0, a, 1, 5, "a");
        rig.read(0, () -> {
            a.close();
            return null;
        });

        ObjectLog b = rig.open(1, ID);
        Recovery second = rig.value(1, w -> b.recover());
        assertThat(payloads(second)).containsExactly("a#1", "a#2", "a#3", "a#4", "a#5");
        assertThat(Epoch.parse(b.fence())).isGreaterThan(Epoch.parse(a.fence()));
        assertThat(rig.records("repl-won")).hasSize(2);
        assertThat(rig.records("repl-won").get(1)).contains("adopted=5");
    }

    @Test
    void aDeposedOwnerFailsWithResetAndItsLeaseEndsBeforeTheNewOwnerWins() {
        ReplicationRig rig = new ReplicationRig(2);
        ObjectLog a = rig.open(0, ID);
        rig.value(0, w -> a.recover());
        appendAll(rig, 0, a, 1, 3, "a");
        rig.sim.network().isolate(0);
        long isolatedAt = rig.sim.nowNanos();
        Promise<Void> stuck = rig.await(0, 1, w -> a.append(ReplicationRig.entry(4, "a")));

        ObjectLog b = rig.open(1, ID);
        Recovery r = rig.value(1, w -> b.recover());
        long wonAt = rig.sim.nowNanos();
        assertThat(payloads(r)).containsExactly("a#1", "a#2", "a#3");
        assertThat(wonAt - isolatedAt).as("the new owner waited for the old lease").isGreaterThan(1_500_000_000L);
        assertThat(rig.read(0, a::outputAllowed)).as("the isolated owner's lease ran out").isFalse();
        appendAll(rig, 1, b, 4, 4, "b");

        rig.sim.network().heal();
        rig.runMillis(2_000);
        assertThat(stuck.isFailed()).as("the deposed owner's append failed").isTrue();
        assertThat(((DuroException) stuck.failure()).code()).isEqualTo(ErrorCode.RESET);
        Promise<Void> later = rig.await(0, 100, w -> a.append(ReplicationRig.entry(5, "a")));
        assertThat(((DuroException) later.failure()).code()).isEqualTo(ErrorCode.RESET);
        Promise<Void> lease = rig.await(0, 100, w -> a.awaitOutputAllowed());
        assertThat(((DuroException) lease.failure()).code()).isEqualTo(ErrorCode.RESET);
        assertThat(rig.records("repl-fenced")).hasSize(1);

        ObjectLog c = rig.open(2, ID);
        rig.read(1, () -> {
            b.close();
            return null;
        });
        assertThat(payloads(rig.value(2, w -> c.recover()))).containsExactly("a#1", "a#2", "a#3", "b#4");
    }

    @Test
    void withoutAMajorityRecoveryFailsUnavailableAndSaysTheRequestNeverRan() {
        ReplicationRig rig = new ReplicationRig(3);
        rig.sim.network().isolate(0);
        ObjectLog a = rig.open(0, ID);
        Promise<Recovery> r = rig.await(0, 30_000, w -> a.recover());
        assertThat(r.isFailed()).isTrue();
        DuroException e = (DuroException) r.failure();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("unreachable").contains("never ran");
    }

    @Test
    void aMinorityDownDoesNotStopAppendsAndARestartedReplicaIsCaughtUp() {
        ReplicationRig rig = new ReplicationRig(4);
        ObjectLog a = rig.open(0, ID);
        rig.value(0, w -> a.recover());
        rig.crash(2);
        appendAll(rig, 0, a, 1, 10, "a");
        rig.restart(2);
        appendAll(rig, 0, a, 11, 12, "a");
        rig.runMillis(1_000);
        ReplicaState on2 = rig.disks.get(2).states.get(rig.key(ID));
        assertThat(on2.lastSeq()).as("the restarted replica caught up").isEqualTo(12);
        assertThat(on2.logEpoch()).isEqualTo(Epoch.parse(a.fence()));
    }

    @Test
    void aDamagedReplicaRefusesToVoteAndIsRepairedByTheNextInstall() {
        ReplicationRig rig = new ReplicationRig(5);
        ObjectLog a = rig.open(0, ID);
        rig.value(0, w -> a.recover());
        appendAll(rig, 0, a, 1, 4, "a");
        rig.read(0, () -> {
            a.close();
            return null;
        });
        rig.crash(2);
        rig.disks.get(2).corrupt(rig.key(ID));
        rig.restart(2);
        ObjectLog b = rig.open(1, ID);
        assertThat(payloads(rig.value(1, w -> b.recover()))).hasSize(4);
        rig.runMillis(500);
        assertThat(rig.records("repl-damaged")).hasSize(1);
        assertThat(rig.records("repl-repaired")).hasSize(1).allMatch(s -> s.startsWith("n2 "));
        assertThat(rig.disks.get(2).states.get(rig.key(ID)).damaged()).isFalse();
    }

    @Test
    void snapshotsTravelAndRecoveryStartsFromTheLatest() {
        ReplicationRig rig = new ReplicationRig(6);
        ObjectLog a = rig.open(0, ID);
        rig.value(0, w -> a.recover());
        appendAll(rig, 0, a, 1, 6, "a");
        rig.value(0, w -> a.snapshot(new Snapshot(4, 99, new byte[] {4})));
        appendAll(rig, 0, a, 7, 8, "a");
        Recovery at5 = rig.value(0, w -> a.recoverAt(5));
        assertThat(at5.lastSeq()).isEqualTo(5);
        rig.read(0, () -> {
            a.close();
            return null;
        });
        ObjectLog b = rig.open(2, ID);
        Recovery r = rig.value(2, w -> b.recover());
        assertThat(r.snapshot()).isPresent();
        assertThat(r.snapshot().get().seq()).isEqualTo(4);
        assertThat(payloads(r)).containsExactly("a#5", "a#6", "a#7", "a#8");
    }

    @Test
    void closingReleasesTheLeaseSoAnotherNodeTakesOverAtOnce() {
        ReplicationRig rig = new ReplicationRig(7);
        ObjectLog a = rig.open(0, ID);
        rig.value(0, w -> a.recover());
        rig.read(0, () -> {
            a.close();
            return null;
        });
        long closedAt = rig.sim.nowNanos();
        ObjectLog b = rig.open(1, ID);
        rig.value(1, w -> b.recover());
        assertThat(rig.sim.nowNanos() - closedAt).as("no lease wait").isLessThan(500_000_000L);
    }

    @Test
    void destroyLeavesAnEmptyLog() {
        ReplicationRig rig = new ReplicationRig(8);
        ObjectLog a = rig.open(0, ID);
        rig.value(0, w -> a.recover());
        appendAll(rig, 0, a, 1, 3, "a");
        rig.read(0, () -> {
            a.close();
            return null;
        });
        ObjectLog d = rig.open(0, ID);
        rig.value(0, w -> d.destroy());
        ObjectLog b = rig.open(1, ID);
        assertThat(rig.value(1, w -> b.recover()).lastSeq()).isZero();
    }
}
