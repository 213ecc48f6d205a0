package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.DiskFile;
import dev.duro.runtime.PlantedBug;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.ReadFaultRule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DiskLogStoreTest {
    private static final DiskFaultConfig NO_FAULTS = DiskFaultConfig.none();

    private static void appendAll(LogRig rig, long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            long s = seq;
            rig.awaitValue(r -> r.log().append(LogRig.entry(s, r.world.clock().wallMillis())));
        }
    }

    private static void assertEntries(Recovery recovery, long from, long to) {
        assertThat(recovery.entries()).extracting(LogEntry::seq)
                .containsExactlyElementsOf(seqs(from, to));
        for (LogEntry e : recovery.entries()) assertThat(e.payload()).isEqualTo(LogRig.payload(e.seq()));
    }

    private static List<Long> seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) out.add(s);
        return out;
    }

    @Test
    void freshLogRecoversEmptyAndCreatesNothing() {
        LogRig rig = new LogRig(1, NO_FAULTS, LogOptions.defaults());
        Recovery r = rig.recover();
        assertThat(r.snapshot()).isEmpty();
        assertThat(r.entries()).isEmpty();
        assertThat(r.lastSeq()).isZero();
        assertThat(rig.device.durableImage()).isEmpty();
        assertThat(rig.<List<ObjectId>>awaitValue(x -> x.store.list(LogRig.NS))).isEmpty();
    }

    @Test
    void acknowledgedAppendsSurviveACrash() {
        LogRig rig = new LogRig(2, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 25);
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertEntries(r, 1, 25);
        assertThat(r.retained()).extracting(Recovery.Mark::seq).containsExactlyElementsOf(seqs(1, 25));
        appendAll(rig, 26, 30);
        rig.crashAndRestart();
        assertEntries(rig.recover(), 1, 30);
        assertThat(rig.labels("log-recover")).last().asString().contains("seq=30").contains("cut=0");
    }

    @Test
    void groupCommitCoversWaitingAppendsWithOneSyncAndCompletesInOrder() {
        LogRig rig = new LogRig(3, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 1);
        long syncsBefore = rig.device.stats().syncs();
        List<Long> completed = new ArrayList<>();
        boolean[] doneRightAfterWrite = {false};
        Promise<Void> last = rig.await(r -> {
            List<Promise<Void>> all = new ArrayList<>();
            for (long seq = 2; seq <= 21; seq++) {
                long s = seq;
                Promise<Void> p = r.log().append(LogRig.entry(s, 0));
                p.onSuccess(v -> completed.add(s));
                all.add(p);
            }
            for (Promise<Void> p : all) doneRightAfterWrite[0] |= p.isDone();
            return Promise.all(r.world.loop(), all).map(v -> null);
        });
        assertThat(last.isSucceeded()).isTrue();
        assertThat(doneRightAfterWrite[0]).as("no append completes before its fsync").isFalse();
        assertThat(completed).containsExactlyElementsOf(seqs(2, 21));
        long syncs = rig.device.stats().syncs() - syncsBefore;
        assertThat(syncs).as("one round for the first append, one for the 19 written while it was in flight")
                .isEqualTo(2);
    }

    @Test
    void plantedAckBeforeFsyncCompletesBeforeTheSync() {
        LogRig rig = new LogRig(3, NO_FAULTS, LogOptions.defaults().withPlantedBugs(Set.of(PlantedBug.LOG_ACK_BEFORE_FSYNC)));
        rig.recover();
        boolean[] doneAtOnce = {false};
        rig.await(r -> {
            Promise<Void> p = r.log().append(LogRig.entry(1, 0));
            doneAtOnce[0] = p.isDone();
            return p;
        });
        assertThat(doneAtOnce[0]).as("completed in the appending task, before any sync could complete").isTrue();
    }

    @Test
    void tornTailIsCutAndLaterAppendsFollowValidData() {
        LogRig rig = new LogRig(4, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 10);
        String segment = rig.objectDir() + "/" + LogLayout.segmentName(1);
        // A torn record at the tail: a valid header's first half and garbage, made durable.
        byte[] torn = LogFormat.encodeRecord(LogRig.entry(11, 0), 10);
        byte[] half = java.util.Arrays.copyOf(torn, torn.length / 2);
        rig.awaitValue(r -> {
            DiskFile f = r.world.disk().open(segment, false);
            f.append(half);
            return f.sync();
        });
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertEntries(r, 1, 10);
        assertThat(rig.labels("log-recover")).last().asString().contains("cut=" + half.length);
        appendAll(rig, 11, 15);
        rig.crashAndRestart();
        assertEntries(rig.recover(), 1, 15);
        assertThat(rig.labels("log-recover")).last().asString().contains("cut=0");
    }

    @Test
    void bitFlipInsideAcknowledgedDataIsReportedWithFileAndOffset() {
        LogRig rig = new LogRig(5, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 20); // one at a time: each later record says the earlier ones were durable
        String segment = rig.objectDir() + "/" + LogLayout.segmentName(1);
        long offsetOf5 = 0;
        for (long s = 1; s < 5; s++) offsetOf5 += LogFormat.RECORD_OVERHEAD_BYTES + LogRig.payload(s).length;
        long start = offsetOf5;
        rig.device.injectBitFlips(segment, start + 10, start + 11, 1);
        rig.crashAndRestart();
        Promise<Recovery> p = rig.await(r -> r.log().recover());
        assertThat(p.isFailed()).isTrue();
        assertThat(p.failure()).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("batch 5 is damaged or missing")
                .hasMessageContaining(segment)
                .hasMessageContaining("offset " + start);
        LogCorruptedException e = (LogCorruptedException) p.failure();
        assertThat(e.path()).isEqualTo(segment);
        assertThat(e.offset()).isEqualTo(start);
        assertThat(rig.labels("log-corrupt")).isNotEmpty();
        // Still refused on the next attempt: nothing was cut.
        assertThat(rig.await(r -> r.log().recover()).isFailed()).isTrue();
    }

    @Test
    void damageToTheLastBatchIsReportedWhenASnapshotProvesItDurable() {
        LogRig rig = new LogRig(6, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 6);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(6, 0, new byte[] {6})));
        String segment = rig.objectDir() + "/" + LogLayout.segmentName(1);
        long offsetOf6 = 0;
        for (long s = 1; s < 6; s++) offsetOf6 += LogFormat.RECORD_OVERHEAD_BYTES + LogRig.payload(s).length;
        rig.device.injectBitFlips(segment, offsetOf6 + 40, offsetOf6 + 41, 1);
        rig.crashAndRestart();
        Promise<Recovery> p = rig.await(r -> r.log().recover());
        assertThat(p.failure()).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("snapshot 6 proves it was durable");
    }

    @Test
    void failedFsyncExitsTheProcessAndFailsTheAppend() {
        LogRig rig = new LogRig(7, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 3);
        rig.device.failNextSyncs(1);
        List<Throwable> failures = new ArrayList<>();
        int incarnation = rig.node.incarnation();
        rig.world.loop().execute(() -> rig.log().append(LogRig.entry(4, 0)).onFailure(failures::add));
        rig.runMillis(5);
        assertThat(rig.node.isUp()).as("fail-stop: the node exited").isFalse();
        assertThat(rig.labels("exit")).singleElement().asString().contains("log-sync-failed");
        assertThat(failures).as("callbacks of the exited incarnation never run").isEmpty();
        rig.runMillis(600); // the supervisor restarts it
        assertThat(rig.node.incarnation()).isEqualTo(incarnation + 1);
        Recovery r = rig.recover();
        assertThat(r.lastSeq()).isIn(3L, 4L);
        for (LogEntry e : r.entries()) assertThat(e.payload()).isEqualTo(LogRig.payload(e.seq()));
    }

    @Test
    void diskFullFailsTheAppendClearlyWithoutExitAndRecoveryResumes() {
        LogRig rig = new LogRig(8, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 3);
        rig.device.setFull(true);
        Promise<Void> p = rig.await(r -> r.log().append(LogRig.entry(4, 0)));
        assertThat(p.failure()).isInstanceOf(DuroException.class).hasMessageContaining("disk full: batch 4");
        assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(rig.node.isUp()).isTrue();
        Promise<Void> next = rig.await(r -> r.log().append(LogRig.entry(4, 0)));
        assertThat(next.failure()).hasMessageContaining("call recover() before appending again");
        rig.device.setFull(false);
        assertEntries(rig.recover(), 1, 3);
        appendAll(rig, 4, 6);
        rig.crashAndRestart();
        assertEntries(rig.recover(), 1, 6);
    }

    @Test
    void readErrorDuringRecoveryFailsClearly() {
        LogRig rig = new LogRig(9, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 3);
        rig.crashAndRestart();
        String segment = rig.objectDir() + "/" + LogLayout.segmentName(1);
        rig.device.failReads(new ReadFaultRule(segment, 0, 1 << 20));
        Promise<Recovery> p = rig.await(r -> r.log().recover());
        assertThat(p.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recovery of object " + LogRig.ID.hex() + " failed")
                .hasMessageContaining(segment);
        rig.device.clearReadFaults();
        assertEntries(rig.recover(), 1, 3);
    }

    @Test
    void snapshotDropsOldSegmentsOutsideTheRetentionWindowAndRecoverAtUsesWhatIsLeft() {
        LogRig rig = new LogRig(10, NO_FAULTS, LogOptions.defaults().withRetentionMillis(1_000));
        rig.recover();
        appendAll(rig, 1, 5);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(5, 0, new byte[] {5})));
        appendAll(rig, 6, 10);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(10, 0, new byte[] {10})));
        assertThat(rig.world.disk().list(rig.objectDir())).as("all inside the window: nothing dropped")
                .containsExactly("meta", LogLayout.segmentName(1), LogLayout.segmentName(6),
                        LogLayout.snapshotName(5), LogLayout.snapshotName(10));
        rig.runMillis(2_000); // batches 1..10 leave the window
        appendAll(rig, 11, 20);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(15, 0, new byte[] {15})));
        List<String> files = rig.world.disk().list(rig.objectDir());
        assertThat(files).as("batches 1..10 and snapshot 5 are gone; snapshot 10 stays as the base for 11..14")
                .containsExactly("meta", LogLayout.segmentName(11), LogLayout.snapshotName(10), LogLayout.snapshotName(15));
        Recovery at12 = rig.awaitValue(r -> r.log().recoverAt(12));
        assertThat(at12.snapshot().get().image()).containsExactly(10);
        assertEntries(at12, 11, 12);
        Recovery at17 = rig.awaitValue(r -> r.log().recoverAt(17));
        assertThat(at17.snapshot()).get().extracting(Snapshot::seq).isEqualTo(15L);
        assertEntries(at17, 16, 17);
        Promise<Recovery> at3 = rig.await(r -> r.log().recoverAt(3));
        assertThat(at3.failure()).hasMessageContaining("batch 3").hasMessageContaining("no longer retained")
                .hasMessageContaining("oldest recoverable batch is 10");
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertThat(r.snapshot()).get().extracting(Snapshot::seq).isEqualTo(15L);
        assertThat(r.snapshot().get().image()).containsExactly(15);
        assertEntries(r, 16, 20);
        assertThat(r.retained()).extracting(Recovery.Mark::seq).containsExactlyElementsOf(seqs(11, 20));
        appendAll(rig, 21, 22);
        rig.crashAndRestart();
        assertEntries(rig.recover(), 16, 22);
    }

    @Test
    void insideTheWindowEverySnapshotAndBatchStaysForPointInTimeRecovery() {
        LogRig rig = new LogRig(11, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 10);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(4, 0, new byte[] {4})));
        appendAll(rig, 11, 12);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(8, 0, new byte[] {8})));
        rig.crashAndRestart();
        Recovery latest = rig.recover();
        assertThat(latest.snapshot()).get().extracting(Snapshot::seq).isEqualTo(8L);
        assertEntries(latest, 9, 12);
        assertThat(latest.retained()).hasSize(12);
        Recovery at3 = rig.awaitValue(r -> r.log().recoverAt(3));
        assertThat(at3.snapshot()).isEmpty();
        assertEntries(at3, 1, 3);
        Recovery at6 = rig.awaitValue(r -> r.log().recoverAt(6));
        assertThat(at6.snapshot().get().image()).containsExactly(4);
        assertEntries(at6, 5, 6);
        assertThat(rig.awaitValue(r -> r.log().recoverAt(8)).entries()).isEmpty();
        assertThat(rig.await(r -> r.log().recoverAt(13)).failure()).hasMessageContaining("last durable batch is 12");
    }

    @Test
    void segmentsRotateBySizeAndRecoveryReadsThemAll() {
        LogRig rig = new LogRig(12, NO_FAULTS, LogOptions.defaults().withSegmentBytes(200));
        rig.recover();
        appendAll(rig, 1, 30);
        assertThat(rig.world.disk().list(rig.objectDir()).stream().filter(n -> n.startsWith("seg-")).count())
                .isGreaterThan(5);
        rig.crashAndRestart();
        assertEntries(rig.recover(), 1, 30);
        assertEntries(rig.awaitValue(r -> r.log().recoverAt(17)), 1, 17);
    }

    @Test
    void listFindsObjectsAfterRestartSortedWithNamesAndDestroyIsDurable() {
        LogRig rig = new LogRig(13, NO_FAULTS, LogOptions.defaults());
        ObjectId b = LogRig.id(9, "bob");
        ObjectId a = LogRig.id(2, null);
        ObjectId c = LogRig.id(5, "carol");
        String odd = "we/ird ..名%";
        for (ObjectId id : List.of(b, a, c)) {
            rig.awaitValue(r -> r.store.open(LogRig.NS, id).recover());
            rig.awaitValue(r -> r.store.open(LogRig.NS, id).append(LogRig.entry(1, 0)));
        }
        rig.awaitValue(r -> r.store.open(odd, b).recover());
        rig.awaitValue(r -> r.store.open(odd, b).append(LogRig.entry(1, 0)));
        rig.awaitValue(r -> r.store.open(LogRig.NS, c).destroy());
        rig.crashAndRestart();
        List<ObjectId> listed = rig.<List<ObjectId>>awaitValue(r -> r.store.list(LogRig.NS));
        assertThat(listed).containsExactly(a, b);
        assertThat(listed.get(1).name()).contains("bob");
        assertThat(listed.get(0).name()).isEmpty();
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(odd))).containsExactly(b);
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list("nobody"))).isEmpty();
        assertThat(rig.awaitValue(r -> r.store.open(LogRig.NS, c).recover()).lastSeq()).isZero();
        assertEntries(rig.awaitValue(r -> r.store.open(odd, b).recover()), 1, 1);
    }

    @Test
    void destroyedObjectCanBeCreatedAgain() {
        LogRig rig = new LogRig(14, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 5);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(3, 0, new byte[] {3})));
        rig.awaitValue(r -> r.log().destroy());
        assertThat(rig.await(r -> r.log().append(LogRig.entry(6, 0))).failure()).hasMessageContaining("recover() first");
        assertThat(rig.recover().lastSeq()).isZero();
        appendAll(rig, 1, 2);
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertThat(r.snapshot()).isEmpty();
        assertEntries(r, 1, 2);
    }

    @Test
    void namespaceNamesAreEscapedForPathsAndRejectedWhenUnusable() {
        assertThat(LogLayout.escapeNamespace("COUNTERS")).isEqualTo("COUNTERS");
        assertThat(LogLayout.escapeNamespace("a/b")).isEqualTo("a%2Fb");
        assertThat(LogLayout.escapeNamespace("..")).isEqualTo("%2E%2E");
        assertThat(LogLayout.escapeNamespace("%")).isEqualTo("%25");
        assertThat(LogLayout.escapeNamespace("é")).isEqualTo("%C3%A9");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogLayout.escapeNamespace(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogLayout.escapeNamespace("/".repeat(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long");
    }
    @Test
    void recoveryWaitsForASnapshotInFlightInsteadOfDeletingItsTemporaryFile() {
        // The store issues a snapshot after a durable append; the activation may end right then and
        // the next one recovers while the snapshot's .tmp is being synced. Recovery used to delete
        // that .tmp as a leftover, the rename then failed, and the node exited (fail-stop).
        LogRig rig = new LogRig(12, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        appendAll(rig, 1, 3);
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<Void>[] snapshot = new Promise[1];
        Promise<Recovery> recovery = rig.await(r -> {
            snapshot[0] = r.log().snapshot(new Snapshot(3, 0, new byte[] {1, 2, 3}));
            Promise<Recovery> next = Promise.on(r.world.loop());
            // a later task: the snapshot has written its .tmp and waits for its sync
            r.world.loop().execute(() -> r.world.loop().execute(() -> r.log().recover().whenComplete((v, e) -> {
                if (e != null) next.fail(e);
                else next.complete(v);
            })));
            return next;
        });
        assertThat(rig.labels("exit")).as("no fail-stop").isEmpty();
        assertThat(rig.node.isUp()).as("node still up").isTrue();
        assertThat(rig.labels("log-snapshot-sync-failed")).isEmpty();
        assertThat(snapshot[0].isDone() && !snapshot[0].isFailed()).as("snapshot succeeded: %s", snapshot[0]).isTrue();
        assertThat(recovery.isDone() && !recovery.isFailed()).as("recovered: %s", recovery).isTrue();
        assertThat(recovery.value().lastSeq()).isEqualTo(3);
        rig.crashAndRestart();
        Recovery afterCrash = rig.recover();
        assertThat(afterCrash.snapshot()).map(Snapshot::seq).contains(3L);
    }
}
