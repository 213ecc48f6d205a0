package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.PushSnapshot;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.runtime.replication.Message.SnapshotAck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.duro.runtime.replication.OwnerBench.MS;
import static dev.duro.runtime.replication.OwnerBench.N0;
import static dev.duro.runtime.replication.OwnerBench.N1;
import static dev.duro.runtime.replication.OwnerBench.N2;
import static dev.duro.runtime.replication.OwnerBench.ROUND_TRIP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lagging replicas (docs/cluster.md, step 5): a silent one is retried with growing gaps, one that
 * is back is caught up in chunks (each sent at the previous chunk's acknowledgement), one that
 * lacks batches the owner snapshotted away, or lost the log, is reinstalled, and a snapshot is
 * pushed to each replica as soon as it holds the snapshot's batches.
 */
class OwnerLogCatchUpTest {
    private final OwnerBench b = new OwnerBench();

    /** The appends sent to {@code node} at or after {@code since}: send time and seqs. */
    private List<String> appendsTo(NodeId node, long since) {
        List<String> out = new ArrayList<>();
        for (OwnerBench.Sent s : b.sentSince(since)) {
            if (s.request() instanceof Append a && s.to().equals(node)) {
                List<Long> seqs = OwnerBench.seqs(a);
                out.add("+" + (s.atNanos() - since) / 1_000 + "us " + seqs.getFirst() + ".." + seqs.getLast());
            }
        }
        return out;
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) out.add(times.get(i) - times.get(i - 1));
        return out;
    }

    /**
     * A silent replica costs little: retries come with gaps doubling from a resend interval to
     * L/3 (plus the tick they wait for); back, it is caught up in chunks of 64 batches, each sent
     * when the previous one is acknowledged, the last one holding the final batch alone.
     */
    @Test
    void aReplicaBackFromSilenceIsRetriedSparselyThenCaughtUpInChunksAtEachAcknowledgement() {
        b.win();
        b.down(N2);
        long start = b.now();
        b.appendDurable(1, 129);
        b.run(4 * b.timing.leaseNanos());
        List<Long> retries = b.times(Append.class, N2).stream().filter(t -> t > start).toList();
        List<Long> gaps = gaps(retries);
        assertThat(gaps).as("retries to a silent replica").isSorted().allMatch(g -> g <= b.timing.renewNanos() + b.timing.resendNanos());
        assertThat(gaps.getFirst()).isGreaterThanOrEqualTo(b.timing.resendNanos());
        assertThat(retries).hasSizeLessThan(20);

        b.up(N2);
        long back = b.now();
        b.run(b.timing.renewNanos() + b.timing.resendNanos());
        List<String> catchUp = appendsTo(N2, back);
        assertThat(catchUp).hasSize(3);
        long first = b.times(Append.class, N2).get(b.times(Append.class, N2).size() - 3);
        assertThat(appendsTo(N2, first)).containsExactly("+0us 1..64", "+2000us 65..128", "+4000us 129..129");
        assertThat(b.replicas.get(N2).lastSeq()).isEqualTo(129);
        assertThat(b.sent(Install.class, N2)).as("caught up, not reinstalled").hasSize(1);

        // It answers again: a lost append to it is retried after a resend interval, not the long gap of its silence.
        b.run(100 * MS);
        long t = b.now();
        b.drop = s -> s.request() instanceof Append && s.to().equals(N2) && s.atNanos() == t;
        b.append(130, 130);
        b.run(2 * b.timing.resendNanos());
        assertThat(b.times(Append.class, N2)).endsWith(t, t + b.timing.resendNanos());
    }

    /** A chunk carries at most 1 MiB of payload (a batch that would pass it starts the next chunk). */
    @Test
    void aCatchUpChunkCarriesAtMostOneMebibyte() {
        b.win();
        b.down(N2);
        List<Promise<Void>> ps = b.on(() -> {
            List<Promise<Void>> out = new ArrayList<>();
            for (long s = 1; s <= 10; s++) out.add(b.log.append(new LogEntry(s, s, new byte[256 * 1024])));
            return out;
        });
        b.awaitDone(ps.getLast(), 100 * MS);
        b.run(b.timing.leaseNanos());
        b.up(N2);
        long back = b.now();
        b.run(b.timing.renewNanos() + b.timing.resendNanos());
        List<String> chunks = appendsTo(N2, back).stream().map(x -> x.substring(x.indexOf(' ') + 1)).toList();
        assertThat(chunks).containsExactly("1..4", "5..8", "9..10");
    }

    /**
     * Batches 1..4 everywhere; then, from an idle owner (so the next tick is the one the appends
     * schedule), 5..8 whose appends to n2 are lost; then a snapshot at {@code seq}. Returns when 5..8 were sent.
     */
    private long n2MissesFiveToEightThenSnapshotAt(long seq) {
        b.appendDurable(1, 4);
        b.run(100 * MS);
        long t = b.now();
        b.drop = s -> s.request() instanceof Append && s.to().equals(N2) && s.atNanos() == t;
        b.awaitDone(b.append(5, 8).getLast(), 100 * MS);
        b.awaitDone(b.on(() -> b.log.snapshot(new Snapshot(seq, 10 * seq, new byte[] {(byte) seq}))), 100 * MS);
        return t;
    }

    /** Behind the owner's snapshot, the replica is reinstalled from it at the retry that finds it so. */
    @Test
    void aReplicaMissingBatchesTheSnapshotReplacedIsReinstalledFromItAtItsRetry() {
        long won = b.win();
        long t = n2MissesFiveToEightThenSnapshotAt(6);
        b.run(2 * b.timing.resendNanos());
        assertThat(b.times(Install.class, N2).stream().filter(x -> x > won).toList()).containsExactly(t + b.timing.resendNanos());
        Install install = b.sent(Install.class, N2).getLast();
        assertThat(install.snapshot().map(Snapshot::seq)).contains(6L);
        assertThat(install.lastSeq()).isEqualTo(8);
        assertThat(b.replicas.get(N2).snapshotSeq()).isEqualTo(6);
        assertThat(b.replicas.get(N2).lastSeq()).isEqualTo(8);
        assertThat(appendsTo(N2, t + 1)).as("no append after the reinstall").isEmpty();
    }

    @Test
    void aReplicaEndingExactlyAtTheSnapshotIsCaughtUpByAppendsNotReinstalled() {
        long won = b.win();
        long t = n2MissesFiveToEightThenSnapshotAt(4);
        b.run(2 * b.timing.resendNanos());
        assertThat(b.times(Install.class, N2).stream().filter(x -> x > won).toList()).isEmpty();
        assertThat(appendsTo(N2, t)).as("lost, then resent from n2's end at the retry")
                .containsExactly("+0us 5..5", "+0us 6..6", "+0us 7..7", "+0us 8..8", "+" + b.timing.resendNanos() / 1_000 + "us 5..8");
        assertThat(b.replicas.get(N2).lastSeq()).isEqualTo(8);
    }

    /**
     * With n1 down, n2's reinstall is what makes both the pending batches and the snapshot
     * durable: they complete at its acknowledgement.
     */
    @Test
    void aReinstallAcknowledgementCompletesTheBatchesAndTheSnapshotItCarries() {
        b.win();
        b.down(N1);
        b.appendDurable(1, 2);
        long t = b.now();
        b.drop = s -> s.request() instanceof Append && s.to().equals(N2) && s.atNanos() == t;
        List<Promise<Void>> batches = b.append(3, 6);
        Promise<Void> snap = b.on(() -> b.log.snapshot(new Snapshot(4, 40, new byte[] {4})));
        long done = b.awaitDone(batches.getLast(), b.timing.leaseNanos());
        assertThat(batches).allMatch(Promise::isSucceeded);
        assertThat(snap.isSucceeded()).as("at the same acknowledgement").isTrue();
        Install install = b.sent(Install.class, N2).getLast();
        assertThat(install.snapshot().map(Snapshot::seq)).contains(4L);
        assertThat(b.times(Install.class, N2).getLast()).isEqualTo(done - ROUND_TRIP);
    }

    /**
     * A snapshot goes at once to the replicas that hold its batches, and to a slower one at the
     * acknowledgement that shows it holds them; it is not pushed again within a resend interval.
     */
    @Test
    void aSnapshotIsPushedToEachReplicaAsSoonAsItHoldsTheSnapshotsBatches() {
        b.win();
        b.answerDelay = (n, a) -> !n.equals(N2) ? 0L : a instanceof Appended ? 10 * MS : a instanceof SnapshotAck ? 30 * MS : 0L;
        long t = b.now();
        b.awaitDone(b.append(1, 4).getLast(), 100 * MS);
        long s = b.now();
        assertThat(s).isEqualTo(t + ROUND_TRIP);
        Promise<Void> snap = b.on(() -> b.log.snapshot(new Snapshot(4, 40, new byte[] {4})));
        assertThat(b.times(PushSnapshot.class, N0)).containsExactly(s);
        assertThat(b.times(PushSnapshot.class, N1)).containsExactly(s);
        assertThat(b.awaitDone(snap, 100 * MS)).isEqualTo(s + ROUND_TRIP);
        long n2Holds = t + ROUND_TRIP + 10 * MS;
        b.runTo(n2Holds + MS);
        b.append(5, 5);
        b.run(b.timing.resendNanos());
        assertThat(b.times(PushSnapshot.class, N2)).containsExactly(n2Holds);
        b.run(b.timing.resendNanos());
        b.appendDurable(6, 6);
        assertThat(b.times(PushSnapshot.class, N0)).as("acknowledged: not pushed again").containsExactly(s);
    }

    /**
     * A replica that lost the log answers an append with NeedInstall: it is reinstalled at once,
     * once for several such answers within a resend interval; a NeedInstall answering a request
     * older than the acknowledged install is stale and changes nothing.
     */
    @Test
    void aReplicaThatLostTheLogIsReinstalledAtItsFirstNeedInstall() {
        long won = b.win();
        b.appendDurable(1, 3);
        b.run(100 * MS);
        OwnerBench.Replica n2 = b.replicas.get(N2);
        n2.logEpoch = Epoch.ZERO;
        n2.entries.clear();
        long t = b.now();
        b.awaitDone(b.append(4, 5).getLast(), 100 * MS);
        b.run(ROUND_TRIP);
        assertThat(b.times(Install.class, N2).stream().filter(x -> x > won).toList()).containsExactly(t + ROUND_TRIP);
        assertThat(n2.lastSeq()).isEqualTo(5);

        Append old = b.sent(Append.class, N2).getLast();
        assertThat(old.route().requestId()).isLessThan(b.sent(Install.class, N2).getLast().route().requestId());
        b.reply(N2, new NeedInstall(old.route(), old.epoch(), 0));
        long t6 = b.now();
        b.append(6, 6);
        assertThat(b.times(Append.class, N2)).as("still installed: the next batch goes to it directly").endsWith(t6);
        b.run(b.timing.renewNanos());
        assertThat(b.sent(Install.class, N2)).hasSize(2);
        assertThat(n2.lastSeq()).isEqualTo(6);
    }

    /** A replica missing at the win is retried with growing gaps, and installed at the first retry after it is back. */
    @Test
    void aReplicaDownAtTheWinIsInstalledByTheRetriesOnceItIsBack() {
        b.down(N2);
        long won = b.win();
        b.run(3 * b.timing.leaseNanos());
        List<Long> gaps = gaps(b.times(Install.class, N2));
        assertThat(gaps).isSorted().allMatch(g -> g >= b.timing.resendNanos() && g <= b.timing.renewNanos() + b.timing.resendNanos());
        b.up(N2);
        b.run(b.timing.renewNanos() + b.timing.resendNanos());
        assertThat(b.replicas.get(N2).logEpoch).isEqualTo(Epoch.parse(b.log.fence()));
        long t = b.now();
        b.awaitDone(b.append(1, 1).getFirst(), 100 * MS);
        assertThat(b.times(Append.class, N2)).as("installed: it gets appends directly").containsExactly(t);
        assertThat(b.sent(Install.class, N0)).as("installed replicas are not reinstalled").hasSize(1);
        assertThat(b.sent(Install.class, N1)).hasSize(1);
        assertThat(won).isPositive();
    }

    /** The win itself sends a replica still uninstalled its install, if that replica's retry is due. */
    @Test
    void aReplicaStillMissingAtTheWinGetsItsDueInstallWithTheWin() {
        b.down(N2);
        b.answerDelay = (n, a) -> n.equals(N1) && a instanceof Message.Installed ? 55 * MS : 0L;
        long t0 = b.now();
        long won = b.win();
        assertThat(won).isEqualTo(t0 + 2 * ROUND_TRIP + ROUND_TRIP + 55 * MS);
        assertThat(b.times(Install.class, N2)).as("its retry fell due before the win").containsExactly(t0 + 2 * ROUND_TRIP, won);
    }

    /** A lost snapshot push is retried by the next tick (the snapshot schedules one), a resend interval after it. */
    @Test
    void aLostSnapshotPushIsRetriedAResendIntervalLater() {
        b.win();
        b.appendDurable(1, 2);
        b.run(100 * MS);
        long t = b.now();
        b.drop = s -> s.request() instanceof PushSnapshot && !s.to().equals(N0) && s.atNanos() == t;
        Promise<Void> snap = b.on(() -> b.log.snapshot(new Snapshot(2, 20, new byte[] {2})));
        assertThat(b.awaitDone(snap, b.timing.leaseNanos())).isEqualTo(t + b.timing.resendNanos() + ROUND_TRIP);
        assertThat(b.times(PushSnapshot.class, N1)).containsExactly(t, t + b.timing.resendNanos());
    }

    private Route route(long requestId) {
        return new Route(b.log.handle, requestId, OwnerBench.KEY.namespace(), OwnerBench.KEY.id());
    }
}
