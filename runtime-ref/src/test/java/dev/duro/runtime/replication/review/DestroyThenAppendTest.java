package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.ObjectLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Review: {@code destroy()} promises an empty log under a fresh epoch, but while its election ran
 * the handle still took appends (the guard only refused them before a first recover()); the
 * install then carried them, so the "destroyed" object came back holding a batch whose append had
 * failed with RESET.
 */
class DestroyThenAppendTest {
    private static final ObjectId ID = ReplicationRig.id(51);

    @Test
    void anAppendDuringDestroyIsRefusedAndNeverReachesTheEmptyLog() {
        ReplicationRig rig = new ReplicationRig(51);
        ObjectLog a = rig.owner(0, ID, 3);
        List<Promise<Void>> out = new ArrayList<>();
        rig.value(0, w -> {
            Promise<Void> destroyed = a.destroy();
            out.add(a.append(ReplicationRig.entry(1, "late")));
            return destroyed;
        });
        assertThat(out.getFirst().isFailed()).as("the append during destroy failed").isTrue();
        ObjectLog b = rig.open(1, ID);
        assertThat(ReplicationRig.payloads(rig.value(1, w -> b.recover()))).as("the destroyed log is empty").isEmpty();
    }
}
