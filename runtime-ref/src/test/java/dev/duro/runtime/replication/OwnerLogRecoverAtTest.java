package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.RecoverAt;
import dev.duro.runtime.replication.Message.RecoverAtFailed;
import dev.duro.runtime.replication.Message.RecoveredAt;
import dev.duro.runtime.replication.Message.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.duro.runtime.replication.OwnerBench.MS;
import static dev.duro.runtime.replication.OwnerBench.N0;
import static dev.duro.runtime.replication.OwnerBench.N1;
import static dev.duro.runtime.replication.OwnerBench.N2;
import static dev.duro.runtime.replication.OwnerBench.NODES;
import static dev.duro.runtime.replication.OwnerBench.ROUND_TRIP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point-in-time recovery: a point at or after the owner's snapshot is answered from what it holds,
 * with no message; an earlier one is asked of every replica holding the log at once and again
 * every resend interval, answered by the first replica that returns exactly that point, failed
 * when every replica said it cannot, and UNAVAILABLE when none answered within four tries' time.
 */
class OwnerLogRecoverAtTest {
    private final OwnerBench b = new OwnerBench();
    private Epoch won;

    /** Batches 1..6 with a snapshot at 4: the owner holds the snapshot and 5..6. Then idle. */
    @BeforeEach
    void sixBatchesSnapshottedAtFour() {
        b.win();
        won = Epoch.parse(b.log.fence());
        b.appendDurable(1, 6);
        b.awaitDone(b.on(() -> b.log.snapshot(new Snapshot(4, 40, new byte[] {4}))), 100 * MS);
        b.run(100 * MS);
    }

    private static Recovery upTo(long seq) {
        List<LogEntry> list = new ArrayList<>();
        for (long s = 1; s <= seq; s++) list.add(ReplicationRig.entry(s, "a"));
        return new Recovery(Optional.empty(), list, List.of());
    }

    /** Replicas answer RecoverAt as {@code answer} says (null: no answer). */
    private void replicasAnswer(java.util.function.BiFunction<OwnerBench.Replica, RecoverAt, Reply> answer) {
        b.answers = (rep, req) -> req instanceof RecoverAt r ? answer.apply(rep, r) : rep.answer(req);
    }

    private Promise<Recovery> recoverAt(long seq) {
        return b.on(() -> b.log.recoverAt(seq));
    }

    @Test
    void aPointTheOwnerHoldsIsAnsweredAtOnceWithoutMessages() {
        int before = b.sent.size();
        Recovery atSnapshot = b.valueOf(recoverAt(4));
        assertThat(atSnapshot.snapshot().map(Snapshot::seq)).contains(4L);
        assertThat(atSnapshot.entries()).isEmpty();
        Recovery atEnd = b.valueOf(recoverAt(6));
        assertThat(ReplicationRig.payloads(atEnd)).containsExactly("a#5", "a#6");
        assertThat(ReplicationRig.payloads(b.valueOf(recoverAt(5)))).containsExactly("a#5");
        assertThat(b.sent).hasSize(before);
        assertThat(recoverAt(0).failure()).isInstanceOf(IllegalArgumentException.class);
        assertThat(recoverAt(7).failure()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..6");
        assertThat(recoverAt(1).isDone()).as("batch 1 is asked of the replicas").isFalse();
    }

    @Test
    void anEarlierPointIsAskedOfEveryReplicaAtOnceAndTheFirstExactAnswerWins() {
        replicasAnswer((rep, r) -> rep.node.equals(N0) ? new RecoverAtFailed(r.route(), r.epoch(), "not retained")
                : rep.node.equals(N1) ? new RecoveredAt(r.route(), r.epoch(), upTo(r.seq()))
                : new RecoveredAt(r.route(), r.epoch(), upTo(r.seq() + 1)));
        b.answerDelay = (n, a) -> n.equals(N1) ? 5 * MS : 0L;
        long t = b.now();
        Promise<Recovery> p = recoverAt(2);
        for (var n : NODES) {
            assertThat(b.times(RecoverAt.class, n)).containsExactly(t);
            RecoverAt r = b.sent(RecoverAt.class, n).getFirst();
            assertThat(r.seq()).isEqualTo(2);
            assertThat(r.epoch()).isEqualTo(won);
        }
        assertThat(b.awaitDone(p, 100 * MS)).as("n2's answer is for another point: ignored").isEqualTo(t + ROUND_TRIP + 5 * MS);
        assertThat(ReplicationRig.payloads(b.valueOf(p))).containsExactly("a#1", "a#2");
        b.run(b.timing.leaseNanos());
        assertThat(b.sent(RecoverAt.class)).as("answered: not asked again").hasSize(3);
    }

    @Test
    void aPointNoReplicaRetainsFailsWhenTheLastReplicaSaysSo() {
        replicasAnswer((rep, r) -> new RecoverAtFailed(r.route(), r.epoch(), "not retained on " + rep.node));
        b.answerDelay = (n, a) -> n.equals(N2) ? 10 * MS : 0L;
        long t = b.now();
        Promise<Recovery> p = recoverAt(2);
        b.runTo(t + ROUND_TRIP + 10 * MS - 1);
        assertThat(p.isDone()).as("n2 has not answered yet").isFalse();
        b.runTo(t + ROUND_TRIP + 10 * MS);
        assertThat(p.failure()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no replica retains it")
                .hasMessageContaining("not retained on n2");
        b.run(b.timing.leaseNanos());
        assertThat(b.sent(RecoverAt.class)).as("failed: not asked again").hasSize(3);
    }

    @Test
    void aPointNobodyAnswersIsAskedEveryResendIntervalAndFailsUnavailableAtItsDeadline() {
        replicasAnswer((rep, r) -> null);
        long t = b.now();
        Promise<Recovery> p = recoverAt(2);
        long[] failedAt = {0};
        p.whenComplete((v, e) -> failedAt[0] = b.now());
        long deadline = t + 4 * b.timing.attemptNanos();
        b.runTo(deadline + b.timing.leaseNanos());
        // Asked at once and at every tick until the deadline: every resend interval, and at the
        // renewal that falls in between (from which the resend ticks count on).
        long resend = b.timing.resendNanos();
        long renewal = b.times(Message.Renew.class, N1).stream().filter(x -> x > t && x < deadline).findFirst().orElseThrow();
        List<Long> asks = new ArrayList<>();
        for (long at = t; at < renewal; at += resend) asks.add(at);
        long at = renewal;
        for (; at < deadline; at += resend) asks.add(at);
        assertThat(failedAt[0]).as("failed at the first tick at its deadline").isEqualTo(at);
        assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(b.times(RecoverAt.class, N1)).isEqualTo(asks);
    }

    @Test
    void twoPointsAskedTogetherAreAnsweredEachByItsOwnAnswer() {
        replicasAnswer((rep, r) -> rep.node.equals(N1) ? new RecoveredAt(r.route(), r.epoch(), upTo(r.seq())) : null);
        b.answerDelay = (n, a) -> a instanceof RecoveredAt r && r.recovery().lastSeq() == 2 ? 5 * MS : 0L;
        long t = b.now();
        Promise<Recovery> two = recoverAt(2);
        Promise<Recovery> three = recoverAt(3);
        assertThat(b.awaitDone(three, 100 * MS)).isEqualTo(t + ROUND_TRIP);
        assertThat(b.awaitDone(two, 100 * MS)).isEqualTo(t + ROUND_TRIP + 5 * MS);
        assertThat(b.valueOf(two).lastSeq()).isEqualTo(2);
        assertThat(b.valueOf(three).lastSeq()).isEqualTo(3);
    }
}
