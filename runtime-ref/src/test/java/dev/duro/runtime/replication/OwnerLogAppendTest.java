package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.Behind;
import dev.duro.runtime.replication.Message.Route;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.duro.runtime.replication.OwnerBench.MS;
import static dev.duro.runtime.replication.OwnerBench.N0;
import static dev.duro.runtime.replication.OwnerBench.N1;
import static dev.duro.runtime.replication.OwnerBench.N2;
import static dev.duro.runtime.replication.OwnerBench.NODES;
import static dev.duro.runtime.replication.OwnerBench.ROUND_TRIP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends in the steady state (docs/cluster.md, step 4): each batch goes at once, alone, to every
 * replica that holds the log up to the batch before it, is durable at the quorum's acknowledgement,
 * and is resent only when unanswered for a resend interval, from the last acknowledged batch.
 */
class OwnerLogAppendTest {
    private final OwnerBench b = new OwnerBench();

    private List<List<Long>> appendsTo(NodeId... nodes) {
        return b.sent.stream().filter(s -> s.request() instanceof Append && List.of(nodes).contains(s.to()))
                .map(s -> OwnerBench.seqs((Append) s.request())).toList();
    }

    @Test
    void eachBatchGoesAtOnceToEveryReplicaAndIsDurableAtTheQuorumsAcknowledgement() {
        b.win();
        Epoch won = Epoch.parse(b.log.fence());
        long t = b.now();
        Promise<Void> first = b.append(1, 1).getFirst();
        for (var n : NODES) {
            assertThat(b.times(Append.class, n)).as("to %s", n).containsExactly(t);
            assertThat(b.sent(Append.class, n).getFirst().epoch()).isEqualTo(won);
        }
        assertThat(b.awaitDone(first, 100 * MS)).isEqualTo(t + ROUND_TRIP);

        // n1 and n2 answer late: the batch is durable at the second acknowledgement, not the local one.
        b.answerDelay = (n, a) -> n.equals(N1) ? 3 * MS : n.equals(N2) ? 5 * MS : 0L;
        long t2 = b.now();
        Promise<Void> second = b.append(2, 2).getFirst();
        assertThat(b.awaitDone(second, 100 * MS)).isEqualTo(t2 + ROUND_TRIP + 3 * MS);

        // Pipelined: one message per batch, in order, all durable one round trip after.
        b.answerDelay = (n, a) -> 0L;
        long t3 = b.now();
        List<Promise<Void>> more = b.append(3, 5);
        assertThat(b.awaitDone(more.getLast(), 100 * MS)).isEqualTo(t3 + ROUND_TRIP);
        assertThat(more).allMatch(Promise::isSucceeded);
        b.run(3 * b.timing.renewNanos());
        for (var n : NODES) {
            assertThat(appendsTo(n)).as("each batch once to %s", n)
                    .containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(4L), List.of(5L));
            assertThat(b.replicas.get(n).lastSeq()).isEqualTo(5);
        }
    }

    /**
     * Wins, makes batches 1..{@code last} durable, lets the owner go idle (so the next tick is the
     * one the next append schedules), and loses the appends sent now to the replicas {@code lost}
     * picks. Returns now.
     */
    private long idleAfterThenLoseNextAppends(long last, java.util.function.Predicate<NodeId> lost) {
        long won = b.win();
        b.appendDurable(1, last);
        b.runTo(won + 100 * MS);
        long t = b.now();
        b.drop = s -> s.request() instanceof Append && lost.test(s.to()) && s.atNanos() == t;
        return t;
    }

    @Test
    void aLostAppendIsResentAResendIntervalLaterFromTheLastAcknowledgedBatch() {
        long t = idleAfterThenLoseNextAppends(2, n -> !n.equals(N0));
        Promise<Void> p = b.append(3, 3).getFirst();
        long resend = b.timing.resendNanos();
        assertThat(b.awaitDone(p, b.timing.renewNanos())).isEqualTo(t + resend + ROUND_TRIP);
        assertThat(appendsTo(N1)).containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(3L));
        assertThat(b.times(Append.class, N2).getLast()).isEqualTo(t + resend);
        assertThat(appendsTo(N0)).as("acknowledged: not resent").hasSize(3);
    }

    /** A repeated acknowledgement is no progress: it does not postpone the resend of a lost batch. */
    @Test
    void aDuplicateAcknowledgementDoesNotPostponeTheResendOfALostBatch() {
        long t = idleAfterThenLoseNextAppends(1, N1::equals);
        b.append(2, 2);
        b.run(30 * MS);
        Append first = b.sent(Append.class, N1).getFirst();
        b.reply(N1, new Appended(first.route(), first.epoch(), 1));
        b.run(b.timing.resendNanos());
        assertThat(b.times(Append.class, N1)).endsWith(t, t + b.timing.resendNanos());
    }

    /**
     * A tick that falls inside an append's resend interval (here the renewal's) does not resend
     * it, whether no answer came yet or an answer for an earlier batch moved the interval on.
     */
    @Test
    void aRenewalTickResendsNothingStillWithinItsResendInterval() {
        long won = b.win();
        b.answerDelay = (n, a) -> a instanceof Appended && !n.equals(N0) ? 20 * MS : 0L;
        long renew = b.timing.renewNanos();
        b.runTo(won + renew - 10 * MS);
        b.append(1, 1);
        b.runTo(won + 2 * renew - 30 * MS);
        b.append(2, 2);
        b.runTo(won + 2 * renew - 10 * MS);
        b.append(3, 3);
        b.run(renew);
        assertThat(b.times(Message.Renew.class, N1)).as("the renewal ticks ran").contains(won + renew, won + 2 * renew);
        for (var n : NODES) {
            assertThat(appendsTo(n)).as("each batch once to %s", n).containsExactly(List.of(1L), List.of(2L), List.of(3L));
        }
    }

    /** A gap report is answered at once by resending from the replica's end, at most once per half resend interval. */
    @Test
    void aGapIsFilledAtOnceFromTheEndTheReplicaReports() {
        b.win();
        b.appendDurable(1, 2);
        long t3 = b.now();
        b.drop = s -> s.request() instanceof Append && s.to().equals(N2) && s.atNanos() == t3;
        b.append(3, 3);
        b.run(10 * MS);
        long t4 = b.now();
        Promise<Void> p4 = b.append(4, 4).getFirst();
        b.awaitDone(p4, 100 * MS);
        b.run(ROUND_TRIP);
        assertThat(appendsTo(N2)).containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(4L), List.of(3L, 4L));
        long caughtUp = t4 + ROUND_TRIP;
        assertThat(b.times(Append.class, N2).getLast()).as("sent when the gap was reported").isEqualTo(caughtUp);
        assertThat(b.replicas.get(N2).lastSeq()).isEqualTo(4);

        // Reordered appends report the same gap again: within half a resend interval of a catch-up
        // it is not rewound again, after that it is.
        long resend = b.timing.resendNanos();
        b.drop = s -> s.request() instanceof Append && s.to().equals(N2);
        b.append(5, 5);
        Epoch e = Epoch.parse(b.log.fence());
        Route route = new Route(b.log.handle, 10_000, OwnerBench.KEY.namespace(), OwnerBench.KEY.id());
        b.runTo(caughtUp + resend / 2 - 1);
        b.reply(N2, new Behind(route, e, 4));
        assertThat(appendsTo(N2)).hasSize(6).last().isEqualTo(List.of(5L));
        b.runTo(caughtUp + resend / 2);
        b.reply(N2, new Behind(route, e, 4));
        assertThat(appendsTo(N2)).hasSize(7).last().isEqualTo(List.of(5L));
        assertThat(b.times(Append.class, N2).getLast()).isEqualTo(caughtUp + resend / 2);
    }
}
