package dev.duro.runtime.replication;

import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.replication.Message.Install;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: a replica whose state load fails once (a transient read error; {@link ReplicaLog#load()}
 * says "nothing changed, a later load may succeed") must not forget the epoch it durably promised.
 * ReplicaServer used to adopt a made-up damaged state with {@code promised = ZERO} for it, so the
 * next install from any epoch, however old, was accepted, acknowledged and given a lease: a deposed
 * owner's write got through a replica that had promised a newer owner.
 */
class LoadFailureForgetsPromiseTest {
    @Test
    void aReplicaThatFailedToLoadStillFencesEpochsBelowItsDurablePromise() {
        Epoch a = new Epoch(1, 0, 7);
        Epoch b = new Epoch(2, 1, 9);
        ServerRig rig = new ServerRig(41);
        // Durably: promised b (the new owner won), the log still the one a wrote.
        rig.disk.states.put(ServerRig.KEY, new ReplicaState(b, a, Optional.empty(), ServerRig.log("a", 1, 2), false, ""));
        rig.failLoads = 1;

        // The deposed owner of a resends its install (the log plus its batch 3).
        List<LogEntry> log = ServerRig.log("a", 1, 3);
        rig.exchange(new Install(rig.route(), a, Optional.empty(), log, false), 50);
        rig.exchange(new Install(rig.route(), a, Optional.empty(), log, false), 50);

        assertThat(rig.count("load")).as("the first load failed, a later one succeeded").isEqualTo(2);
        assertThat(rig.records("repl-load-failed")).containsExactly("id=" + ServerRig.ID.hex() + " retry=yes");
        assertThat(rig.replies(Message.Installed.class)).as("epoch a is below the durable promise b: nothing of a's may be acknowledged")
                .isEmpty();
        assertThat(rig.replies(Message.Fenced.class)).as("once a load succeeds, the deposed owner is told it is fenced by b")
                .anyMatch(f -> f.promised().equals(b));
        assertThat(rig.durable().lastSeq()).as("a's batch 3 is not on the replica").isEqualTo(2);
    }
}
