package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Fetch;
import dev.duro.runtime.replication.Message.Fetched;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.LeaseOk;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Promised;
import dev.duro.runtime.replication.Message.Reason;
import dev.duro.runtime.replication.Message.Rejected;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
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
 * How an owner wins an epoch (docs/cluster.md, steps 1–3), message by message on the
 * {@link OwnerBench}: which requests go to whom and when, when a try fails, how long it waits
 * before the next, and what it frees on the way.
 */
class OwnerLogElectionTest {
    private final OwnerBench b = new OwnerBench();

    private static List<Long> rounds(List<Prepare> prepares) {
        List<Long> out = new ArrayList<>();
        for (Prepare p : prepares) out.add(p.epoch().round());
        return out;
    }

    @Test
    void anUncontestedElectionTakesThreeRoundTripsAndFetchesFromItsOwnReplicaOnATie() {
        long t0 = b.now();
        long won = b.win();
        assertThat(won).as("prepare, fetch, install: one round trip each").isEqualTo(t0 + 3 * ROUND_TRIP);
        Epoch e = b.sent(Prepare.class, N0).getFirst().epoch();
        assertThat(e.round()).isEqualTo(1);
        assertThat(b.log.fence()).isEqualTo(e.toString());
        for (var n : OwnerBench.NODES) {
            assertThat(b.times(Prepare.class, n)).as("prepare to %s", n).containsExactly(t0);
            assertThat(b.times(Install.class, n)).as("install to %s", n).containsExactly(t0 + 2 * ROUND_TRIP);
            assertThat(b.sent(Install.class, n).getFirst().epoch()).isEqualTo(e);
        }
        // Every replica holds the same empty log: the tie goes to the local copy (no network).
        assertThat(b.sent(Fetch.class)).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo(N0);
            assertThat(s.atNanos()).isEqualTo(t0 + ROUND_TRIP);
        });
        assertThat(b.records("repl-won")).singleElement().satisfies(r -> assertThat(r.detail()).contains("from=" + N0));
    }

    @Test
    void theLongestLogOfTheNewestOwnerIsFetchedAndItsInstallOffersARelabel() {
        Epoch a = new Epoch(3, 1, 9);
        b.down(N0);
        b.replicas.get(N1).holds(a, 5);
        b.replicas.get(N2).holds(new Epoch(2, 2, 9), 8);
        Promise<Recovery> r = b.on(b.log::recover);
        b.awaitDone(r, 10_000 * MS);
        // Both refuse round 1 (they promised their logs' epochs); the next try starts above the highest refusal.
        assertThat(rounds(b.sent(Prepare.class, N1))).containsExactly(1L, 4L);
        assertThat(b.sent(Fetch.class)).extracting(OwnerBench.Sent::to).containsExactly(N1);
        assertThat(ReplicationRig.payloads(OwnerBench.valueOf(r))).containsExactly("old#1", "old#2", "old#3", "old#4", "old#5");
        Install install = b.sent(Install.class, N2).getLast();
        assertThat(install.adopted()).isEqualTo(a);
        assertThat(install.adoptedSeq()).isEqualTo(5);
        assertThat(install.lastSeq()).isEqualTo(5);
        assertThat(install.reset()).isFalse();
    }

    @Test
    void lostPreparesAreResentToTheSilentReplicasOnlyAndTheFirstTryWins() {
        long t0 = b.now();
        b.drop = s -> s.request() instanceof Prepare && !s.to().equals(N0) && s.atNanos() == t0;
        long won = b.win();
        long resend = b.timing.resendNanos();
        assertThat(b.times(Prepare.class, N0)).as("n0 granted at once").containsExactly(t0);
        assertThat(b.times(Prepare.class, N1)).containsExactly(t0, t0 + resend);
        assertThat(b.times(Prepare.class, N2)).containsExactly(t0, t0 + resend);
        assertThat(rounds(b.sent(Prepare.class, N1))).containsExactly(1L, 1L);
        assertThat(won).isEqualTo(t0 + resend + 3 * ROUND_TRIP);
    }

    @Test
    void lostInstallsAreResentWhenTheirRetryIsDueAndTheFirstTryWins() {
        long t0 = b.now();
        long installAt = t0 + 2 * ROUND_TRIP;
        b.drop = s -> s.request() instanceof Install && !s.to().equals(N0) && s.atNanos() == installAt;
        long won = b.win();
        long resend = b.timing.resendNanos();
        // Ticks come every resend interval from the prepare; an install is due a resend interval after it went out.
        assertThat(b.times(Install.class, N0)).containsExactly(installAt);
        assertThat(b.times(Install.class, N1)).containsExactly(installAt, t0 + 2 * resend);
        assertThat(b.times(Install.class, N2)).containsExactly(installAt, t0 + 2 * resend);
        assertThat(won).isEqualTo(t0 + 2 * resend + ROUND_TRIP);
        assertThat(rounds(b.sent(Prepare.class, N0))).containsExactly(1L);
    }

    /**
     * Without a majority each try expires at its prepare deadline, frees the replica that granted
     * it, and the next starts after a backoff that doubles (half jitter) up to its cap; after
     * {@code maxAttempts} tries the handle gives up: UNAVAILABLE, everything waiting fails, and it
     * is closed.
     */
    @Test
    void withoutAMajorityEachTryExpiresAtItsDeadlineAndTheBackoffGrowsUntilTheOwnerGivesUp() {
        b.down(N1);
        b.down(N2);
        long t0 = b.now();
        Promise<Recovery> r = b.on(b.log::recover);
        Promise<Void> lease = b.on(b.log::awaitOutputAllowed);
        assertThat(lease.isDone()).as("no lease while electing").isFalse();
        b.awaitDone(r, 60_000 * MS);
        int tries = b.timing.maxAttempts();
        long attempt = b.timing.attemptNanos();

        List<Long> expected = new ArrayList<>();
        List<Long> expiries = new ArrayList<>();
        long at = t0;
        for (int a = 1; a <= tries; a++) {
            expected.add(at);
            expiries.add(at + attempt);
            at += attempt + b.retryDelay(a, 0);
        }
        assertThat(b.times(Prepare.class, N0)).as("one prepare per try to the granting replica").isEqualTo(expected);
        assertThat(rounds(b.sent(Prepare.class, N0))).as("a fresh round per try").isEqualTo(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
        assertThat(b.records("repl-step-expired")).extracting(OwnerBench.Record::atNanos).isEqualTo(expiries);
        assertThat(b.times(Release.class, N0)).as("each failed try frees its grant").isEqualTo(expiries);
        assertThat(b.sent(Release.class, N1)).isEmpty();

        DuroException e = (DuroException) r.failure();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("after " + tries + " tries").contains("only 1 of 2 needed promises arrived");
        assertThat(((DuroException) lease.failure()).code()).isEqualTo(ErrorCode.RESET);
        assertThat(b.closed).containsExactly(b.log);
        Promise<Void> append = b.on(() -> b.log.append(ReplicationRig.entry(1, "a")));
        assertThat(((DuroException) append.failure()).code()).as("a failed handle takes no writes").isEqualTo(ErrorCode.RESET);
        long quiet = b.now();
        b.run(5_000 * MS);
        assertThat(b.sentSince(quiet + 1)).as("a failed handle sends nothing").isEmpty();
    }

    /**
     * A majority refusal ends the try at the refusal that makes it, not at the deadline; the next
     * try waits the longest retry-after hint (a refusal without one does not shorten it) but never
     * less than the backoff.
     */
    @Test
    void aMajorityRefusalFailsTheTryAtOnceAndTheNextWaitsForTheRefusersHint() {
        long hint = 1_500 * MS; // past L/2, below 2L
        long t0 = b.now();
        b.answers = (rep, req) -> {
            if (req instanceof Prepare p && req.epoch().round() == 1) {
                if (rep.node.equals(N1)) return new Rejected(p.route(), p.epoch(), Reason.LEASED, Epoch.ZERO, hint / MS);
                if (rep.node.equals(N2)) return new Rejected(p.route(), p.epoch(), Reason.STARTING, Epoch.ZERO, 0);
            }
            return rep.answer(req);
        };
        b.answerDelay = (n, a) -> a instanceof Rejected j && j.reason() == Reason.STARTING ? MS : 0L;
        long won = b.win();
        long refusedAt = t0 + ROUND_TRIP + MS;
        assertThat(b.times(Release.class, N0)).as("the grant is freed when the try fails").containsExactly(refusedAt);
        assertThat(b.times(Prepare.class, N0)).containsExactly(t0, refusedAt + hint);
        assertThat(b.records("repl-step-expired")).isEmpty();
        assertThat(won).isEqualTo(refusedAt + hint + 3 * ROUND_TRIP);
    }

    @Test
    void aRefusalWithoutHintRetriesAfterTheFirstBackoffBeforeTheNextTick() {
        long t0 = b.now();
        b.answers = (rep, req) -> req instanceof Prepare p && req.epoch().round() == 1 && !rep.node.equals(N0)
                ? new Rejected(p.route(), p.epoch(), Reason.LEASED, Epoch.ZERO, 0) : rep.answer(req);
        Promise<Recovery> r = b.on(b.log::recover);
        long refusedAt = t0 + ROUND_TRIP;
        b.runTo(refusedAt + MS);
        // A repeated refusal of the failed try is no grant: nothing to free.
        Prepare first = b.sent(Prepare.class, N1).getFirst();
        b.reply(N1, new Rejected(first.route(), first.epoch(), Reason.LEASED, Epoch.ZERO, 0));
        assertThat(b.sent(Release.class, N1)).isEmpty();
        b.awaitDone(r, 1_000 * MS);
        assertThat(b.retryDelay(1, 0)).as("the first backoff is shorter than a resend interval").isLessThan(b.timing.resendNanos());
        assertThat(b.times(Prepare.class, N0)).containsExactly(t0, refusedAt + b.retryDelay(1, 0));
    }

    @Test
    void aFencedInstallEndsTheTryAtOnceAndTheNextTryStartsAboveTheFencingEpoch() {
        Epoch newer = new Epoch(7, 2, 1);
        long t0 = b.now();
        b.answers = (rep, req) -> req instanceof Install i && rep.node.equals(N1) && req.epoch().round() == 1
                ? new Fenced(i.route(), i.epoch(), newer) : rep.answer(req);
        // n2 answers try 1 a little later than the others: its promise comes after the quorum.
        b.answerDelay = (n, a) -> n.equals(N2) && a.epoch().round() == 1 ? MS : 0L;
        b.win();
        long fencedAt = t0 + 3 * ROUND_TRIP;
        assertThat(b.times(Release.class, N0)).as("granted and installed").containsExactly(fencedAt);
        assertThat(b.times(Release.class, N1)).as("granted").containsExactly(fencedAt);
        assertThat(b.times(Release.class, N2)).as("its install ack came after the try failed: freed as it arrived")
                .containsExactly(fencedAt + MS);
        assertThat(b.times(Prepare.class, N0)).containsExactly(t0, fencedAt + b.retryDelay(1, 0));
        assertThat(rounds(b.sent(Prepare.class, N0))).containsExactly(1L, 8L);
    }

    @Test
    void aSourceWhoseLogChangedSinceItsPromiseFailsTheTryAtOnce() {
        b.replicas.get(N1).holds(new Epoch(3, 1, 9), 5);
        b.replicas.get(N1).promised = Epoch.ZERO;
        long t0 = b.now();
        b.answers = (rep, req) -> {
            if (req instanceof Fetch f && req.epoch().round() == 1) {
                rep.entries.add(ReplicationRig.entry(6, "late"));
                return new Fetched(f.route(), f.epoch(), rep.logEpoch, rep.snapshot, rep.entries);
            }
            return rep.answer(req);
        };
        Promise<Recovery> r = b.on(b.log::recover);
        b.awaitDone(r, 10_000 * MS);
        long failedAt = t0 + 2 * ROUND_TRIP;
        assertThat(b.sent(Fetch.class)).extracting(OwnerBench.Sent::to).containsExactly(N1, N1);
        assertThat(b.times(Release.class, N0)).as("both grants freed at once").containsExactly(failedAt);
        assertThat(b.times(Release.class, N1)).containsExactly(failedAt);
        assertThat(b.times(Prepare.class, N0)).containsExactly(t0, failedAt + b.retryDelay(1, 0));
        assertThat(ReplicationRig.payloads(OwnerBench.valueOf(r))).hasSize(6).endsWith("late#6");
    }

    @Test
    void aSourceThatRefusesTheFetchFailsTheTryAtOnceAndTheNextStartsAboveItsPromise() {
        b.replicas.get(N1).holds(new Epoch(3, 1, 9), 5);
        b.replicas.get(N1).promised = Epoch.ZERO;
        Epoch newer = new Epoch(9, 2, 1);
        long t0 = b.now();
        b.answers = (rep, req) -> req instanceof Fetch f && req.epoch().round() == 1
                ? new Rejected(f.route(), f.epoch(), Reason.STALE, newer, 0) : rep.answer(req);
        Promise<Recovery> r = b.on(b.log::recover);
        b.awaitDone(r, 10_000 * MS);
        long failedAt = t0 + 2 * ROUND_TRIP;
        assertThat(b.times(Release.class, N1)).containsExactly(failedAt);
        assertThat(b.times(Prepare.class, N0)).containsExactly(t0, failedAt + b.retryDelay(1, 0));
        assertThat(rounds(b.sent(Prepare.class, N0))).containsExactly(1L, 10L);
        assertThat(OwnerBench.valueOf(r).lastSeq()).isEqualTo(5);
    }

    /** A NeedInstall for a try that already failed changes nothing: no install goes out under the failed epoch. */
    @Test
    void aNeedInstallForATryThatFailedIsIgnored() {
        b.answers = (rep, req) -> req instanceof Install && !rep.node.equals(N0) && req.epoch().round() == 1 ? null : rep.answer(req);
        Promise<Recovery> r = b.on(b.log::recover);
        while (b.records("repl-step-expired").isEmpty()) b.run(MS);
        long expired = b.now();
        b.run(10 * MS); // waiting for the next try
        Install last = b.sent(Install.class, N1).getLast();
        b.reply(N1, new Message.NeedInstall(last.route(), last.epoch(), 0));
        b.awaitDone(r, 1_000 * MS);
        assertThat(b.sent(Install.class).stream().filter(s -> s.atNanos() > expired && s.request().epoch().round() == 1))
                .as("nothing sent for the failed try").isEmpty();
    }

    @Test
    void aLateGrantToAnAbandonedTryIsReleasedAtOnceButGrantsToTheWonEpochAreNot() {
        long late = b.timing.attemptNanos() + 50 * MS;
        long t0 = b.now();
        // n1 and n2 answer try 1's prepare only after its deadline.
        b.answerDelay = (n, a) -> a instanceof Promised p && p.epoch().round() == 1 && !n.equals(N0) ? late : 0L;
        long won = b.win();
        long lateAt = t0 + ROUND_TRIP + late;
        // Try 1 resent its prepare every resend interval until its deadline: each late grant is freed as it arrives.
        long resend = b.timing.resendNanos();
        List<Long> lateGrants = List.of(lateAt, lateAt + resend, lateAt + 2 * resend, lateAt + 3 * resend);
        assertThat(won).as("try 2 won before the late grants arrived").isLessThan(lateAt);
        b.runTo(lateAt + 4 * resend);
        assertThat(b.times(Release.class, N1)).isEqualTo(lateGrants);
        assertThat(b.times(Release.class, N2)).isEqualTo(lateGrants);
        assertThat(b.sent(Release.class, N1)).allSatisfy(x -> assertThat(x.epoch().round()).isEqualTo(1));
        assertThat(rounds(b.sent(Prepare.class, N0))).containsExactly(1L, 2L);

        // A duplicate grant to the won epoch is not released.
        int releases = b.sent(Release.class).size();
        Renew renew = new Renew(new Message.Route(b.log.handle, 99_999, OwnerBench.KEY.namespace(), OwnerBench.KEY.id()),
                Epoch.parse(b.log.fence()));
        b.reply(N1, new LeaseOk(renew.route(), renew.epoch()));
        assertThat(b.sent(Release.class)).hasSize(releases);
    }

    /**
     * Each try counts only what replicas said to it: a destroy of an active handle, whose replicas
     * were installed under the old epoch, still needs a quorum of installs under the new one.
     */
    @Test
    void aReElectionCountsOnlyInstallsUnderItsOwnEpoch() {
        b.win();
        b.appendDurable(1, 2);
        long wonEpochRound = Epoch.parse(b.log.fence()).round();
        b.answers = (rep, req) -> req instanceof Install && !rep.node.equals(N0) && req.epoch().round() > wonEpochRound
                ? null : rep.answer(req);
        long t0 = b.now();
        Promise<Void> destroyed = b.on(b.log::destroy);
        b.runTo(t0 + 3 * b.timing.attemptNanos());
        assertThat(destroyed.isDone()).as("one install of three is no quorum").isFalse();
        assertThat(b.records("repl-step-expired")).singleElement()
                .satisfies(r -> assertThat(r.detail()).contains("step=INSTALL"));
    }

    @Test
    void theNextHandleOnTheNodeStartsAboveEveryRoundThisOneSaw() {
        b.win();
        b.on(() -> {
            b.log.close();
            return null;
        });
        b.log = b.open();
        b.win();
        assertThat(rounds(b.sent(Prepare.class, N0))).containsExactly(1L, 2L);

        // A newer owner fences this one: the next handle starts above the fencing round.
        Epoch newer = new Epoch(7, 2, 1);
        b.replicas.values().forEach(r -> r.promised = newer);
        Promise<Void> fenced = b.append(1, 1).getFirst();
        b.awaitDone(fenced, 100 * MS);
        assertThat(((DuroException) fenced.failure()).code()).isEqualTo(ErrorCode.RESET);
        b.log = b.open();
        b.win();
        assertThat(rounds(b.sent(Prepare.class, N0))).containsExactly(1L, 2L, 8L);
    }
}
