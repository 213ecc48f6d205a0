package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.sim.disk.DiskFaultConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log's failure branches that no other test reached (no-coverage mutants, docs/mutation.md):
 * a full disk during a snapshot or the first write, failed deletes and syncs in every phase, and
 * what a fail-stop does to the callers still waiting. {@link FaultyWorld} injects what the
 * simulated disk cannot (a failing delete, a sync that throws at the call, a half-done write) and
 * keeps the process alive after an exit, so the failed promises are visible.
 */
class LogFailureBranchTest {
    private static final DiskFaultConfig NO_FAULTS = DiskFaultConfig.none();

    /** The rig's node with a {@link FaultyWorld} and a store of its own over the same disk. */
    private static final class Faulty {
        final LogRig rig;
        final FaultyWorld world;
        final DiskLogStore store;

        Faulty(long seed, LogOptions options) {
            rig = new LogRig(seed, NO_FAULTS, options);
            world = new FaultyWorld(rig.world);
            store = new DiskLogStore(world, options);
        }

        ObjectLog log() {
            return store.open(LogRig.NS, LogRig.ID);
        }

        <T> Promise<T> await(Function<ObjectLog, Promise<T>> action) {
            return rig.await(r -> action.apply(log()));
        }

        <T> T value(Function<ObjectLog, Promise<T>> action) {
            return rig.awaitValue(r -> action.apply(log()));
        }

        void append(long from, long to) {
            for (long s = from; s <= to; s++) {
                long seq = s;
                value(l -> l.append(LogRig.entry(seq, world.clock().wallMillis())));
            }
        }

        String path(String name) {
            return rig.objectDir() + "/" + name;
        }
    }

    private static void assertBroken(Faulty f, String kind) {
        assertThat(f.world.exits).as("exactly one fail-stop").singleElement().asString().contains(kind);
        assertThat(f.rig.labels(kind)).containsExactly("id=" + LogRig.ID.hex() + " fail-stop=exit");
        assertThat(f.await(l -> l.append(LogRig.entry(99, 0))).failure())
                .hasMessageContaining("a disk sync failed and the process is exiting (fail-stop)");
        assertThat(f.await(l -> l.recover()).failure()).hasMessageContaining("cannot recover");
        assertThat(f.await(l -> l.destroy()).failure()).hasMessageContaining("cannot destroy");
    }

    // ------------------------------------------------------------------ full disk

    @Test
    void aFullDiskFailsASnapshotWithoutExitAndLeavesTheLogAsItWas() {
        LogRig rig = new LogRig(41, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        for (long s = 1; s <= 3; s++) {
            long seq = s;
            rig.awaitValue(r -> r.log().append(LogRig.entry(seq, r.world.clock().wallMillis())));
        }
        int handles = rig.device.openHandles();
        rig.device.setFull(true);
        Promise<Void> p = rig.await(r -> r.log().snapshot(new Snapshot(3, 0, new byte[] {1, 2, 3})));
        assertThat(p.failure()).isInstanceOf(DuroException.class)
                .hasMessageContaining("disk full: snapshot of batch 3 of object " + LogRig.ID.hex() + " was not written; the log is unchanged");
        assertThat(((DuroException) p.failure()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(rig.labels("log-snapshot-failed")).containsExactly("id=" + LogRig.ID.hex() + " seq=3 error=NO_SPACE");
        assertThat(rig.node.isUp()).isTrue();
        assertThat(rig.world.disk().list(rig.objectDir())).as("no temporary file left")
                .containsExactly("meta", LogLayout.segmentName(1));
        assertThat(rig.device.openHandles()).as("the temporary file's handle was closed").isEqualTo(handles);
        rig.device.setFull(false);
        rig.awaitValue(r -> r.log().append(LogRig.entry(4, 0)));
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(3, 0, new byte[] {3})));
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertThat(r.snapshot()).get().extracting(Snapshot::seq).isEqualTo(3L);
        assertThat(r.entries()).extracting(LogEntry::seq).containsExactly(4L);
    }

    @Test
    void aFullDiskAtTheFirstWriteCreatesNothing() {
        LogRig rig = new LogRig(42, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        rig.device.setFull(true);
        Promise<Void> append = rig.await(r -> r.log().append(LogRig.entry(1, 0)));
        assertThat(append.failure()).isInstanceOf(DuroException.class).hasMessageContaining("disk full: batch 1");
        assertThat(rig.labels("log-no-space")).containsExactly("id=" + LogRig.ID.hex() + " seq=1");
        String meta = rig.objectDir() + "/" + LogLayout.META;
        assertThat(rig.world.disk().exists(meta)).as("the half-created meta file was deleted").isFalse();
        assertThat(rig.device.openHandles()).isZero();
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(LogRig.NS))).isEmpty();
        rig.recover();
        Promise<Void> snapshot = rig.await(r -> r.log().snapshot(new Snapshot(0, 0, new byte[0])));
        assertThat(snapshot.failure()).isInstanceOf(DiskException.class);
        assertThat(((DiskException) snapshot.failure()).kind()).isEqualTo(DiskException.Kind.NO_SPACE);
        assertThat(rig.world.disk().exists(meta)).isFalse();
        rig.device.setFull(false);
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        rig.crashAndRestart();
        assertThat(rig.recover().lastSeq()).isEqualTo(1);
    }

    @Test
    void aFailedStartFromLeavesTheLogEmptyAndASuccessfulOneIsDurableAtOnce() {
        LogRig rig = new LogRig(43, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        rig.device.setFull(true);
        Promise<Void> failed = rig.await(r -> r.store.startFrom(LogRig.NS, LogRig.ID, new Snapshot(5, 0, new byte[] {5})));
        assertThat(failed.isFailed()).isTrue();
        rig.device.setFull(false);
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        assertThat(rig.await(r -> r.store.startFrom(LogRig.NS, LogRig.ID, new Snapshot(5, 0, new byte[] {5}))).failure())
                .hasMessageContaining("only an empty log can start from a snapshot, but it holds batches through 1");

        ObjectId other = LogRig.id(4, "dora");
        rig.awaitValue(r -> r.store.open(LogRig.NS, other).recover());
        rig.awaitValue(r -> r.store.startFrom(LogRig.NS, other, new Snapshot(5, 0, new byte[] {5})));
        Recovery at5 = rig.awaitValue(r -> r.store.open(LogRig.NS, other).recoverAt(5));
        assertThat(at5.snapshot()).get().extracting(Snapshot::seq).isEqualTo(5L);
        rig.awaitValue(r -> r.store.open(LogRig.NS, other).append(LogRig.entry(6, 0)));
        ObjectId fresh = LogRig.id(6, null);
        assertThat(rig.await(r -> r.store.startFrom(LogRig.NS, fresh, new Snapshot(1, 0, new byte[0]))).failure())
                .hasMessageContaining("call recover() first");
    }

    // ------------------------------------------------------------------ fail-stop

    @Test
    void aFailStopFailsEveryWaitingAppendOnceAndRefusesEverythingAfter() {
        Faulty f = new Faulty(44, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.append(1, 2);
        f.rig.device.failNextSyncs(1);
        List<Throwable> failures = new ArrayList<>();
        Promise<Void> last = f.await(l -> {
            l.append(LogRig.entry(3, 0)).onFailure(failures::add);
            return l.append(LogRig.entry(4, 0));
        });
        assertThat(last.failure()).hasMessageContaining("a disk sync failed; the process exits (fail-stop)");
        assertThat(failures).singleElement().asString().contains("fail-stop");
        assertBroken(f, "log-sync-failed");
        assertThat(f.await(l -> l.snapshot(new Snapshot(2, 0, new byte[0]))).failure()).hasMessageContaining("fail-stop");
    }

    @Test
    void aDirectorySyncThatThrowsAtTheCallIsAFailStop() {
        Faulty f = new Faulty(45, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.world.syncDirectoryThrows = d -> true;
        assertThat(f.await(l -> l.append(LogRig.entry(1, 0))).failure()).hasMessageContaining("fail-stop");
        assertBroken(f, "log-sync-failed");
    }

    @Test
    void aWriteErrorOtherThanAFullDiskIsAFailStop() {
        Faulty f = new Faulty(46, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.append(1, 1);
        f.world.writeFails = p -> p.contains("/seg-");
        Promise<Void> p = f.await(l -> l.append(LogRig.entry(2, 0)));
        assertThat(p.failure()).isInstanceOf(DiskException.class);
        assertBroken(f, "log-write-failed");
    }

    @Test
    void aWriteThatFailsHalfWayIsCutBackSoTheFileEndsAtARecord() {
        Faulty f = new Faulty(47, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.append(1, 2);
        String segment = f.path(LogLayout.segmentName(1));
        long size = f.rig.awaitValue(r -> {
            try (DiskFile file = f.world.disk().open(segment, false)) {
                return Promise.succeeded(r.world.loop(), file.size());
            }
        });
        f.world.writeFailure = DiskException.Kind.NO_SPACE;
        f.world.writeFails = p -> p.equals(segment);
        assertThat(f.await(l -> l.append(LogRig.entry(3, 0))).failure()).hasMessageContaining("disk full: batch 3");
        long after = f.rig.awaitValue(r -> {
            try (DiskFile file = f.world.disk().open(segment, false)) {
                return Promise.succeeded(r.world.loop(), file.size());
            }
        });
        assertThat(after).as("the half-written record was truncated away").isEqualTo(size);
        f.world.writeFails = p -> false;
        assertThat(f.value(ObjectLog::recover).lastSeq()).isEqualTo(2);
        assertThat(f.rig.labels("log-recover")).last().asString().endsWith("cut=0");
        assertThat(f.world.exits).isEmpty();
    }

    @Test
    void aSnapshotWhoseTemporaryFileFailsToWriteFailsWithTheDiskError() {
        Faulty f = new Faulty(48, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.append(1, 1);
        f.world.writeFails = p -> p.endsWith(LogLayout.TMP_SUFFIX);
        Promise<Void> p = f.await(l -> l.snapshot(new Snapshot(1, 0, new byte[] {1, 2})));
        assertThat(p.failure()).isInstanceOf(DiskException.class).isNotInstanceOf(DuroException.class);
        assertThat(f.rig.labels("log-snapshot-failed")).containsExactly("id=" + LogRig.ID.hex() + " seq=1 error=IO_ERROR");
        assertThat(f.world.exits).as("only a temporary file was touched").isEmpty();
        assertThat(f.rig.world.disk().list(f.rig.objectDir())).doesNotContain(LogLayout.snapshotName(1) + LogLayout.TMP_SUFFIX);
    }

    @Test
    void aFailedSyncOfASnapshotIsAFailStop() {
        Faulty f = new Faulty(49, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.append(1, 1);
        f.rig.device.failNextSyncs(1);
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<Void>[] queued = new Promise[1];
        Promise<Void> p = f.await(l -> {
            Promise<Void> first = l.snapshot(new Snapshot(1, 0, new byte[] {1}));
            queued[0] = l.snapshot(new Snapshot(1, 0, new byte[] {1, 1})); // waits for the first
            return first;
        });
        assertThat(p.failure()).isInstanceOf(DiskException.class);
        f.rig.runMillis(5);
        assertThat(queued[0].failure()).as("the queued snapshot finds the log broken")
                .hasMessageContaining("a disk sync failed; the process is exiting (fail-stop)");
        assertBroken(f, "log-snapshot-sync-failed");
    }

    @Test
    void aFailedDeleteOfAnExpiredSegmentIsAFailStop() {
        Faulty f = new Faulty(50, LogOptions.defaults().withRetentionMillis(0));
        f.value(ObjectLog::recover);
        f.append(1, 2);
        f.world.deleteFails = p -> p.contains("/seg-");
        f.rig.runMillis(5);
        Promise<Void> p = f.await(l -> l.snapshot(new Snapshot(2, 0, new byte[] {2})));
        assertThat(p.failure()).isInstanceOf(DiskException.class).hasMessageContaining("delete failed");
        assertBroken(f, "log-snapshot-sync-failed");
    }

    @Test
    void aFailedDeleteDuringDestroyIsAFailStop() {
        Faulty f = new Faulty(51, LogOptions.defaults());
        f.value(ObjectLog::recover);
        f.append(1, 2);
        f.world.deleteFails = p -> p.contains("/seg-");
        Promise<Void> p = f.await(ObjectLog::destroy);
        assertThat(p.failure()).hasMessageContaining("delete failed");
        assertThat(f.world.exits).singleElement().asString().contains("log-destroy-failed");
        assertThat(f.rig.labels("log-destroy")).isEmpty();
        assertThat(f.rig.world.disk().exists(f.path(LogLayout.META))).as("the meta went first").isFalse();
    }

    // ------------------------------------------------------------------ states and directories

    @Test
    void destroyingANeverWrittenLogTouchesNothing() {
        LogRig rig = new LogRig(52, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        rig.<Void>awaitValue(r -> r.log().destroy());
        assertThat(rig.node.isUp()).isTrue();
        assertThat(rig.labels("log-destroy")).containsExactly("id=" + LogRig.ID.hex() + " done=true");
        assertThat(rig.device.durableImage()).isEmpty();
        assertThat(rig.recover().lastSeq()).isZero();
    }

    @Test
    void overlappingRecoveriesAndDestroysAreRefused() {
        LogRig rig = new LogRig(53, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        Promise<Recovery> second = rig.await(r -> {
            r.log().recover();
            return r.log().recover();
        });
        assertThat(second.failure()).hasMessageContaining("cannot recover: recovery is in progress");
        rig.runMillis(50); // the first recovery completes
        assertThat(rig.await(r -> r.log().destroy()).isFailed()).isFalse();
        Promise<Void> twice = rig.await(r -> {
            r.log().recover();
            return r.log().destroy();
        });
        assertThat(twice.failure()).hasMessageContaining("cannot destroy: recovery is in progress");
        rig.runMillis(50);
        Promise<Void> destroyTwice = rig.await(r -> {
            r.log().destroy();
            return r.log().destroy();
        });
        assertThat(destroyTwice.failure()).hasMessageContaining("the log is being destroyed");
    }

    @Test
    void anIdleLogReleasesItsHandlesAndAFreshStoreSyncsOnlyTheDirectoriesItCreates() {
        LogRig rig = new LogRig(54, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        long before = rig.device.stats().directorySyncs();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        assertThat(rig.device.stats().directorySyncs() - before)
                .as("root, objects, the namespace and the object directory").isEqualTo(4);
        ObjectId second = LogRig.id(3, "carl");
        rig.awaitValue(r -> r.store.open(LogRig.NS, second).recover());
        before = rig.device.stats().directorySyncs();
        rig.awaitValue(r -> r.store.open(LogRig.NS, second).append(LogRig.entry(1, 0)));
        assertThat(rig.device.stats().directorySyncs() - before)
                .as("the namespace's entry is durable already: only it and the new directory").isEqualTo(2);
        assertThat(rig.device.openHandles()).isEqualTo(4);
        assertThat(rig.<Boolean>awaitValue(r -> Promise.succeeded(r.world.loop(), r.log().releaseHandles()))).isTrue();
        assertThat(rig.device.openHandles()).isEqualTo(2);
        assertThat(rig.labels("log-release")).hasSize(1);
        assertThat(rig.await(r -> r.log().append(LogRig.entry(2, 0))).failure()).hasMessageContaining("call recover() first");
        assertThat(rig.recover().lastSeq()).isEqualTo(1);
        Boolean busy = rig.awaitValue(r -> {
            r.log().append(LogRig.entry(2, 0));
            return Promise.succeeded(r.world.loop(), r.log().releaseHandles());
        });
        assertThat(busy).as("not while an append syncs").isFalse();
    }

    @Test
    void aStoreUnderAnotherRootMakesItsEntriesDurableUpToThatRoot() {
        LogRig rig = new LogRig(55, NO_FAULTS, LogOptions.defaults());
        rig.awaitValue(r -> {
            r.world.disk().createDirectories("replicas/logs");
            return r.world.disk().syncDirectory(""); // the caller's part: "replicas" in the root
        });
        rig.onStart = r -> r.store = new DiskLogStore(r.world, r.options, "replicas/logs");
        rig.crashAndRestart();
        rig.recover();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        rig.crashAndRestart();
        assertThat(rig.recover().lastSeq()).as("'logs' made durable in 'replicas' by the store").isEqualTo(1);
        assertThat(rig.device.durableImage()).containsKey("replicas/logs/" + LogRig.NS + "/" + LogRig.ID.hex() + "/meta");
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        LogRig rig = new LogRig(56, NO_FAULTS, LogOptions.defaults());
        assertThat(rig.await(r -> r.log().recoverAt(0)).failure()).hasMessageContaining("cannot recoverAt(0): call recover() first");
        assertThat(rig.await(r -> r.log().snapshot(new Snapshot(0, 0, new byte[0]))).failure())
                .hasMessageContaining("cannot snapshot batch 0: call recover() first");
        rig.recover();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        rig.awaitValue(r -> r.log().append(LogRig.entry(2, 0)));
        assertThat(rig.await(r -> r.log().snapshot(new Snapshot(3, 0, new byte[0]))).failure())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but the log's last batch is 2");
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(2, 0, new byte[0])));
        assertThat(rig.await(r -> r.log().snapshot(new Snapshot(1, 0, new byte[0]))).failure())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("older than the latest snapshot (batch 2)");
        assertThat(DiskLogStore.namespaceDirectoryName("a b")).isEqualTo("a%20b");
        assertThat(rig.log().fence()).isEqualTo("-");
        assertThat(rig.log().outputAllowed()).isTrue();
    }

    @Test
    void aLogWithoutHandlesHasNothingToRelease() {
        ObjectLog bare = new ObjectLog() {
            @Override
            public Promise<Recovery> recover() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Promise<Void> append(LogEntry entry) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Promise<Void> snapshot(Snapshot snapshot) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Promise<Recovery> recoverAt(long seq) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Promise<Void> destroy() {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(bare.releaseHandles()).isFalse();
        assertThat(bare.outputAllowed()).isTrue();
        assertThat(bare.fence()).isEqualTo("-");
    }

    @Test
    void aLogThatWasNeverRecoveredOrIsPoisonedReleasesItsHandles() {
        LogRig rig = new LogRig(57, NO_FAULTS, LogOptions.defaults());
        assertThat(rig.<Boolean>awaitValue(r -> Promise.succeeded(r.world.loop(), r.log().releaseHandles())))
                .as("never recovered").isTrue();
        rig.recover();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        rig.device.setFull(true);
        assertThat(rig.await(r -> r.log().append(LogRig.entry(2, 0))).isFailed()).isTrue();
        assertThat(rig.device.openHandles()).isEqualTo(2);
        assertThat(rig.<Boolean>awaitValue(r -> Promise.succeeded(r.world.loop(), r.log().releaseHandles())))
                .as("poisoned by a full disk, and idle").isTrue();
        assertThat(rig.device.openHandles()).isZero();
        Boolean recovering = rig.awaitValue(r -> {
            r.log().recover();
            return Promise.succeeded(r.world.loop(), r.log().releaseHandles());
        });
        assertThat(recovering).as("not while recovering").isFalse();
    }

    @Test
    void aSegmentOfExactlySegmentBytesTakesNoMoreBatches() {
        int recordBytes = LogFormat.encodeRecord(LogRig.entry(1, 0), 0).length;
        LogRig rig = new LogRig(58, NO_FAULTS, LogOptions.defaults().withSegmentBytes(recordBytes));
        rig.recover();
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        rig.awaitValue(r -> r.log().append(LogRig.entry(2, 0)));
        assertThat(rig.world.disk().list(rig.objectDir()))
                .containsExactly("meta", LogLayout.segmentName(1), LogLayout.segmentName(2));
    }

    @Test
    void staleFilesUnderTheNamesTheLogWritesAreReplacedWhole() {
        // Files the log did not write (left by another process over the same page cache) under the
        // names it is about to write: longer than what it writes, so a write over them leaves a tail.
        LogRig rig = new LogRig(59, NO_FAULTS, LogOptions.defaults());
        rig.recover();
        String meta = rig.objectDir() + "/" + LogLayout.META;
        String tmp = rig.objectDir() + "/" + LogLayout.snapshotName(1) + LogLayout.TMP_SUFFIX;
        byte[] junk = new byte[300];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        rig.awaitValue(r -> {
            r.world.disk().createDirectories(rig.objectDir());
            try (DiskFile file = r.world.disk().open(meta, true)) {
                file.write(0, junk, 0, junk.length);
            }
            return Promise.succeeded(r.world.loop(), null);
        });
        rig.awaitValue(r -> r.log().append(LogRig.entry(1, 0)));
        rig.awaitValue(r -> {
            try (DiskFile file = r.world.disk().open(tmp, true)) {
                file.write(0, junk, 0, junk.length);
            }
            return Promise.succeeded(r.world.loop(), null);
        });
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(1, 0, new byte[] {1})));
        rig.crashAndRestart();
        assertThat(rig.device.durableImage().get(meta)).isEqualTo(LogFormat.encodeMeta(LogRig.NS, LogRig.ID));
        Recovery r = rig.recover();
        assertThat(r.snapshot()).get().extracting(Snapshot::seq).isEqualTo(1L);
        assertThat(rig.labels("log-meta-rewritten")).isEmpty();
    }
}
