package dev.duro.runtime.replication;

import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Fetch;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Promised;
import dev.duro.runtime.replication.Message.Reason;
import dev.duro.runtime.replication.Message.Rejected;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static dev.duro.runtime.replication.ServerRig.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's side of an election (docs/cluster.md, "Leases"): which Prepares it grants, when its
 * lease starts and is refreshed, what its rejections say, and what it serves a Fetch.
 */
class ReplicaServerElectionTest {
    private static Prepare prepare(ServerRig rig, long round) {
        return new Prepare(rig.route(), epoch(round));
    }

    private static Rejected onlyRejection(ServerRig rig) {
        assertThat(rig.replies).as("one answer").hasSize(1);
        return (Rejected) rig.replies.getFirst().message();
    }

    @Test
    void aRestartedReplicaGrantsNothingForLTimesOnePlusEpsilonAndSaysHowLongToWait() {
        ServerRig rig = new ServerRig(1);
        rig.crashAndRestart();
        long quiet = rig.timing.startupQuietNanos();
        assertThat(quiet).as("L(1+e) of the default cluster").isGreaterThanOrEqualTo(2_002 * MS);

        // 1500.5 ms before the quiet period ends: wait 1501 ms (rounded up, so the retry is not early).
        rig.loadCell();
        rig.sendAt(rig.startedAt + quiet - 1_500 * MS - 500_000, prepare(rig, 1));
        rig.run(quiet / MS - 1_000);
        Rejected early = onlyRejection(rig);
        assertThat(early.reason()).isEqualTo(Reason.STARTING);
        assertThat(early.retryAfterMillis()).isEqualTo(1_501);
        assertThat(rig.calls).as("nothing written").doesNotContain("promise");

        // At the very end of the quiet period the replica grants.
        rig.replies.clear();
        rig.sendAt(rig.startedAt + quiet, prepare(rig, 2));
        rig.run(1_100);
        assertThat(rig.replies(Promised.class)).singleElement().satisfies(p -> assertThat(p.epoch()).isEqualTo(epoch(2)));
    }

    @Test
    void aFirstBootGrantsAtOnce() {
        ServerRig rig = new ServerRig(2);
        rig.exchange(prepare(rig, 1), 10);
        assertThat(rig.replies(Promised.class)).hasSize(1);
    }

    @Test
    void aLeasedReplicaRefusesOtherEpochsAndSaysWhenTheLeaseEnds() {
        ServerRig rig = new ServerRig(3);
        rig.loadCell();
        rig.exchange(prepare(rig, 1), 10);
        long promisedAt = rig.firstAt(Promised.class);
        rig.replies.clear();

        rig.sendAt(promisedAt + 500 * MS + 250_000, prepare(rig, 2));
        rig.run(600);
        Rejected leased = onlyRejection(rig);
        assertThat(leased.reason()).isEqualTo(Reason.LEASED);
        assertThat(leased.promised()).isEqualTo(epoch(1));
        assertThat(leased.retryAfterMillis()).as("L - 500.25 ms, rounded up").isEqualTo(1_500);
    }

    /**
     * The lease starts when the Prepare arrives (its answer may be on its way before the promise
     * is durable elsewhere) and again when the promise is durable (the owner counts from its send).
     */
    @Test
    void theLeaseRunsFromThePreparesArrivalAndAgainFromItsDurablePromise() {
        ServerRig rig = new ServerRig(4);
        rig.writeDelayNanos = 300 * MS;
        long sentAt = rig.now();
        rig.send(prepare(rig, 1));
        rig.sendAt(sentAt + 100 * MS, prepare(rig, 2)); // the promise of 1 is not durable yet
        rig.run(400);
        assertThat(rig.replies(Promised.class)).singleElement().satisfies(p -> assertThat(p.epoch()).isEqualTo(epoch(1)));
        assertThat(rig.replies(Rejected.class)).as("2 came during 1's promise write").singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo(Reason.LEASED));
        long promisedAt = rig.firstAt(Promised.class);
        assertThat(promisedAt - sentAt).isGreaterThanOrEqualTo(300 * MS);

        // Past L from the arrival, within L of the durable promise: still leased.
        rig.replies.clear();
        rig.sendAt(sentAt + rig.timing.leaseNanos() + 100 * MS, prepare(rig, 3));
        rig.run(2_000);
        Rejected stillLeased = onlyRejection(rig);
        assertThat(stillLeased.reason()).isEqualTo(Reason.LEASED);
        assertThat(rig.calls).as("only 1's promise was written").containsOnlyOnce("promise");
    }

    @Test
    void aDuplicatePrepareIsAnsweredOnlyOnceItsPromiseIsDurableAndRenewsTheLease() {
        ServerRig rig = new ServerRig(5);
        rig.writeDelayNanos = 300 * MS;
        long sentAt = rig.now();
        Prepare first = prepare(rig, 1);
        rig.send(first);
        rig.sendAt(sentAt + 100 * MS, new Prepare(rig.route(), first.epoch())); // resent while the promise is written
        rig.run(200);
        assertThat(rig.replies).as("nothing answered before the promise is durable").isEmpty();
        rig.run(200);
        assertThat(rig.replies(Promised.class)).as("the write answers; the duplicate waits for nothing else").hasSize(1);
        long promisedAt = rig.firstAt(Promised.class);

        // A duplicate after it is durable is answered at once, from the durable state, and grants L again.
        rig.replies.clear();
        long resentAt = promisedAt + 1_500 * MS;
        rig.sendAt(resentAt, new Prepare(rig.route(), first.epoch()));
        rig.run(1_600);
        assertThat(rig.replies).singleElement().satisfies(t -> {
            assertThat(t.atNanos()).isEqualTo(resentAt);
            assertThat(t.message()).isInstanceOfSatisfying(Promised.class, p -> assertThat(p.epoch()).isEqualTo(epoch(1)));
        });
        rig.replies.clear();
        rig.sendAt(promisedAt + rig.timing.leaseNanos() + 100 * MS, prepare(rig, 2));
        rig.run(1_000);
        assertThat(onlyRejection(rig).reason()).as("leased from the duplicate's answer").isEqualTo(Reason.LEASED);
        assertThat(rig.calls).containsOnlyOnce("promise");
    }

    @Test
    void aPrepareBelowThePromiseIsRefusedStaleNamingThePromise() {
        ServerRig rig = new ServerRig(6);
        rig.exchange(prepare(rig, 2), 10);
        rig.replies.clear();
        rig.exchange(prepare(rig, 1), 10);
        Rejected stale = onlyRejection(rig);
        assertThat(stale.reason()).isEqualTo(Reason.STALE);
        assertThat(stale.promised()).isEqualTo(epoch(2));
    }

    @Test
    void aDamagedReplicaRefusesPreparesAndFetchesAsDamaged() {
        ServerRig rig = new ServerRig(7);
        rig.disk.corrupt(ServerRig.KEY);
        rig.exchange(prepare(rig, 1), 10);
        assertThat(onlyRejection(rig).reason()).isEqualTo(Reason.DAMAGED);
        rig.replies.clear();
        rig.exchange(new Fetch(rig.route(), epoch(1)), 10);
        assertThat(onlyRejection(rig).reason()).isEqualTo(Reason.DAMAGED);
    }

    @Test
    void aFetchIsServedOnlyToThePromisedEpoch() {
        ServerRig rig = new ServerRig(8);
        rig.exchange(prepare(rig, 1), 10);
        rig.replies.clear();
        rig.exchange(new Fetch(rig.route(), epoch(2)), 10);
        Rejected notHolding = onlyRejection(rig);
        assertThat(notHolding.reason()).as("it never promised 2").isEqualTo(Reason.NOT_HOLDING);
        assertThat(notHolding.promised()).isEqualTo(epoch(1));

        rig.replies.clear();
        rig.sendAt(rig.now() + rig.timing.leaseNanos(), prepare(rig, 2));
        rig.run(rig.timing.leaseNanos() / MS + 10);
        assertThat(rig.replies(Promised.class)).hasSize(1);
        rig.replies.clear();
        rig.exchange(new Fetch(rig.route(), epoch(1)), 10);
        assertThat(rig.replies).singleElement().satisfies(t -> assertThat(t.message())
                .isInstanceOfSatisfying(Fenced.class, f -> assertThat(f.promised()).isEqualTo(epoch(2))));
    }
}
