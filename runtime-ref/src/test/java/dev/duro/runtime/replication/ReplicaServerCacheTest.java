package dev.duro.runtime.replication;

import dev.duro.model.world.NodeId;
import dev.duro.runtime.replication.Message.AskPromise;
import dev.duro.runtime.replication.Message.LeaseOk;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.Reason;
import dev.duro.runtime.replication.Message.Rejected;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import dev.duro.runtime.replication.Message.Route;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static dev.duro.runtime.replication.ServerRig.MS;
import static dev.duro.runtime.replication.ServerRig.log;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replica's cache of objects' state: loaded lazily, requests queued (bounded) while it loads,
 * idle objects forgotten by the sweep with their file handles, and the rounds it sees reported so
 * that a local owner starts above them.
 */
class ReplicaServerCacheTest {
    @Test
    void everyRequestsRoundIsReportedToLocalOwners() {
        ServerRig rig = new ServerRig(81);
        rig.exchange(new Prepare(rig.route(), epoch(9)), 10);
        assertThat(rig.rounds).first().isEqualTo(9L);
    }

    /**
     * Sweeps run every idleEvict/2 from the start, so an object used just after the start is idle
     * for less than idleEvict at the first two and forgotten by the third, 1.5·idleEvict later.
     */
    @Test
    void anIdleObjectIsForgottenWithItsHandlesWithinOneAndAHalfIdlePeriods() {
        ServerRig rig = new ServerRig(82);
        long idle = rig.timing.idleEvictNanos();
        long usedAt = rig.now();
        rig.exchange(new Release(rig.route(), Epoch.ZERO), 1);
        assertThat(rig.server.cachedObjects()).isEqualTo(1);
        rig.run((usedAt + idle + idle / 2 - rig.now()) / MS - 100);
        assertThat(rig.server.cachedObjects()).as("idle for less than idleEvict at each sweep so far").isEqualTo(1);
        assertThat(rig.calls).doesNotContain("releaseHandles");
        rig.run(101);
        assertThat(rig.server.cachedObjects()).isZero();
        assertThat(rig.count("releaseHandles")).as("its files are closed too").isEqualTo(1);
    }

    /** The fault point forgets a replica just before a request, but never one holding a lease (it would forget the lease). */
    @Test
    void theCellDropFaultForgetsOnlyReplicasWithoutALease() {
        ServerRig rig = new ServerRig(83);
        rig.firing.add(ReplicaServer.FAULT_CELL_DROP);
        rig.install(1, log("a", 1, 2));
        rig.replies.clear();
        rig.exchange(new Prepare(rig.route(), epoch(2)), 10);
        assertThat(rig.replies(Rejected.class)).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo(Reason.LEASED));
        assertThat(rig.count("load")).as("never reloaded while leased").isEqualTo(1);

        rig.exchange(new Release(rig.route(), epoch(1)), 1);
        rig.exchange(new Renew(rig.route(), epoch(1)), 10);
        assertThat(rig.count("load")).as("forgotten before the renewal and loaded again").isEqualTo(2);
        assertThat(rig.count("releaseHandles")).isEqualTo(1);
        assertThat(rig.replies(LeaseOk.class)).hasSize(1);
    }

    @Test
    void atMost256RequestsWaitForALoadAndALatePeersQuestionIsDropped() {
        ServerRig rig = new ServerRig(84);
        rig.holdLoads = true;
        for (int i = 0; i < ReplicaServer.MAX_WAITING + 1; i++) rig.send(new Renew(rig.route(), epoch(1)));
        rig.between(NodeId.of(2), new AskPromise(new Route(9, 1, ServerRig.NS, ServerRig.ID), Epoch.ZERO));
        rig.run(1);
        assertThat(rig.replies).isEmpty();
        rig.releaseLoads();
        rig.run(10);
        assertThat(rig.replies(NeedInstall.class)).as("the owner resends the rest").hasSize(ReplicaServer.MAX_WAITING);
        assertThat(rig.told).isEmpty();
    }
}
