package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.sim.disk.DiskFaultConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention window's edge (PIT survivors, docs/mutation.md): a batch sealed exactly
 * {@code retentionMillis} before the snapshot that drops old files is still inside the window, one
 * millisecond earlier it is not. Syncs take no simulated time here, so the drop runs in the same
 * millisecond as the snapshot call (checked, not assumed).
 */
class LogRetentionCutoffTest {
    private static final long RETENTION_MS = 1_000;

    /**
     * Batches 1..3 (old), snapshot 3; later, in one task at wall time {@code now}: batch 4 sealed at
     * {@code now - RETENTION_MS + offsetMs}, batch 5 at {@code now}, snapshot 5.
     */
    private static LogRig scenario(long seed, long offsetMs) {
        LogRig rig = new LogRig(seed, DiskFaultConfig.none().withSyncLatencyNanos(0, 0),
                LogOptions.defaults().withRetentionMillis(RETENTION_MS));
        rig.recover();
        for (long s = 1; s <= 3; s++) {
            long seq = s;
            rig.awaitValue(r -> r.log().append(LogRig.entry(seq, r.world.clock().wallMillis())));
        }
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(3, 0, new byte[] {3})));
        assertThat(files(rig)).as("all inside the window").containsExactly("meta", seg(1), snap(3));
        rig.runMillis(5 * RETENTION_MS);
        long[] wall = new long[2];
        rig.awaitValue(r -> {
            long now = r.world.clock().wallMillis();
            wall[0] = now;
            r.log().append(LogRig.entry(4, now - RETENTION_MS + offsetMs));
            r.log().append(LogRig.entry(5, now));
            return r.log().snapshot(new Snapshot(5, 0, new byte[] {5})).map(v -> {
                wall[1] = r.world.clock().wallMillis();
                return null;
            });
        });
        assertThat(wall[1]).as("the snapshot and its drop ran in the same millisecond").isEqualTo(wall[0]);
        return rig;
    }

    private static List<String> files(LogRig rig) {
        return rig.world.disk().list(rig.objectDir());
    }

    private static String seg(long first) {
        return LogLayout.segmentName(first);
    }

    private static String snap(long seq) {
        return LogLayout.snapshotName(seq);
    }

    @Test
    void aBatchSealedExactlyAtTheCutoffKeepsItsBaseSnapshot() {
        LogRig rig = scenario(31, 0);
        assertThat(files(rig)).as("window starts at 4: base snapshot 3 stays, segment 1 goes")
                .containsExactly("meta", seg(4), snap(3), snap(5));
        assertThat(rig.labels("log-snapshot")).last().asString().endsWith("seq=5 droppedSegments=1 droppedSnapshots=0");
        assertThat(rig.device.openHandles()).as("meta and segment 4: segment 1's handle closed").isEqualTo(2);
        Recovery at3 = rig.awaitValue(r -> r.log().recoverAt(3));
        assertThat(at3.snapshot()).get().extracting(Snapshot::seq).isEqualTo(3L);
        assertThat(at3.entries()).isEmpty();
        assertThat(rig.awaitValue(r -> r.log().recoverAt(4)).entries()).extracting(LogEntry::seq).containsExactly(4L);
        Promise<Recovery> at2 = rig.await(r -> r.log().recoverAt(2));
        assertThat(at2.failure()).hasMessageContaining("batch 2").hasMessageContaining("no longer retained")
                .hasMessageContaining("the oldest recoverable batch is 3 (retention 1000 ms)");
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertThat(r.snapshot()).get().extracting(Snapshot::seq).isEqualTo(5L);
        assertThat(r.entries()).isEmpty();
        assertThat(r.retained()).extracting(Recovery.Mark::seq).containsExactly(4L, 5L);
        assertThat(rig.awaitValue(x -> x.log().recoverAt(4)).entries()).extracting(LogEntry::seq).containsExactly(4L);
    }

    @Test
    void aBatchSealedOneMillisecondBeforeTheCutoffIsOutsideAndEverythingBeforeTheLatestSnapshotGoes() {
        LogRig rig = scenario(32, -1);
        assertThat(files(rig)).as("window starts after 5: only snapshot 5 is needed").containsExactly("meta", snap(5));
        assertThat(rig.labels("log-snapshot")).last().asString().endsWith("seq=5 droppedSegments=2 droppedSnapshots=1");
        assertThat(rig.device.openHandles()).as("only the meta: both segments' handles closed").isEqualTo(1);
        // No batch is retained at all: the snapshot alone is the state as of 5.
        Recovery at5 = rig.awaitValue(r -> r.log().recoverAt(5));
        assertThat(at5.snapshot()).get().extracting(Snapshot::seq).isEqualTo(5L);
        assertThat(at5.entries()).isEmpty();
        assertThat(at5.retained()).isEmpty();
        assertThat(rig.await(r -> r.log().recoverAt(4)).failure())
                .hasMessageContaining("the oldest recoverable batch is 5");
        assertThat(rig.awaitValue(r -> r.log().recoverAt(0)).snapshot()).as("the empty state needs nothing").isEmpty();
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertThat(r.snapshot()).get().extracting(Snapshot::seq).isEqualTo(5L);
        assertThat(r.entries()).isEmpty();
        assertThat(r.retained()).isEmpty();
        rig.awaitValue(x -> x.log().append(LogRig.entry(6, x.world.clock().wallMillis())));
        rig.crashAndRestart();
        assertThat(rig.recover().entries()).extracting(LogEntry::seq).containsExactly(6L);
        assertThat(files(rig)).containsExactly("meta", seg(6), snap(5));
    }

    @Test
    void aSnapshotThatDropsNothingKeepsEveryHandleItDidNotOpen() {
        LogRig rig = new LogRig(33, DiskFaultConfig.none(), LogOptions.defaults());
        rig.recover();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, r.world.clock().wallMillis())));
        rig.awaitValue(r -> r.log().append(LogRig.entry(2, r.world.clock().wallMillis())));
        int before = rig.device.openHandles();
        assertThat(before).as("meta and segment 1 (batches 1 and 2, so no snapshot of 1 drops it)").isEqualTo(2);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(1, 0, new byte[] {1})));
        assertThat(rig.device.openHandles()).as("the snapshot's temporary file was closed").isEqualTo(before);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(1, 0, new byte[] {1, 1})));
        assertThat(rig.device.openHandles()).isEqualTo(before);
        rig.<Void>awaitValue(r -> r.log().destroy());
        assertThat(rig.device.openHandles()).as("destroy closes everything").isZero();
        assertThat(files(rig)).as("every file deleted").isEmpty();
        rig.crashAndRestart();
        assertThat(rig.device.durableImage().keySet()).as("durably: only the directories stay")
                .containsExactly("objects/", "objects/" + LogRig.NS + "/", rig.objectDir() + "/");
        assertThat(rig.labels("log-destroy")).containsExactly("id=" + LogRig.ID.hex() + " done=true");
    }
}
