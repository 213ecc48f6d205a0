package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.LogOptions;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.duro.runtime.replication.ReplicaRig.entries;
import static dev.duro.runtime.replication.ReplicaRig.entry;
import static dev.duro.runtime.replication.ReplicaRig.epoch;
import static org.assertj.core.api.Assertions.assertThat;

class DiskReplicaStoreTest {
    private static final DiskFaultConfig NO_FAULTS = DiskFaultConfig.none();

    private static ReplicaRig rig(long seed) {
        return new ReplicaRig(seed, NO_FAULTS, LogOptions.defaults());
    }

    private static void install(ReplicaRig rig, long round, Optional<Snapshot> snapshot, List<LogEntry> entries) {
        rig.awaitValue(r -> r.replica().install(epoch(round), snapshot, entries));
    }

    private static void append(ReplicaRig rig, long round, long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            long s = seq;
            rig.awaitValue(r -> r.replica().append(epoch(round), entry(s)));
        }
    }

    private static void assertLog(ReplicaState state, Epoch logEpoch, long from, long to) {
        assertThat(state.damaged()).as("damaged: %s", state.damage()).isFalse();
        assertThat(state.logEpoch()).isEqualTo(logEpoch);
        List<Long> seqs = new ArrayList<>();
        for (long s = from; s <= to; s++) seqs.add(s);
        assertThat(state.entries()).extracting(LogEntry::seq).containsExactlyElementsOf(seqs);
        for (LogEntry e : state.entries()) {
            assertThat(e.payload()).isEqualTo(ReplicaRig.payload(e.seq()));
            assertThat(e.wallMillis()).isEqualTo(1_000 + e.seq());
        }
    }

    private static Throwable failure(Promise<?> p) {
        assertThat(p.isFailed()).as("failed").isTrue();
        return p.failure();
    }

    /** Bytes of record {@code seq} in a segment starting at batch {@code first} (40 bytes of framing per record). */
    private static long recordOffset(long first, long seq) {
        long offset = 0;
        for (long s = first; s < seq; s++) offset += 40 + ReplicaRig.payload(s).length;
        return offset;
    }

    // ---------------------------------------------------------------------------------------------
    // round trips

    @Test
    void anUnknownObjectLoadsEmptyAndCreatesNothingButTheNodeMarker() {
        ReplicaRig rig = rig(1);
        assertThat(rig.load()).isEqualTo(ReplicaState.empty());
        assertThat(rig.device.durableImage().keySet()).containsExactly("replicas/", "replicas/node.marker");
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(ReplicaRig.NS))).isEmpty();
        rig.crashAndRestart();
        assertThat(rig.load()).isEqualTo(ReplicaState.empty());
        assertThat(rig.labels("repl-damaged")).isEmpty();
        assertThat(rig.store.rejoined()).isFalse();
    }

    @Test
    void aReleasedReplicaClosesItsHandlesAndTheNextCallReloadsItFromDisk() {
        ReplicaRig rig = rig(21);
        install(rig, 2, Optional.empty(), List.of(entry(1), entry(2)));
        append(rig, 2, 3, 5);
        int open = rig.device.openHandles();
        assertThat(open).as("the log's segment and meta are open").isPositive();
        rig.awaitValue(r -> {
            ((DiskReplicaLog) r.replica()).releaseNow();
            return Promise.succeeded(r.world.loop(), true);
        });
        rig.runMillis(10);
        assertThat(rig.device.openHandles()).as("every handle of the idle replica closed").isZero();
        append(rig, 2, 6, 6); // reloads first, then appends
        assertLog(rig.load(), epoch(2), 1, 6);
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(2), 1, 6);
    }

    @Test
    void pastTheCapTheLeastRecentlyUsedQuietReplicasCloseTheirFilesIdleOnesFirst() {
        ReplicaRig rig = rig(23);
        rig.store.maxOpen = 2;
        List<ObjectId> ids = List.of(ReplicaRig.id(11, "a"), ReplicaRig.id(12, "b"), ReplicaRig.id(13, "c"));
        install(rig, ids.get(0));
        install(rig, ids.get(1));
        int two = rig.device.openHandles();
        rig.awaitValue(r -> { // b goes idle: first in line, though a was used before it
            r.store.open(ReplicaRig.NS, ids.get(1)).releaseHandles();
            return Promise.succeeded(r.world.loop(), true);
        });
        install(rig, ids.get(2)); // a third replica passes the cap of 2: b closes, a stays open
        rig.runMillis(10);
        assertThat(rig.store.openReplicas()).isEqualTo(2);
        assertThat(rig.device.openHandles()).as("b's files closed, c's opened").isEqualTo(two);
        ReplicaState b = rig.awaitValue(r -> r.store.open(ReplicaRig.NS, ids.get(1)).load()); // reloads from disk
        assertThat(b.entries()).extracting(LogEntry::seq).containsExactly(1L);
        assertThat(rig.store.openReplicas()).as("b in again, the least recently used (a) out").isEqualTo(2);
    }

    private static void install(ReplicaRig rig, ObjectId id) {
        rig.awaitValue(r -> r.store.open(ReplicaRig.NS, id).install(epoch(2), Optional.empty(), List.of(entry(1))));
    }

    @Test
    void aReleaseQueuedBehindAnAppendWaitsForIt() {
        ReplicaRig rig = rig(22);
        install(rig, 2, Optional.empty(), List.of(entry(1)));
        Promise<Void> appended = rig.await(r -> {
            Promise<Void> a = r.replica().append(epoch(2), entry(2));
            ((DiskReplicaLog) r.replica()).releaseNow(); // queued behind the append: runs once it is durable
            return a;
        });
        assertThat(appended.isSucceeded()).as("the append completed: %s", appended).isTrue();
        rig.runMillis(10);
        assertThat(rig.device.openHandles()).as("released after the append").isZero();
        assertLog(rig.load(), epoch(2), 1, 2);
    }

    @Test
    void promiseInstallAppendAndSnapshotSurviveCrashRestart() {
        ReplicaRig rig = rig(2);
        rig.awaitValue(r -> r.replica().promise(epoch(3)));
        rig.crashAndRestart();
        ReplicaState promised = rig.load();
        assertThat(promised.promised()).isEqualTo(epoch(3));
        assertThat(promised.logEpoch()).isEqualTo(Epoch.ZERO);
        assertThat(promised.damaged()).isFalse();

        install(rig, 3, Optional.empty(), entries(1, 5));
        append(rig, 3, 6, 12);
        assertLog(rig.load(), epoch(3), 1, 12);
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertLog(state, epoch(3), 1, 12);
        assertThat(state.promised()).isEqualTo(epoch(3));
        assertThat(state.lastSeq()).isEqualTo(12);

        rig.awaitValue(r -> r.replica().snapshot(new Snapshot(10, 1_010, new byte[] {10})));
        append(rig, 3, 13, 14);
        rig.crashAndRestart();
        state = rig.load();
        assertThat(state.snapshot()).get().extracting(Snapshot::seq).isEqualTo(10L);
        assertThat(state.snapshot().get().image()).containsExactly(10);
        assertLog(state, epoch(3), 11, 14);
        Recovery at7 = rig.awaitValue(r -> r.replica().recoverAt(7));
        assertThat(at7.snapshot()).isEmpty();
        assertThat(at7.entries()).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);

        rig.awaitValue(r -> r.replica().promise(epoch(4)));
        rig.crashAndRestart();
        state = rig.load();
        assertThat(state.promised()).isEqualTo(epoch(4));
        assertLog(state, epoch(3), 11, 14); // a promise does not change the log epoch
        assertThat(rig.labels("repl-damaged")).isEmpty();
    }

    @Test
    void callsMadeBeforeLoadLoadFirst() {
        ReplicaRig rig = rig(3);
        install(rig, 1, Optional.empty(), entries(1, 2));
        rig.crashAndRestart();
        append(rig, 1, 3, 3); // no load() in this incarnation
        rig.crashAndRestart();
        rig.awaitValue(r -> r.replica().snapshot(new Snapshot(3, 0, new byte[0])));
        assertThat(rig.load().lastSeq()).isEqualTo(3);
    }

    @Test
    void pipelinedAppendsShareOneGroupCommitAndCompleteInOrder() {
        ReplicaRig rig = rig(4);
        install(rig, 1, Optional.empty(), entries(1, 1));
        rig.load();
        int syncsBefore = rig.labels("disk-sync").size();
        List<Long> completed = new ArrayList<>();
        boolean[] doneAtOnce = {false};
        rig.awaitValue(r -> {
            List<Promise<Void>> all = new ArrayList<>();
            for (long seq = 2; seq <= 21; seq++) {
                long s = seq;
                Promise<Void> p = r.replica().append(epoch(1), entry(s));
                p.onSuccess(v -> completed.add(s));
                all.add(p);
            }
            for (Promise<Void> p : all) doneAtOnce[0] |= p.isDone();
            return Promise.all(r.world.loop(), all);
        });
        assertThat(doneAtOnce[0]).as("no append completes before its fsync").isFalse();
        assertThat(completed).hasSize(20).isSorted();
        List<String> syncs = rig.labels("disk-sync").subList(syncsBefore, rig.labels("disk-sync").size());
        long stateSyncs = syncs.stream().filter(d -> d.contains("/state/")).count();
        assertThat(syncs.size() - stateSyncs).as("log file syncs for 20 appends: %s", syncs).isLessThanOrEqualTo(3);
        // Each append waits until the state file vouches for it; the vouches are group-committed too.
        assertThat(stateSyncs).as("state file syncs for 20 appends: %s", syncs).isBetween(1L, 2L);
        assertLog(rig.load(), epoch(1), 1, 21);
    }

    // ---------------------------------------------------------------------------------------------
    // guards

    @Test
    void aPromiseOnlyGoesUp() {
        ReplicaRig rig = rig(5);
        rig.awaitValue(r -> r.replica().promise(epoch(5)));
        assertThat(failure(rig.await(r -> r.replica().promise(epoch(4))))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("promised " + epoch(5) + " already");
        assertThat(failure(rig.await(r -> r.replica().promise(epoch(5))))).isInstanceOf(IllegalStateException.class);
        rig.crashAndRestart();
        assertThat(rig.load().promised()).isEqualTo(epoch(5));
    }

    @Test
    void appendsAreRefusedUnderAnotherEpochOutOfSequenceOrBeforeAnyInstall() {
        ReplicaRig rig = rig(6);
        assertThat(failure(rig.await(r -> r.replica().append(Epoch.ZERO, entry(1))))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an owner installs before it appends");
        assertThat(failure(rig.await(r -> r.replica().append(epoch(1), entry(1))))).isInstanceOf(IllegalStateException.class);
        install(rig, 2, Optional.empty(), entries(1, 3));
        assertThat(failure(rig.await(r -> r.replica().append(epoch(1), entry(4))))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("its log epoch is " + epoch(2));
        assertThat(failure(rig.await(r -> r.replica().append(epoch(3), entry(4))))).isInstanceOf(IllegalStateException.class);
        assertThat(failure(rig.await(r -> r.replica().append(epoch(2), entry(5))))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the next batch is 4");
        assertThat(failure(rig.await(r -> r.replica().append(epoch(2), entry(3))))).isInstanceOf(IllegalStateException.class);
        append(rig, 2, 4, 4);
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(2), 1, 4);
    }

    @Test
    void installRefusesMalformedLogsWithoutTouchingAnything() {
        ReplicaRig rig = rig(7);
        install(rig, 3, Optional.empty(), entries(1, 3));
        assertThat(failure(rig.await(r -> r.replica().install(epoch(4), Optional.empty(), entries(2, 3)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 1");
        assertThat(failure(rig.await(r -> r.replica().install(epoch(4), Optional.of(new Snapshot(5, 0, new byte[0])),
                entries(7, 8))))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 6");
        assertThat(failure(rig.await(r -> r.replica().install(Epoch.ZERO, Optional.empty(), List.of()))))
                .isInstanceOf(IllegalStateException.class);
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(3), 1, 3);
    }

    @Test
    void anInstallUnderAnOlderEpochIsTheProtocolsToFenceButNeverLowersThePromise() {
        ReplicaRig rig = rig(25);
        install(rig, 3, Optional.empty(), entries(1, 3));
        install(rig, 2, Optional.empty(), entries(1, 1)); // only a protocol with STALE_EPOCH planted sends this
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertLog(state, epoch(2), 1, 1);
        assertThat(state.promised()).isEqualTo(epoch(3));
    }

    @Test
    void snapshotAndRecoverAtNeedAnInstalledLog() {
        ReplicaRig rig = rig(8);
        assertThat(failure(rig.await(r -> r.replica().snapshot(new Snapshot(0, 0, new byte[0])))))
                .hasMessageContaining("holds no installed log");
        assertThat(failure(rig.await(r -> r.replica().recoverAt(0)))).hasMessageContaining("holds no installed log");
    }

    // ---------------------------------------------------------------------------------------------
    // install

    @Test
    void installReplacesTheWholeLogAndStartsFromItsSnapshot() {
        ReplicaRig rig = rig(9);
        install(rig, 1, Optional.empty(), entries(1, 10));
        rig.awaitValue(r -> r.replica().snapshot(new Snapshot(4, 0, new byte[] {4})));
        install(rig, 2, Optional.of(new Snapshot(20, 7, new byte[] {20, 20})), entries(21, 23));
        ReplicaState state = rig.load();
        assertThat(state.snapshot()).get().extracting(Snapshot::seq).isEqualTo(20L);
        assertLog(state, epoch(2), 21, 23);
        assertThat(state.promised()).isEqualTo(epoch(2));
        append(rig, 2, 24, 25);
        rig.crashAndRestart();
        state = rig.load();
        assertThat(state.snapshot().get().image()).containsExactly(20, 20);
        assertLog(state, epoch(2), 21, 25);
        assertThat(rig.device.durableImage().keySet()).filteredOn(p -> p.startsWith(DiskReplicaStore.LOGS)) // both generations' trees
                .as("nothing of the old log is left")
                .noneMatch(p -> p.endsWith("seg-00000000000000000001") || p.endsWith("snap-00000000000000000004"));

        // An install of only a snapshot, and an install of nothing.
        install(rig, 3, Optional.of(new Snapshot(30, 0, new byte[] {3})), List.of());
        rig.crashAndRestart();
        state = rig.load();
        assertThat(state.lastSeq()).isEqualTo(30);
        assertThat(state.entries()).isEmpty();
        append(rig, 3, 31, 31);
        install(rig, 4, Optional.empty(), List.of());
        rig.crashAndRestart();
        state = rig.load();
        assertThat(state.lastSeq()).isZero();
        assertThat(state.logEpoch()).isEqualTo(epoch(4));
        assertThat(state.damaged()).isFalse();
    }

    @Test
    void installKeepsANewerPromiseAndTheSameOwnerMayReinstall() {
        ReplicaRig rig = rig(10);
        rig.awaitValue(r -> r.replica().promise(epoch(5)));
        install(rig, 3, Optional.empty(), entries(1, 2));
        ReplicaState state = rig.load();
        assertThat(state.promised()).isEqualTo(epoch(5));
        assertThat(state.logEpoch()).isEqualTo(epoch(3));
        append(rig, 3, 3, 3); // the store guards the log epoch; fencing by the promise is the protocol's check
        install(rig, 3, Optional.empty(), entries(1, 4));
        rig.crashAndRestart();
        state = rig.load();
        assertLog(state, epoch(3), 1, 4);
        assertThat(state.promised()).isEqualTo(epoch(5));
    }

    @Test
    void anInstallCutByACrashLeavesTheOldLogAndTheNextInstallClearsWhatItWrote() {
        ReplicaRig rig = rig(11);
        install(rig, 1, Optional.empty(), entries(1, 5));
        String oldDir = rig.logDir(ReplicaRig.ID);
        String asideDir = DiskReplicaStore.logRoot(2) + "/" + ReplicaRig.NS + "/" + ReplicaRig.ID.hex();
        assertThat(asideDir).isNotEqualTo(oldDir);
        rig.world.loop().execute(() -> rig.replica().install(epoch(2), Optional.empty(), entries(1, 40)));
        // Run until part of the new log is durable beside the old one, then crash.
        rig.stepUntil(() -> rig.device.durableImage().keySet().stream().anyMatch(p -> p.startsWith(asideDir + "/seg-")));
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertLog(state, epoch(1), 1, 5);
        assertThat(state.promised()).as("the install's promise comes with its switch").isEqualTo(epoch(1));
        assertThat(rig.labels("repl-damaged")).isEmpty();
        append(rig, 1, 6, 6);
        // The next install writes its log where the cut one left its garbage, and switches.
        install(rig, 2, Optional.empty(), entries(1, 3));
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(2), 1, 3);
        assertThat(rig.logDir(ReplicaRig.ID)).isEqualTo(asideDir);
        assertThat(rig.device.durableImage().keySet()).as("the old generation is deleted after the switch")
                .noneMatch(p -> p.startsWith(oldDir + "/seg-"));
    }

    @Test
    void aCrashRightAfterTheSwitchLeavesTheNewLog() {
        ReplicaRig rig = rig(12);
        install(rig, 1, Optional.empty(), entries(1, 5));
        rig.world.loop().execute(() -> rig.replica().install(epoch(2), Optional.empty(), entries(1, 7)));
        String state = ReplicaRig.statePath(ReplicaRig.ID);
        rig.stepUntil(() -> {
            byte[] bytes = rig.device.durableImage().get(state);
            return bytes != null && ReplicaFormat.decode(bytes).map(ReplicaFormat.State::generation).orElse(0L) == 2;
        });
        rig.crashAndRestart();
        ReplicaState loaded = rig.load();
        assertLog(loaded, epoch(2), 1, 7);
        assertThat(loaded.promised()).isEqualTo(epoch(2));
    }

    @Test
    void aRelabelMovesTheLogToANewerEpochWithOneStateWrite() {
        ReplicaRig rig = rig(13);
        install(rig, 1, Optional.of(new Snapshot(2, 0, new byte[] {2})), entries(3, 5));
        String dir = rig.logDir(ReplicaRig.ID);
        var logFiles = rig.device.durableImage().keySet().stream().filter(p -> p.startsWith(DiskReplicaStore.LOGS)).toList();
        rig.awaitValue(r -> r.replica().relabel(epoch(1), epoch(3), 5));
        append(rig, 3, 6, 7);
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertLog(state, epoch(3), 3, 7);
        assertThat(state.snapshot()).get().extracting(Snapshot::seq).isEqualTo(2L);
        assertThat(state.promised()).isEqualTo(epoch(3));
        assertThat(rig.logDir(ReplicaRig.ID)).as("same generation: the log was not rewritten").isEqualTo(dir);
        assertThat(rig.device.durableImage().keySet()).containsAll(logFiles);
        // Guards: only from the current log epoch, only to a newer one; a newer promise stays.
        assertThat(failure(rig.await(r -> r.replica().relabel(epoch(1), epoch(4), 7)))).hasMessageContaining("its log epoch is");
        assertThat(failure(rig.await(r -> r.replica().relabel(epoch(3), epoch(2), 7)))).hasMessageContaining("cannot relabel");
        rig.awaitValue(r -> r.replica().promise(epoch(9)));
        rig.awaitValue(r -> r.replica().relabel(epoch(3), epoch(5), 7));
        rig.crashAndRestart();
        assertThat(rig.load().promised()).isEqualTo(epoch(9));
        assertThat(rig.load().logEpoch()).isEqualTo(epoch(5));
    }

    // ---------------------------------------------------------------------------------------------
    // damage

    @Test
    void aBitFlipInASyncedRecordLoadsDamagedAndAnInstallRepairsIt() {
        ReplicaRig rig = rig(12);
        install(rig, 1, Optional.empty(), entries(1, 1));
        append(rig, 1, 2, 20); // one at a time: each record says the ones before it were durable
        String segment = rig.logDir(ReplicaRig.ID) + "/seg-00000000000000000001";
        long at = recordOffset(1, 5);
        assertThat(rig.device.injectBitFlips(segment, at + 40, at + 41, 1)).hasSize(1);
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(state.damage()).contains("checksums").contains("batch 5 is damaged or missing");
        assertThat(state.entries()).isEmpty();
        assertThat(state.promised()).isEqualTo(epoch(1));
        assertThat(rig.labels("repl-damaged")).containsExactly("id=" + ReplicaRig.ID.hex() + " reason=log-corrupt");
        assertThat(rig.load().damaged()).as("still damaged on the next load").isTrue();
        assertThat(failure(rig.await(r -> r.replica().append(epoch(1), entry(21))))).hasMessageContaining("damaged");
        install(rig, 2, Optional.empty(), entries(1, 21));
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(2), 1, 21);
    }

    /**
     * Scheduler seed 212 (faults all): a replica acknowledged batches 1-2 (pipelined, so no record
     * vouches for another), its state file still vouched for nothing past the install, a bit flip
     * hit record 1, and recovery cut both like a torn tail: a healthy empty log that then voted an
     * acknowledged write away. An acknowledged batch must be vouched for before the answer.
     */
    @Test
    void aBitFlipInTheLastAcknowledgedBatchesLoadsDamagedNeverShorter() {
        ReplicaRig rig = rig(16);
        install(rig, 1, Optional.empty(), List.of());
        rig.awaitValue(r -> Promise.all(r.world.loop(),
                List.of(r.replica().append(epoch(1), entry(1)), r.replica().append(epoch(1), entry(2)))));
        String segment = rig.logDir(ReplicaRig.ID) + "/seg-00000000000000000001";
        assertThat(rig.device.injectBitFlips(segment, 45, 46, 1)).as("a flip in record 1's payload").hasSize(1);
        rig.crashAndRestart(); // at once: no idle time after the acknowledgements
        ReplicaState state = rig.load();
        assertThat(state.damaged()).as("acknowledged batches 1-2 came back as %d batches", state.entries().size()).isTrue();
        assertThat(state.damage()).contains("the log ends at batch 0 but held batch 2 durably");
        assertThat(rig.labels("repl-damaged")).containsExactly("id=" + ReplicaRig.ID.hex() + " reason=lost-synced-data");
    }

    @Test
    void withNoChecksumPlantedTheSameBitFlipIsServedAsValid() {
        ReplicaRig rig = new ReplicaRig(12, NO_FAULTS, LogOptions.defaults().withPlantedBugs(Set.of(PlantedBug.NO_CHECKSUM)));
        install(rig, 1, Optional.empty(), entries(1, 1));
        append(rig, 1, 2, 20);
        String segment = rig.logDir(ReplicaRig.ID) + "/seg-00000000000000000001";
        long at = recordOffset(1, 5);
        assertThat(rig.device.injectBitFlips(segment, at + 40, at + 41, 1)).hasSize(1);
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).as("the planted bug hides the damage").isFalse();
        assertThat(state.entries()).hasSize(20);
        assertThat(state.entries().get(4).payload()).as("batch 5 is served bit-flipped").isNotEqualTo(ReplicaRig.payload(5));
    }

    @Test
    void aBitFlipInASnapshotLoadsDamaged() {
        ReplicaRig rig = rig(13);
        install(rig, 1, Optional.of(new Snapshot(8, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})), entries(9, 10));
        String snapshot = rig.logDir(ReplicaRig.ID) + "/snap-00000000000000000008";
        assertThat(rig.device.injectBitFlips(snapshot, 30, 31, 1)).hasSize(1);
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(state.damage()).contains("snapshot 8 fails its checksum");
    }

    @Test
    void aCorruptStateFileLoadsDamagedWithAnUnknownPromise() {
        ReplicaRig rig = rig(14);
        install(rig, 4, Optional.empty(), entries(1, 3));
        assertThat(rig.device.injectBitFlips(ReplicaRig.statePath(ReplicaRig.ID), 10, 11, 1)).hasSize(1);
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(state.damage()).startsWith("the replica's state file is corrupt");
        assertThat(state.promised()).isEqualTo(Epoch.ZERO);
        assertThat(rig.labels("repl-damaged")).containsExactly("id=" + ReplicaRig.ID.hex() + " reason=state-corrupt");
        assertThat(failure(rig.await(r -> r.replica().append(epoch(4), entry(4))))).hasMessageContaining("damaged");
        assertThat(failure(rig.await(r -> r.replica().snapshot(new Snapshot(0, 0, new byte[0]))))).hasMessageContaining("damaged");
        assertThat(failure(rig.await(r -> r.replica().relabel(epoch(4), epoch(5), 0)))).hasMessageContaining("damaged");
        // Listed, so a sweep finds it; a promise keeps it damaged; an install repairs it.
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(ReplicaRig.NS))).containsExactly(ReplicaRig.ID);
        rig.awaitValue(r -> r.replica().promise(epoch(7)));
        rig.crashAndRestart();
        assertThat(rig.load().damage()).startsWith("the replica's state file is corrupt");
        install(rig, 7, Optional.empty(), entries(1, 1));
        assertLog(rig.load(), epoch(7), 1, 1);
    }

    @Test
    void lostSegmentsUnderAStateThatVouchesForThemLoadDamaged() {
        ReplicaRig rig = rig(15);
        install(rig, 1, Optional.empty(), entries(1, 6));
        rig.awaitValue(r -> r.replica().promise(epoch(2))); // records that batches through 6 were durable
        rig.deleteFilesUnder(rig.logDir(ReplicaRig.ID) + "/seg-");
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(state.damage()).contains("the log ends at batch 0 but held batch 6 durably");
        assertThat(rig.labels("repl-damaged")).containsExactly("id=" + ReplicaRig.ID.hex() + " reason=lost-synced-data");
    }

    @Test
    void aLogWithoutItsStateFileLoadsDamaged() {
        ReplicaRig rig = rig(16);
        install(rig, 1, Optional.empty(), entries(1, 2));
        rig.deleteFilesUnder(ReplicaRig.statePath(ReplicaRig.ID));
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(rig.labels("repl-damaged")).containsExactly("id=" + ReplicaRig.ID.hex() + " reason=state-missing");
    }

    // ---------------------------------------------------------------------------------------------
    // lost disk

    @Test
    void aNodeThatLostItsDiskLoadsEveryObjectDamagedUntilInstalled() {
        // A fresh device on a start that is not the first boot: the disk was lost or replaced.
        ReplicaRig rig = new ReplicaRig(Simulation.Options.seed(17), NO_FAULTS, LogOptions.defaults(), false);
        ObjectId other = ReplicaRig.id(2, "bob");
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(state.damage()).isEqualTo("this node lost its disk");
        assertThat(state.entries()).isEmpty();
        assertThat(rig.labels("repl-disk-lost")).hasSize(1);
        assertThat(rig.labels("repl-damaged")).containsExactly("id=" + ReplicaRig.ID.hex() + " reason=lost-disk");
        assertThat(rig.store.rejoined()).isTrue();
        assertThat(rig.device.durableImage()).containsKeys(DiskReplicaStore.MARKER, DiskReplicaStore.REJOINED);

        rig.crashAndRestart(); // an ordinary restart now (the marker is back), but nothing is trusted yet
        assertThat(rig.labels("repl-disk-lost")).hasSize(1);
        assertThat(rig.load().damaged()).isTrue();
        install(rig, 1, Optional.empty(), entries(1, 2));
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(1), 1, 2);
        ReplicaState bob = rig.awaitValue(r -> r.store.open(ReplicaRig.NS, other).load());
        assertThat(bob.damaged()).as("an object never installed since the loss").isTrue();
        assertThat(bob.damage()).isEqualTo("this node lost its disk");
    }

    @Test
    void aDiskWipedBetweenRestartsIsALostDisk() {
        ReplicaRig rig = rig(18);
        install(rig, 1, Optional.empty(), entries(1, 4));
        rig.deleteFilesUnder("replicas/");
        rig.crashAndRestart();
        ReplicaState state = rig.load();
        assertThat(state.damaged()).isTrue();
        assertThat(state.damage()).isEqualTo("this node lost its disk");
    }

    @Test
    void aFirstBootIsNotALostDisk() {
        ReplicaRig rig = rig(19);
        rig.load(); // the marker is durable once the store served a call
        rig.crashAndRestart();
        rig.crashAndRestart();
        assertThat(rig.load()).isEqualTo(ReplicaState.empty());
        assertThat(rig.labels("repl-disk-lost")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // list

    @Test
    void listNamesTheObjectsWithAReplicaInIdOrder() {
        ReplicaRig rig = rig(20);
        ObjectId a = ReplicaRig.id(1, "alice");
        ObjectId b = ReplicaRig.id(2, "bob");
        ObjectId c = ReplicaRig.id(3, null);
        ObjectId promiseOnly = ReplicaRig.id(4, "dave");
        for (ObjectId id : List.of(c, a, b)) {
            rig.awaitValue(r -> r.store.open(ReplicaRig.NS, id).install(epoch(1), Optional.empty(), entries(1, 1)));
        }
        rig.awaitValue(r -> r.store.open(ReplicaRig.NS, promiseOnly).promise(epoch(1)));
        rig.awaitValue(r -> r.store.open("OTHER ns/..", a).install(epoch(1), Optional.empty(), List.of()));
        rig.crashAndRestart();
        List<ObjectId> listed = rig.awaitValue(r -> r.store.list(ReplicaRig.NS));
        assertThat(listed).containsExactly(a, b, c);
        assertThat(listed.get(0).name()).contains("alice");
        assertThat(listed.get(2).name()).isEmpty();
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list("OTHER ns/.."))).containsExactly(a);
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list("NOBODY"))).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // disk faults and planted bugs

    @Test
    void aFullDiskFailsTheCallClearlyWithoutExitAndChangesNothing() {
        ReplicaRig rig = rig(21);
        install(rig, 1, Optional.empty(), entries(1, 3));
        rig.device.setFull(true);
        Throwable promise = failure(rig.await(r -> r.replica().promise(epoch(2))));
        assertThat(promise).isInstanceOf(DuroException.class).hasMessageContaining("disk full");
        assertThat(((DuroException) promise).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        Throwable append = failure(rig.await(r -> r.replica().append(epoch(1), entry(4))));
        assertThat(((DuroException) append).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        Throwable install = failure(rig.await(r -> r.replica().install(epoch(3), Optional.empty(), entries(1, 9))));
        assertThat(((DuroException) install).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(rig.node.isUp()).isTrue();
        assertThat(rig.labels("exit")).isEmpty();
        rig.device.setFull(false);
        ReplicaState state = rig.load();
        assertLog(state, epoch(1), 1, 3);
        assertThat(state.promised()).isEqualTo(epoch(1));
        append(rig, 1, 4, 4); // the refused batch again, after the log re-read itself
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(1), 1, 4);
    }

    @Test
    void aRelabelRefusesALogThatDoesNotEndAtTheAdoptedBatch() {
        ReplicaRig rig = rig(25);
        install(rig, 1, Optional.empty(), entries(1, 2));
        assertThat(failure(rig.await(r -> r.replica().relabel(epoch(1), epoch(3), 6))))
                .hasMessageContaining("it ends at batch 2, but 3.0.20 adopted 1.1.18's log through batch 6");
        assertThat(failure(rig.await(r -> r.replica().relabel(epoch(1), epoch(3), 1)))).hasMessageContaining("it ends at batch 2");
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(1), 1, 2);
        rig.awaitValue(r -> r.replica().relabel(epoch(1), epoch(3), 2));
        assertLog(rig.load(), epoch(3), 1, 2);
    }

    /** The writes an install that extends a log queues at once (ReplicaServer.extend): appends of the adopted batches, the relabel, the new owner's batch. */
    private static List<Promise<Void>> extend(ReplicaRig rig, boolean fullForTheFirst) {
        List<Promise<Void>> calls = new ArrayList<>();
        rig.awaitValue(r -> {
            ReplicaLog log = r.replica();
            r.device.setFull(fullForTheFirst);
            for (long seq = 3; seq <= 6; seq++) calls.add(log.append(epoch(1), entry(seq)));
            r.device.setFull(false); // room again before the next queued call runs
            calls.add(log.relabel(epoch(1), epoch(3), 6));
            calls.add(log.append(epoch(3), entry(7)));
            return Promise.succeeded(r.world.loop(), null);
        });
        rig.runMillis(100);
        return calls;
    }

    @Test
    void aRefusedAppendFailsTheCallsQueuedBehindItWithoutRunningThem() {
        ReplicaRig rig = rig(26);
        install(rig, 1, Optional.empty(), entries(1, 2));
        List<Promise<Void>> calls = extend(rig, true);
        assertThat(((DuroException) failure(calls.getFirst())).code()).as("append 3 on a full disk").isEqualTo(ErrorCode.UNAVAILABLE);
        for (Promise<Void> queued : calls.subList(1, calls.size())) {
            assertThat(failure(queued)).hasMessageContaining("not run: a call queued before it failed (disk full");
        }
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(1), 1, 2); // not labelled 3.0.20 while missing batches 3..6 it adopted
        // The same calls with room on the disk: the extended log, relabelled.
        for (Promise<Void> p : extend(rig, false)) assertThat(p.isSucceeded()).isTrue();
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(3), 1, 7);
    }

    @Test
    void relabelAfterRefusedAppendPlantedRelabelsTheShortLog() {
        ReplicaRig rig = new ReplicaRig(26, NO_FAULTS, LogOptions.defaults().withPlantedBugs(Set.of(PlantedBug.RELABEL_AFTER_REFUSED_APPEND)));
        install(rig, 1, Optional.empty(), entries(1, 2));
        List<Promise<Void>> calls = extend(rig, true);
        assertThat(calls.get(4).isSucceeded()).as("the relabel ran after the refused append").isTrue();
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(3), 1, 2); // labelled with the new owner's epoch, missing 3..6: whole adoption broken
    }

    @Test
    void aDiskThatFillsInTheMiddleOfAnInstallLeavesTheOldLog() {
        ReplicaRig rig = new ReplicaRig(22, NO_FAULTS.withCapacityBytes(6_000), LogOptions.defaults());
        install(rig, 1, Optional.empty(), entries(1, 3));
        Throwable install = failure(rig.await(r -> r.replica().install(epoch(2), Optional.of(new Snapshot(0, 0, new byte[5_000])),
                entries(1, 40))));
        assertThat(install).isInstanceOf(DuroException.class).hasMessageContaining("disk full");
        assertThat(rig.node.isUp()).isTrue();
        assertLog(rig.load(), epoch(1), 1, 3);
        rig.crashAndRestart();
        assertLog(rig.load(), epoch(1), 1, 3);
        install(rig, 2, Optional.empty(), entries(1, 2));
        assertLog(rig.load(), epoch(2), 1, 2);
    }

    @Test
    void aFailedFsyncOfTheStateFileExitsTheProcess() {
        ReplicaRig rig = rig(23);
        install(rig, 1, Optional.empty(), entries(1, 3));
        rig.device.failNextSyncs(1);
        List<Throwable> failures = new ArrayList<>();
        rig.world.loop().execute(() -> rig.replica().promise(epoch(2)).onFailure(failures::add));
        rig.runMillis(5);
        assertThat(rig.node.isUp()).as("fail-stop: the node exited").isFalse();
        assertThat(rig.labels("exit")).singleElement().asString().contains("repl-state-sync-failed");
        assertThat(failures).as("callbacks of the exited incarnation never run").isEmpty();
        rig.runMillis(600); // the supervisor restarts it
        ReplicaState state = rig.load();
        assertLog(state, epoch(1), 1, 3);
        assertThat(state.promised()).isIn(epoch(1), epoch(2));
    }

    @Test
    void ackBeforeFsyncPlantedCompletesStateWritesBeforeTheirSync() {
        ReplicaRig rig = new ReplicaRig(24, NO_FAULTS, LogOptions.defaults().withPlantedBugs(Set.of(PlantedBug.LOG_ACK_BEFORE_FSYNC)));
        assertThat(promiseLatencyNanos(rig)).as("acknowledged at the instant of the call: no sync ran").isZero();
    }

    @Test
    void aCorrectStoreAcknowledgesStateWritesOnlyAfterTheirSync() {
        ReplicaRig rig = rig(24);
        assertThat(promiseLatencyNanos(rig)).as("a sync takes at least 100 us").isGreaterThanOrEqualTo(100_000);
    }

    private static long promiseLatencyNanos(ReplicaRig rig) {
        rig.load();
        long[] times = new long[2];
        rig.awaitValue(r -> {
            times[0] = r.sim.nowNanos();
            Promise<Void> p = r.replica().promise(epoch(1));
            p.onSuccess(v -> times[1] = r.sim.nowNanos());
            return p;
        });
        rig.runMillis(1);
        return times[1] - times[0];
    }
}
