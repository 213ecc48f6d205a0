package dev.duro.runtime.replication;

import dev.duro.model.world.NodeId;
import dev.duro.runtime.replication.Message.AskPromise;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Installed;
import dev.duro.runtime.replication.Message.PromiseIs;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Route;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static dev.duro.runtime.replication.ServerRig.MS;
import static dev.duro.runtime.replication.ServerRig.log;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that lost its promise (docs/cluster.md, "Amnesia"): it asks the object's other
 * replicas no earlier than {@link Timing#amnesiaWaitNanos} into its incarnation, again until a
 * quorum answered, then fences by the highest promise they report, made durable first; and what it
 * tells a peer that asks it.
 */
class ReplicaServerAmnesiaTest {
    private static final NodeId N1 = NodeId.of(1);
    private static final NodeId N2 = NodeId.of(2);

    /** A node that lost its disk and restarted; a request made it load the object (amnesic). */
    private static ServerRig lostDisk(long seed) {
        ServerRig rig = new ServerRig(seed);
        rig.disk.loseEverything();
        rig.crashAndRestart();
        rig.exchange(new Release(rig.route(), Epoch.ZERO), 10);
        return rig;
    }

    /** {@code peer}'s answer to the latest question it was asked. */
    private static void answer(ServerRig rig, NodeId peer, Epoch promised) {
        AskPromise asked = null;
        for (ServerRig.Timed<Message.Between> t : rig.asked) if (t.to().equals(peer)) asked = (AskPromise) t.message();
        assertThat(asked).as("%s was asked", peer).isNotNull();
        rig.between(peer, new PromiseIs(asked.route(), asked.epoch(), promised));
        rig.run(10);
    }

    private static List<NodeId> askedAt(ServerRig rig, long at) {
        return rig.asked.stream().filter(t -> t.atNanos() == at).map(ServerRig.Timed::to).toList();
    }

    @Test
    void itAsksThePeersOnlyOnceTheAmnesiaWaitIsOverAndLearnsTheHighestPromiseOfAQuorum() {
        ServerRig rig = lostDisk(71);
        assertThat(rig.records("repl-amnesic")).containsExactly("id=" + ServerRig.ID.hex() + " at=n0 known=" + Epoch.ZERO);
        long asksAt = rig.startedAt + rig.timing.amnesiaWaitNanos();
        rig.run((asksAt - rig.now()) / MS - 1);
        assertThat(rig.asked).as("no question before the amnesia wait is over").isEmpty();
        rig.run(2);
        assertThat(askedAt(rig, asksAt)).containsExactly(N1, N2);

        // The lower answer first: one answer is not a quorum of the others.
        answer(rig, N1, epoch(3));
        assertThat(rig.records("repl-promise-learned")).isEmpty();
        answer(rig, N2, epoch(5));
        assertThat(rig.records("repl-promise-learned")).containsExactly(
                "id=" + ServerRig.ID.hex() + " fence=" + epoch(5) + " at=n0 peers=2");
        assertThat(rig.rounds).as("the peers' rounds are hinted to local owners").contains(3L, 5L);
        assertThat(rig.durable().promised()).as("durable before it fences by it").isEqualTo(epoch(5));

        rig.replies.clear();
        rig.exchange(new Install(rig.route(), epoch(4), Optional.empty(), log("a", 1, 1), false), 10);
        assertThat(rig.replies(Fenced.class)).singleElement().satisfies(f -> assertThat(f.promised()).isEqualTo(epoch(5)));
        rig.exchange(new Install(rig.route(), epoch(6), Optional.empty(), log("b", 1, 1), false), 10);
        assertThat(rig.replies(Installed.class)).hasSize(1);
    }

    @Test
    void unansweredPeersAreAskedAgainWithBackoff() {
        ServerRig rig = lostDisk(72);
        long first = rig.startedAt + rig.timing.amnesiaWaitNanos();
        rig.run((first - rig.now()) / MS + 1);
        answer(rig, N1, epoch(3));
        rig.run(200);
        long resend = rig.timing.resendNanos();
        assertThat(askedAt(rig, first + resend)).as("only the peer that did not answer").containsExactly(N2);
        assertThat(askedAt(rig, first + 3 * resend)).containsExactly(N2);
        answer(rig, N2, epoch(2));
        assertThat(rig.records("repl-promise-learned")).singleElement().satisfies(r -> assertThat(r).contains("fence=" + epoch(3)));
    }

    @Test
    void peersReportingNothingAboveItsLowerBoundEndItsAmnesiaWithoutAWrite() {
        ServerRig rig = lostDisk(73);
        rig.run(rig.timing.amnesiaWaitNanos() / MS);
        answer(rig, N1, Epoch.ZERO);
        answer(rig, N2, Epoch.ZERO);
        assertThat(rig.records("repl-promise-learned")).singleElement().satisfies(r -> assertThat(r).contains("fence=" + Epoch.ZERO));
        assertThat(rig.count("promise")).isZero();
        rig.exchange(new Install(rig.route(), epoch(1), Optional.empty(), log("a", 1, 2), false), 10);
        assertThat(rig.replies(Installed.class)).as("it accepts installs again").hasSize(1);
    }

    /** The learned promise's write fails: the replica reloads, still amnesic, and keeps what it learned as its lower bound. */
    @Test
    void aReloadDuringAmnesiaKeepsThePromiseThisIncarnationLearned() {
        ServerRig rig = lostDisk(74);
        rig.run(rig.timing.amnesiaWaitNanos() / MS);
        rig.failWrites = 1;
        answer(rig, N1, epoch(5));
        answer(rig, N2, epoch(2));
        assertThat(rig.records("repl-promise-learned")).as("not learned: not durable").isEmpty();
        assertThat(rig.records("repl-amnesic")).as("asks again after the reload").hasSize(2)
                .last().satisfies(r -> assertThat(r).endsWith("known=" + epoch(5)));
        rig.run(rig.timing.amnesiaWaitNanos() / MS);
        answer(rig, N1, Epoch.ZERO);
        answer(rig, N2, Epoch.ZERO);
        assertThat(rig.records("repl-promise-learned")).singleElement().satisfies(r -> assertThat(r).contains("fence=" + epoch(5)));
        rig.replies.clear();
        rig.exchange(new Install(rig.route(), epoch(4), Optional.empty(), log("a", 1, 1), false), 10);
        assertThat(rig.replies(Fenced.class)).hasSize(1);
    }

    @Test
    void aPeerAskedAboutAnObjectItDoesNotHaveCachedLoadsItAndTellsItsDurablePromise() {
        ServerRig rig = new ServerRig(75);
        rig.disk.states.put(ServerRig.KEY, new ReplicaState(epoch(4), Epoch.ZERO, Optional.empty(), List.of(), false, ""));
        rig.between(N2, new AskPromise(new Route(9, 1, ServerRig.NS, ServerRig.ID), Epoch.ZERO));
        rig.run(10);
        assertThat(rig.told).singleElement().satisfies(t -> {
            assertThat(t.to()).isEqualTo(N2);
            assertThat(t.message()).isInstanceOfSatisfying(PromiseIs.class, p -> assertThat(p.promised()).isEqualTo(epoch(4)));
        });
        assertThat(rig.rounds).as("the durable promise's round is hinted to local owners").containsExactly(4L);
    }
}
