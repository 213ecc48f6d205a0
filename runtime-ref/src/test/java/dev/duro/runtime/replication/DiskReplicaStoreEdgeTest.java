package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskFile;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogOptions;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.node.SimulatedNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.duro.runtime.replication.ReplicaRig.entries;
import static dev.duro.runtime.replication.ReplicaRig.entry;
import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DiskReplicaStore} and {@link DiskReplicaLog} at the edges: a start that cannot write its
 * marker, state files refused on a full disk or failing to sync, files in the state directory that
 * are not what their name says, and calls queued behind a refused one.
 */
class DiskReplicaStoreEdgeTest {
    private static final ObjectId BOB = ReplicaRig.id(2, "bob");

    private static ReplicaRig rig(long seed) {
        return new ReplicaRig(seed, DiskFaultConfig.none(), LogOptions.defaults());
    }

    /** Writes {@code bytes} durably at {@code path} (a file the store did not write). */
    private static void plant(ReplicaRig rig, String path, byte[] bytes) {
        rig.awaitValue(r -> {
            Disk disk = r.world.disk();
            String dir = path.substring(0, path.lastIndexOf('/'));
            disk.createDirectories(dir);
            DiskFile f = disk.open(path, true);
            f.write(0, bytes, 0, bytes.length);
            return f.sync().flatMap(v -> {
                f.close();
                return disk.syncDirectory(dir);
            });
        });
    }

    /** Whether {@code path} exists now (synced or not). */
    private static boolean exists(ReplicaRig rig, String path) {
        return rig.awaitValue(r -> Promise.succeeded(r.world.loop(), r.world.disk().exists(path)));
    }

    /** A second store started on the rig's node, with the node marker gone (as on a first boot). */
    private static DiskReplicaStore startAgainWithoutMarker(ReplicaRig rig, boolean full, int failingSyncs) {
        List<DiskReplicaStore> started = new ArrayList<>();
        rig.world.loop().execute(() -> {
            rig.world.disk().delete(DiskReplicaStore.MARKER);
            rig.device.setFull(full);
            rig.device.failNextSyncs(failingSyncs);
            started.add(new DiskReplicaStore(rig.world, rig.options, true));
        });
        rig.runMillis(20);
        return started.getFirst();
    }

    // ------------------------------------------------------------------ start

    @Test
    void aFirstBootOnAFullDiskFailsUnavailableWithoutExit() {
        ReplicaRig rig = rig(91);
        DiskReplicaStore store = startAgainWithoutMarker(rig, true, 0);
        assertThat(store.ready().isFailed()).isTrue();
        assertThat(store.ready().failure()).isInstanceOfSatisfying(DuroException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("disk full");
        });
        assertThat(rig.node.isUp()).isTrue();
        assertThat(store.initialized()).isFalse();
    }

    @Test
    void aFailedSyncOfTheNodeMarkerAtStartExits() {
        ReplicaRig rig = rig(92);
        DiskReplicaStore store = startAgainWithoutMarker(rig, false, 1);
        assertThat(rig.labels("repl-store-start-failed")).containsExactly("fail-stop=exit");
        assertThat(rig.node.isUp()).isFalse();
        assertThat(store.ready().failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the replica store could not start");
    }

    @Test
    void aRestartLeavesNoFileOpen() {
        ReplicaRig rig = rig(93);
        rig.crashAndRestart();
        rig.runMillis(10);
        assertThat(rig.store.initialized()).isTrue();
        assertThat(rig.device.openHandles()).as("the marker's sync handle closed").isZero();
    }

    // ------------------------------------------------------------------ state files

    @Test
    void aPromiseRefusedOnAFullDiskLeavesNoTemporaryFileOrHandleAndSaysSo() {
        ReplicaRig rig = rig(94);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 2)));
        rig.runMillis(10);
        int handles = rig.device.openHandles();
        rig.device.setFull(true);
        Promise<Void> refused = rig.await(r -> r.replica().promise(epoch(2)));
        assertThat(refused.failure()).isInstanceOf(DuroException.class);
        assertThat(rig.device.openHandles()).isEqualTo(handles);
        String tmp = ReplicaRig.statePath(ReplicaRig.ID) + DiskReplicaStore.TMP_SUFFIX;
        assertThat(exists(rig, tmp)).isFalse();
        assertThat(rig.labels("repl-no-space")).containsExactly("id=" + ReplicaRig.ID.hex() + " file=state");
    }

    @Test
    void aFailedSyncOfAStateFileIsRecordedAsAFailStop() {
        ReplicaRig rig = rig(95);
        rig.load();
        rig.device.failNextSyncs(1);
        rig.world.loop().execute(() -> rig.replica().promise(epoch(2)));
        rig.runMillis(5);
        assertThat(rig.labels("repl-state-sync-failed")).containsExactly("fail-stop=exit");
    }

    // ------------------------------------------------------------------ strangers in the state directory

    @Test
    void aStateFileCopiedToAnotherObjectsPathIsRefusedOnLoadAndListedWithoutItsName() {
        ReplicaRig rig = rig(96);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 1)));
        plant(rig, ReplicaRig.statePath(BOB), rig.device.durableImage().get(ReplicaRig.statePath(ReplicaRig.ID)));
        Promise<ReplicaState> load = rig.await(r -> r.store.open(ReplicaRig.NS, BOB).load());
        assertThat(load.failure()).hasMessageContaining("belongs to object " + ReplicaRig.ID.hex());
        List<ObjectId> listed = rig.awaitValue(r -> r.store.list(ReplicaRig.NS));
        assertThat(listed).containsExactly(ReplicaRig.ID, BOB);
        assertThat(listed.get(1).name()).as("the name in the file is alice's").isEmpty();
    }

    @Test
    void listSkipsStrangersAndReadsEveryHexDigit() {
        ReplicaRig rig = rig(97);
        byte[] bytes = new byte[ObjectId.BYTES];
        bytes[0] = (byte) 0x9a;
        bytes[1] = (byte) 0xfe;
        ObjectId digits = ObjectId.of(bytes, "digits");
        installOne(rig, digits);
        plant(rig, DiskReplicaStore.stateDir(ReplicaRig.NS) + "/" + "z".repeat(ObjectId.BYTES * 2), new byte[] {1});
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(ReplicaRig.NS))).containsExactly(digits);
    }

    // ------------------------------------------------------------------ the call queue

    @Test
    void aPromiseQueuedBehindARefusedAppendNeverReachesTheDisk() {
        ReplicaRig rig = rig(98);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 2)));
        List<Promise<Void>> calls = new ArrayList<>();
        rig.world.loop().execute(() -> {
            rig.device.setFull(true);
            calls.add(rig.replica().append(epoch(1), entry(3)));
            rig.device.setFull(false);
            calls.add(rig.replica().promise(epoch(5)));
        });
        rig.runMillis(100);
        assertThat(calls.get(1).failure()).hasMessageContaining("not run: a call queued before it failed");
        rig.crashAndRestart();
        assertThat(rig.load().promised()).isEqualTo(epoch(1));
    }

    /** Appends {@code from..to} in one burst and returns the log file syncs they took (not counting state files). */
    private static long logSyncsFor(ReplicaRig rig, long from, long to) {
        int before = rig.labels("disk-sync").size();
        rig.awaitValue(r -> {
            List<Promise<Void>> all = new ArrayList<>();
            for (long seq = from; seq <= to; seq++) all.add(r.replica().append(epoch(1), entry(seq)));
            return Promise.all(r.world.loop(), all);
        });
        List<String> syncs = rig.labels("disk-sync");
        return syncs.subList(before, syncs.size()).stream().filter(d -> !d.contains("/state/")).count();
    }

    @Test
    void everyBurstOfPipelinedAppendsSharesGroupCommitsNotOnlyTheFirst() {
        ReplicaRig rig = rig(99);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 1)));
        assertThat(logSyncsFor(rig, 2, 11)).isLessThanOrEqualTo(3);
        assertThat(logSyncsFor(rig, 12, 21)).as("the second burst").isLessThanOrEqualTo(3);
    }

    @Test
    void anAppendCompletesSoonAfterItsLogSyncWithoutFaultPoints() {
        ReplicaRig rig = rig(100);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 1)));
        long start = rig.sim.nowNanos();
        rig.awaitValue(r -> r.replica().append(epoch(1), entry(2)));
        assertThat(rig.sim.nowNanos() - start).as("no 20 ms pause before the floor write").isLessThan(20_000_000L);
        assertThat(rig.labels("log-release")).as("no eager release either").isEmpty();
    }

    /**
     * A crash after the log made a batch durable but before the state file's floor covered it: the
     * next load finds the batch past the floor and vouches for it (writes the floor) before it
     * answers, so a resent append acknowledged from that state is covered.
     */
    @Test
    void aLoadVouchesForDurableBatchesPastTheFloor() {
        ReplicaRig rig = rig(101);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 2)));
        String tmp = ReplicaRig.statePath(ReplicaRig.ID) + DiskReplicaStore.TMP_SUFFIX;
        rig.world.loop().execute(() -> rig.replica().append(epoch(1), entry(3)));
        rig.stepUntil(() -> rig.world.disk().exists(tmp)); // batch 3 is durable; its floor write just began
        rig.crashAndRestart();
        assertThat(floor(rig)).as("the floor on disk after the crash").isEqualTo(2);
        assertThat(rig.load().lastSeq()).isEqualTo(3);
        assertThat(floor(rig)).as("vouched by the load").isEqualTo(3);
    }

    private static long floor(ReplicaRig rig) {
        return ReplicaFormat.decode(rig.device.durableImage().get(ReplicaRig.statePath(ReplicaRig.ID))).orElseThrow().seqFloor();
    }

    /**
     * The planted bug acknowledges state writes before their sync; the sync still follows, closes
     * its file and fail-stops if it fails.
     */
    @Test
    void ackBeforeFsyncPlantedStillSyncsInTheBackgroundAndFailStopsWhenThatFails() {
        LogOptions planted = LogOptions.defaults().withPlantedBugs(Set.of(PlantedBug.LOG_ACK_BEFORE_FSYNC));
        ReplicaRig rig = new ReplicaRig(102, DiskFaultConfig.none(), planted);
        rig.load();
        rig.awaitValue(r -> r.replica().promise(epoch(1)));
        assertThat(exists(rig, ReplicaRig.statePath(ReplicaRig.ID))).as("renamed at once").isTrue();
        rig.runMillis(10);
        assertThat(rig.device.openHandles()).as("the background sync closed the file").isZero();
        assertThat(rig.node.isUp()).isTrue();
        assertThat(rig.device.durableImage()).containsKey(ReplicaRig.statePath(ReplicaRig.ID));

        rig.device.failNextSyncs(1);
        rig.world.loop().execute(() -> rig.replica().promise(epoch(2)));
        rig.runMillis(10);
        assertThat(rig.labels("repl-state-sync-failed")).containsExactly("fail-stop=exit");
        assertThat(rig.node.isUp()).isFalse();
    }

    @Test
    void anUnknownObjectLoadedOnceIsNotReadAgainByItsNextCalls() {
        ReplicaRig rig = rig(103);
        rig.load();
        rig.awaitValue(r -> r.replica().promise(epoch(1)));
        rig.awaitValue(r -> r.replica().promise(epoch(2)));
        assertThat(rig.labels("log-recover")).as("no reload: the promises wrote the state it knew").isEmpty();
    }

    /**
     * The log made the batch durable; the state file's floor write then finds the disk full: the
     * append fails UNAVAILABLE, not as a bug.
     */
    @Test
    void anAppendWhoseFloorWriteFindsTheDiskFullFailsUnavailable() {
        ReplicaRig rig = rig(104);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 2)));
        int syncs = rig.labels("disk-sync").size();
        List<Promise<Void>> append = new ArrayList<>();
        rig.world.loop().execute(() -> append.add(rig.replica().append(epoch(1), entry(3))));
        rig.stepUntil(() -> rig.labels("disk-sync").size() > syncs); // the log's sync
        rig.device.setFull(true);
        rig.runMillis(10);
        assertThat(append.getFirst().failure()).isInstanceOfSatisfying(DuroException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(rig.node.isUp()).isTrue();
    }

    private static void installOne(ReplicaRig rig, ObjectId id) {
        rig.awaitValue(r -> r.store.open(ReplicaRig.NS, id).install(epoch(1), Optional.empty(), entries(1, 1)));
    }

    /**
     * A crash left a long .tmp beside the state file: the next state write replaces it whole, not
     * only its first bytes.
     */
    @Test
    void aStaleTemporaryStateFileDoesNotLeakIntoTheNextOne() {
        ReplicaRig rig = rig(105);
        plant(rig, ReplicaRig.statePath(ReplicaRig.ID) + DiskReplicaStore.TMP_SUFFIX, new byte[4_096]);
        rig.awaitValue(r -> r.replica().promise(epoch(3)));
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).as("damaged: %s", state.damage()).isFalse();
        assertThat(state.promised()).isEqualTo(epoch(3));
    }

    @Test
    void aReleaseOfAReplicaNeverLoadedLeavesItUsable() {
        ReplicaRig rig = rig(106);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 2)));
        rig.crashAndRestart();
        rig.world.loop().execute(() -> ((DiskReplicaLog) rig.replica()).releaseNow());
        rig.runMillis(1);
        assertThat(rig.load().lastSeq()).isEqualTo(2);
    }

    /** Past the cap the replica its server forgot closes first, though another was used before it. */
    @Test
    void pastTheCapTheForgottenReplicaClosesNotTheLeastRecentlyUsedOne() {
        ReplicaRig rig = rig(107);
        rig.store.maxOpen = 2;
        ObjectId a = ReplicaRig.id(11, "a");
        ObjectId b = ReplicaRig.id(12, "b");
        for (ObjectId id : List.of(a, b)) installOne(rig, id);
        rig.world.loop().execute(() -> rig.store.open(ReplicaRig.NS, b).releaseHandles());
        int released = rig.labels("log-release").size();
        installOne(rig, ReplicaRig.id(13, "c"));
        List<String> releases = rig.labels("log-release");
        assertThat(releases.subList(released, releases.size())).isNotEmpty().allMatch(d -> d.startsWith("id=" + b.hex()));
    }

    /**
     * With every fault point firing, the replica logs' own ones take effect: a slow promise sync,
     * an eager release before a call.
     */
    @Test
    void theReplicaLogsOwnFaultPointsTakeEffectWhenTheyFire() {
        SimulatedNode.FaultPointSettings always = new SimulatedNode.FaultPointSettings(true, 108, 1.0, 1.0);
        ReplicaRig rig = new ReplicaRig(Simulation.Options.seed(108).withFaultPoints(always), DiskFaultConfig.none(),
                LogOptions.defaults(), true);
        rig.awaitValue(r -> r.replica().install(epoch(1), Optional.empty(), entries(1, 2)));
        int released = rig.labels("log-release").size();
        long start = rig.sim.nowNanos();
        rig.awaitValue(r -> r.replica().promise(epoch(2)));
        assertThat(rig.sim.nowNanos() - start).as("repl-promise-sync-slow").isGreaterThanOrEqualTo(150_000_000L);
        assertThat(rig.labels("log-release").size()).as("repl-release-eager released the idle replica first").isGreaterThan(released);
        assertThat(rig.load().promised()).isEqualTo(epoch(2));
    }
}
