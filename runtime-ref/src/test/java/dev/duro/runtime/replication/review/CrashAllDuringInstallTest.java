package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.ObjectLog;
import dev.duro.runtime.log.Recovery;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.net.NetworkConfig;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: every election installs the adopted log on every replica at once, and the disk store's
 * install destroys the old log before it writes the new one (INSTALL_CUT in between). A power loss
 * of the whole cluster (every node crashes, none loses its disk) during that window leaves every
 * replica damaged: no replica votes again and the acknowledged batches are gone.
 *
 * <p>Seen: a crash 6.3–12 ms after the next owner starts recover() (5 batches; the window grows
 * with the log, since every replica rewrites the whole log) ends in "n1 refused: damaged" on every
 * later recovery, forever. A minority of replica faults is tolerated, but here no replica was
 * faulty: every node merely crashed (power loss), which the fail-recover model must survive.
 *
 * <p>Not a small fix. Options: (a) DiskReplicaLog.install builds the new log beside the old one
 * (e.g. a new log generation directory), fsyncs it, and switches with the atomic state-file
 * replace, deleting the old one afterwards, so a crash leaves the old or the new log, never none;
 * (b) the replica skips the rewrite when its log already is a prefix of the installed one (the
 * common case after a clean hand-over): relabel the log epoch in the state file and append the
 * missing batches; (c) the owner installs on one replica at a time, so at most one replica is ever
 * between INSTALL_CUT and its final state.
 */
class CrashAllDuringInstallTest {
    private static final ObjectId ID = ReplicationRig.id(31);

    @Test
    @Disabled("review bug: a whole-cluster crash during any election's install damages every replica (see class comment)")
    void aClusterWidePowerLossDuringAnElectionKeepsTheAcknowledgedBatches() {
        List<String> bad = new ArrayList<>();
        for (int tenths = 0; tenths <= 120; tenths += 3) {
            ReplicationRig rig = new ReplicationRig(31, 3, 3, NetworkConfig.DEFAULT, Set.of(), DiskFaultConfig.none());
            ObjectLog a = rig.owner(0, ID, 5);
            rig.close(0, a);
            rig.runMillis(10);
            ObjectLog b = rig.open(1, ID);
            rig.world(1).loop().execute(b::recover);
            rig.sim.run(rig.sim.nowNanos() + tenths * 100_000L, Long.MAX_VALUE);
            for (int i = 0; i < 3; i++) rig.crash(i);
            for (int i = 0; i < 3; i++) rig.restart(i);
            ObjectLog c = rig.open(2, ID);
            Promise<Recovery> r = rig.await(2, 60_000, w -> c.recover());
            String got = !r.isDone() ? "pending" : r.isFailed() ? r.failure().toString() : ReplicationRig.payloads(r.value()).toString();
            if (!got.equals("[a#1, a#2, a#3, a#4, a#5]")) {
                bad.add("crash at +" + tenths / 10.0 + " ms: " + got + " damaged=" + rig.records("repl-damaged"));
            }
        }
        assertThat(bad).as("acknowledged batches 1..5 survive a whole-cluster crash during the next owner's install").isEmpty();
    }
}
