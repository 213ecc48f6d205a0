package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Renew;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.duro.runtime.replication.OwnerBench.MS;
import static dev.duro.runtime.replication.OwnerBench.N0;
import static dev.duro.runtime.replication.OwnerBench.N1;
import static dev.duro.runtime.replication.OwnerBench.N2;
import static dev.duro.runtime.replication.OwnerBench.NODES;
import static dev.duro.runtime.replication.OwnerBench.ROUND_TRIP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner's lease (docs/cluster.md, "Leases"): renewed every L/3, extended by every answer a
 * replica grants, counted from the send time of the quorum's latest answered request, and when it
 * has lapsed, {@code awaitOutputAllowed} renews at once and then every resend interval until a
 * quorum answers.
 */
class OwnerLogLeaseTest {
    private final OwnerBench b = new OwnerBench();

    private boolean allowed() {
        return b.on(b.log::outputAllowed);
    }

    @Test
    void anIdleOwnerRenewsEveryThirdOfALeaseAndKeepsItsLeaseThroughRenewalsAlone() {
        long won = b.win();
        long lease = b.timing.leaseNanos();
        for (long t = 250 * MS; t <= 3 * lease; t += 250 * MS) {
            b.runTo(won + t);
            assertThat(allowed()).as("lease %d ms after the win", t / MS).isTrue();
        }
        List<Long> renewals = new ArrayList<>();
        for (long at = won + b.timing.renewNanos(); at <= won + 3 * lease; at += b.timing.renewNanos()) renewals.add(at);
        for (var n : NODES) assertThat(b.times(Renew.class, n)).as("renewals to %s", n).isEqualTo(renewals);
        assertThat(b.records("repl-lease-lost")).isEmpty();
    }

    /**
     * A renewal counts from when it was sent, however late its answer comes (within L): here each
     * answer arrives after the next renewal's tick, and the lease still never lapses.
     */
    @Test
    void aRenewalAnsweredAfterTheNextTickStillExtendsTheLeaseFromItsSend() {
        long won = b.win();
        long late = b.timing.renewNanos() + 40 * MS;
        b.answerDelay = (n, a) -> a instanceof Message.LeaseOk ? late : 0L;
        for (long t = 250 * MS; t <= 3 * b.timing.leaseNanos(); t += 250 * MS) {
            b.runTo(won + t);
            assertThat(allowed()).as("lease %d ms after the win", t / MS).isTrue();
        }
    }

    /**
     * Cut off right after the win, the owner's lease is what its installs earned: it ends an owner
     * lease after they were sent (the quorum's latest answered send), to the nanosecond, and the
     * first look at it after that traces the loss.
     */
    @Test
    void theLeaseEndsAnOwnerLeaseAfterTheSendOfTheQuorumsLatestAnsweredRequest() {
        long won = b.win();
        long installSent = b.times(Install.class, N1).getFirst();
        assertThat(installSent).isEqualTo(won - ROUND_TRIP);
        NODES.forEach(b::down);
        long until = installSent + b.timing.ownerLeaseNanos();
        b.runTo(until - 1);
        assertThat(allowed()).isTrue();
        b.runTo(until);
        assertThat(allowed()).isFalse();
        assertThat(b.records("repl-lease-lost")).extracting(OwnerBench.Record::atNanos).containsExactly(until);
        b.runTo(until + 3 * b.timing.leaseNanos());
        assertThat(b.records("repl-lease-lost")).as("traced once").hasSize(1);
    }

    @Test
    void aLapseNobodyAsksAboutIsTracedOnceAtTheFirstTickAfterIt() {
        long won = b.win();
        NODES.forEach(b::down);
        long until = won - ROUND_TRIP + b.timing.ownerLeaseNanos();
        b.runTo(won + 3 * b.timing.leaseNanos());
        // Idle, the owner ticks only to renew: every L/3 after the win.
        long firstTickAfter = won;
        while (firstTickAfter < until) firstTickAfter += b.timing.renewNanos();
        assertThat(b.records("repl-lease-lost")).extracting(OwnerBench.Record::atNanos).containsExactly(firstTickAfter);
    }

    /**
     * A lapsed lease: {@code awaitOutputAllowed} waits, renews at once and every resend interval
     * while no quorum answers, and completes at the answer that makes the quorum; then renewals go
     * back to every L/3.
     */
    @Test
    void awaitingALapsedLeaseRenewsEveryResendIntervalAndCompletesAtTheQuorumsAnswer() {
        long won = b.win();
        NODES.forEach(b::down);
        b.runTo(won + b.timing.leaseNanos());
        assertThat(allowed()).isFalse();
        long t1 = b.now();
        long resend = b.timing.resendNanos();
        Promise<Void> waiter = b.on(b.log::awaitOutputAllowed);
        assertThat(waiter).isNotNull();
        assertThat(waiter.isDone()).isFalse();
        b.runTo(t1 + 2 * resend + 20 * MS);
        b.up(N1);
        b.up(N2);
        b.runTo(t1 + 3 * resend + ROUND_TRIP - 1);
        assertThat(waiter.isDone()).as("no quorum has answered yet").isFalse();
        b.runTo(t1 + 3 * resend + ROUND_TRIP);
        assertThat(waiter.isSucceeded()).isTrue();
        assertThat(allowed()).isTrue();
        assertThat(b.on(b.log::awaitOutputAllowed).isSucceeded()).as("a held lease needs no wait").isTrue();

        b.runTo(t1 + 3 * resend + b.timing.renewNanos() - 1);
        List<Long> renewals = List.of(t1, t1 + resend, t1 + 2 * resend, t1 + 3 * resend);
        assertThat(b.times(Renew.class, N1).stream().filter(t -> t >= t1).toList())
                .as("at once, every resend interval until answered, then not before L/3").isEqualTo(renewals);
    }

    @Test
    void aWaiterWhileElectingCompletesAtTheWin() {
        long t0 = b.now();
        Promise<Void> waiter = b.on(() -> {
            b.log.recover();
            return b.log.awaitOutputAllowed();
        });
        long at = b.awaitDone(waiter, 1_000 * MS);
        assertThat(waiter.isSucceeded()).isTrue();
        assertThat(at).isEqualTo(t0 + 3 * ROUND_TRIP);
    }

    @Test
    void appendAcknowledgementsKeepTheLeaseWithoutRenewals() {
        b.drop = s -> s.request() instanceof Renew;
        long won = b.win();
        long seq = 0;
        for (long t = 500 * MS; t <= 3 * b.timing.leaseNanos(); t += 500 * MS) {
            b.runTo(won + t);
            assertThat(allowed()).as("lease %d ms after the win", t / MS).isTrue();
            seq++;
            b.append(seq, seq);
        }
    }

    @Test
    void aSnapshotAcknowledgementRenewsALapsedLease() {
        b.win();
        b.appendDurable(1, 2);
        b.drop = s -> s.request() instanceof Renew;
        b.run(b.timing.leaseNanos());
        Promise<Void> waiter = b.on(b.log::awaitOutputAllowed);
        b.run(b.timing.resendNanos() * 3);
        assertThat(waiter.isDone()).as("renewals are lost").isFalse();
        long t = b.now();
        b.on(() -> b.log.snapshot(new Snapshot(2, 9, new byte[] {2})));
        assertThat(b.awaitDone(waiter, b.timing.resendNanos())).isEqualTo(t + ROUND_TRIP);
    }
}
