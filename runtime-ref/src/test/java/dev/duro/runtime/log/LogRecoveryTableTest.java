package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskFile;
import dev.duro.sim.disk.DiskFaultConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery over crafted object directories (docs/mutation.md: the scan, cut and proof logic was
 * reached only by the crash properties' few tails). Each case lays out exact, durable files,
 * restarts the node and states exactly what recovers: which batches, how many bytes are cut, or
 * which file and offset are reported as damage to synced data. Records are built as the log
 * writes them one at a time: batch {@code n} records that batches up to {@code n - 1} were
 * durable, which is what separates damage to acknowledged data (fail-stop with
 * {@link LogCorruptedException}) from a torn, never-acknowledged tail (cut).
 */
class LogRecoveryTableTest {
    private static final String SEG1 = LogLayout.segmentName(1);

    /** What a case expects: a recovery, or a reported corruption. */
    private sealed interface Outcome {
    }

    /**
     * Recovered with {@code snapshot} (-1: none) and batches {@code from..to} (to &lt; from: none),
     * {@code cut} bytes cut; {@code files} are the object's files afterwards (meta aside).
     */
    private record Recovered(long snapshot, long from, long to, long cut, List<String> files) implements Outcome {
    }

    private record Corrupt(String file, long offset, String message) implements Outcome {
    }

    private record Case(String name, Map<String, byte[]> files, Outcome outcome) {
    }

    // ------------------------------------------------------------------ building blocks

    private static byte[] rec(long seq) {
        return rec(seq, seq - 1);
    }

    private static byte[] rec(long seq, long durableThrough) {
        return LogFormat.encodeRecord(LogRig.entry(seq, 1_000 + seq), durableThrough);
    }

    private static byte[] snap(long seq) {
        return LogFormat.encodeSnapshot(new Snapshot(seq, 0, new byte[] {(byte) seq}));
    }

    private static byte[] flip(byte[] bytes, int at) {
        byte[] out = bytes.clone();
        out[at] ^= (byte) (1 << (at % 8));
        return out;
    }

    private static Map<String, byte[]> files(Object... nameThenBytes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) out.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        return out;
    }

    private static String seg(long first) {
        return LogLayout.segmentName(first);
    }

    private static String snapName(long seq) {
        return LogLayout.snapshotName(seq);
    }

    // ------------------------------------------------------------------ the runner

    /** Replaces the object's directory by {@code files} (plus a valid meta unless given), all durable, then restarts. */
    private static void craft(LogRig rig, Map<String, byte[]> files, boolean withMeta) {
        String dir = rig.objectDir();
        rig.awaitValue(r -> {
            Disk disk = r.world.disk();
            disk.createDirectories(dir);
            for (String name : disk.list(dir)) disk.delete(dir + "/" + name);
            Map<String, byte[]> all = new LinkedHashMap<>();
            if (withMeta) all.put(LogLayout.META, LogFormat.encodeMeta(LogRig.NS, LogRig.ID));
            all.putAll(files);
            List<Promise<Void>> syncs = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                DiskFile f = disk.open(dir + "/" + e.getKey(), true);
                f.write(0, e.getValue(), 0, e.getValue().length);
                syncs.add(f.sync());
                f.close();
            }
            for (String d : List.of(dir, LogLayout.parent(dir), LogLayout.ROOT, "")) syncs.add(disk.syncDirectory(d));
            return Promise.all(r.world.loop(), syncs).map(v -> null);
        });
        rig.crashAndRestart();
    }

    private static void run(LogRig rig, Case c) {
        craft(rig, c.files(), true);
        check(rig, c);
    }

    private static void check(LogRig rig, Case c) {
        String dir = rig.objectDir();
        Promise<Recovery> p = rig.await(r -> r.log().recover());
        assertThat(p.isDone()).as("%s: recovery completed", c.name()).isTrue();
        switch (c.outcome()) {
            case Corrupt want -> {
                assertThat(p.isFailed()).as("%s: refused, got %s", c.name(), p.isFailed() ? null : p.value()).isTrue();
                assertThat(p.failure()).as(c.name()).isInstanceOf(LogCorruptedException.class)
                        .hasMessageContaining(want.message());
                LogCorruptedException e = (LogCorruptedException) p.failure();
                assertThat(e.path()).as("%s: path", c.name()).isEqualTo(dir + "/" + want.file());
                assertThat(e.offset()).as("%s: offset", c.name()).isEqualTo(want.offset());
                assertThat(rig.labels("log-corrupt")).as(c.name()).last().asString()
                        .isEqualTo("id=" + LogRig.ID.hex() + " path=" + dir + "/" + want.file() + " offset=" + want.offset());
                assertThat(rig.labels("log-recover-failed")).as(c.name()).last().asString()
                        .contains("error=LogCorruptedException");
                assertThat(rig.await(r -> r.log().append(LogRig.entry(1, 0))).failure()).as(c.name())
                        .hasMessageContaining("call recover() first");
                assertThat(rig.node.isUp()).as("%s: no fail-stop", c.name()).isTrue();
            }
            case Recovered want -> {
                assertThat(p.isFailed()).as("%s: recovered, got %s", c.name(), p.isFailed() ? p.failure() : null).isFalse();
                Recovery got = p.value();
                assertThat(got.snapshot().map(Snapshot::seq).orElse(-1L)).as("%s: snapshot", c.name()).isEqualTo(want.snapshot());
                List<Long> seqs = new ArrayList<>();
                for (long s = want.from(); s <= want.to(); s++) seqs.add(s);
                assertThat(got.entries()).as("%s: batches", c.name()).extracting(LogEntry::seq).containsExactlyElementsOf(seqs);
                for (LogEntry e : got.entries()) {
                    assertThat(e.payload()).as("%s: payload %d", c.name(), e.seq()).isEqualTo(LogRig.payload(e.seq()));
                    assertThat(e.wallMillis()).isEqualTo(1_000 + e.seq());
                }
                long last = Math.max(want.to(), Math.max(want.snapshot(), 0));
                assertThat(rig.labels("log-recover")).as(c.name()).last().asString()
                        .startsWith("id=" + LogRig.ID.hex() + " seq=" + last + " snapshot="
                                + (want.snapshot() < 0 ? "none" : want.snapshot()) + " ")
                        .endsWith(" cut=" + want.cut());
                List<String> onDisk = new ArrayList<>(rig.world.disk().list(dir));
                onDisk.remove(LogLayout.META);
                assertThat(onDisk).as("%s: files", c.name()).containsExactlyElementsOf(want.files());
                long segments = onDisk.stream().filter(n -> LogLayout.segmentSeq(n).isPresent()).count();
                assertThat(rig.device.openHandles()).as("%s: handles (meta and segments)", c.name()).isEqualTo(1 + segments);
                // A second recovery in the same incarnation closes what the first opened and finds the same.
                Recovery again = rig.recover();
                assertThat(again.lastSeq()).as(c.name()).isEqualTo(got.lastSeq());
                assertThat(rig.device.openHandles()).as("%s: handles after a second recovery", c.name()).isEqualTo(1 + segments);
                // The log goes on from there, durably.
                long next = got.lastSeq() + 1;
                rig.awaitValue(r -> r.log().append(LogRig.entry(next, 1_000 + next)));
                rig.crashAndRestart();
                assertThat(rig.recover().lastSeq()).as("%s: appended after recovery", c.name()).isEqualTo(next);
            }
        }
    }

    // ------------------------------------------------------------------ the tables

    @Test
    void aTailTornAtEveryByteOfTheLastRecordIsCut() {
        LogRig rig = new LogRig(21, DiskFaultConfig.none(), LogOptions.defaults());
        byte[] r1 = rec(1);
        byte[] r2 = rec(2);
        byte[] r3 = rec(3);
        for (int b = 0; b < r3.length; b++) {
            byte[] torn = LogRig.concat(r1, r2, Arrays.copyOf(r3, b));
            run(rig, new Case("one segment torn at byte " + b, files(SEG1, torn), new Recovered(-1, 1, 2, b, List.of(SEG1))));
            if (b > 0) {
                assertThat(rig.labels("log-cut")).as("byte %d", b).contains("id=" + LogRig.ID.hex() + " path="
                        + rig.objectDir() + "/" + SEG1 + " offset=" + (r1.length + r2.length) + " bytes=" + b);
            }
        }
        // The same in a second segment, down to cutting it to nothing.
        for (int b = 0; b < r3.length; b++) {
            run(rig, new Case("second segment torn at byte " + b, files(SEG1, LogRig.concat(r1, r2), seg(3), Arrays.copyOf(r3, b)),
                    new Recovered(-1, 1, 2, b, List.of(SEG1, seg(3)))));
        }
    }

    @Test
    void aFlippedBitInEachFieldOfEachRecordIsATornTailOnlyInTheLastRecord() {
        LogRig rig = new LogRig(22, DiskFaultConfig.none(), LogOptions.defaults());
        byte[] r1 = rec(1);
        byte[] r2 = rec(2);
        byte[] r3 = rec(3);
        byte[] whole = LogRig.concat(r1, r2, r3);
        // Fields: magic 0-3, version 4-5, flags 6-7, seq 8-15, durableThrough 16-23, wall 24-31,
        // length 32-35, payload, crc. Every byte of every record gets one flipped bit.
        for (int at = 0; at < whole.length; at++) {
            Outcome outcome;
            if (at < r1.length) {
                outcome = new Corrupt(SEG1, 0, "batch 1 is damaged or missing, but batch 2 (file '"
                        + rig.objectDir() + "/" + SEG1 + "', offset " + r1.length + ")");
            } else if (at < r1.length + r2.length) {
                outcome = new Corrupt(SEG1, r1.length, "batch 2 is damaged or missing, but batch 3");
            } else {
                outcome = new Recovered(-1, 1, 2, r3.length, List.of(SEG1));
            }
            run(rig, new Case("flipped bit at byte " + at, files(SEG1, flip(whole, at)), outcome));
        }
    }

    @Test
    void damageFoundAcrossSegmentsIsProvenByALaterSegment() {
        LogRig rig = new LogRig(23, DiskFaultConfig.none(), LogOptions.defaults());
        byte[] r1 = rec(1);
        byte[] r2 = rec(2);
        byte[] r3 = rec(3);
        byte[] r4 = rec(4);
        for (int at = 0; at < r2.length; at++) {
            run(rig, new Case("r2 flipped at " + at + ", proof in seg-3", files(SEG1, LogRig.concat(r1, flip(r2, at)), seg(3), LogRig.concat(r3, r4)),
                    new Corrupt(SEG1, r1.length, "batch 2 is damaged or missing, but batch 3 (file '"
                            + rig.objectDir() + "/" + seg(3) + "', offset 0)")));
        }
        for (int at = 0; at < r3.length; at++) {
            run(rig, new Case("r3 flipped at " + at, files(SEG1, LogRig.concat(r1, r2), seg(3), LogRig.concat(flip(r3, at), r4)),
                    new Corrupt(seg(3), 0, "batch 3 is damaged or missing, but batch 4")));
        }
        for (int at = 0; at < r4.length; at += 3) {
            run(rig, new Case("r4 flipped at " + at, files(SEG1, LogRig.concat(r1, r2), seg(3), LogRig.concat(r3, flip(r4, at))),
                    new Recovered(-1, 1, 3, r4.length, List.of(SEG1, seg(3)))));
        }
    }

    @Test
    void theWrittenLaterRecordsDurabilityMarkDecidesBetweenCutAndCorruption() {
        LogRig rig = new LogRig(24, DiskFaultConfig.none(), LogOptions.defaults());
        byte[] r1 = rec(1);
        byte[] r2 = rec(2);
        byte[] torn3 = Arrays.copyOf(rec(3), 20);
        // Batch 4 was written while 3 was still syncing (durable through 2): nothing proves 3.
        byte[] r4early = rec(4, 2);
        byte[] r4late = rec(4, 3);
        run(rig, new Case("garbage then an unproving record", files(SEG1, LogRig.concat(r1, r2, torn3, r4early)),
                new Recovered(-1, 1, 2, torn3.length + r4early.length, List.of(SEG1))));
        run(rig, new Case("garbage then a proving record", files(SEG1, LogRig.concat(r1, r2, torn3, r4late)),
                new Corrupt(SEG1, r1.length + r2.length, "batch 3 is damaged or missing, but batch 4")));
        // A missing segment: 3 is gone with its file.
        run(rig, new Case("gap, unproving", files(SEG1, LogRig.concat(r1, r2), seg(4), r4early),
                new Recovered(-1, 1, 2, r4early.length, List.of(SEG1))));
        assertThat(rig.labels("log-cut")).contains("id=" + LogRig.ID.hex() + " path=" + rig.objectDir() + "/" + seg(4)
                + " offset=0 bytes=" + r4early.length);
        run(rig, new Case("gap, proving", files(SEG1, LogRig.concat(r1, r2), seg(4), r4late),
                new Corrupt(SEG1, r1.length + r2.length, "batch 3 is damaged or missing, but batch 4")));
        // A torn tail with more unproving segments after it: all of them go.
        run(rig, new Case("torn, two later segments", files(SEG1, LogRig.concat(r1, r2, torn3), seg(4), r4early, seg(5), rec(5, 2)),
                new Recovered(-1, 1, 2, torn3.length + r4early.length + rec(5, 2).length, List.of(SEG1))));
        // A segment whose name says batch 1 but which starts at batch 2.
        run(rig, new Case("misnamed segment", files(SEG1, LogRig.concat(r2, rec(3))),
                new Corrupt(SEG1, 0, "batch 1 is damaged or missing, but batch 2")));
        run(rig, new Case("misnamed, unproving", files(SEG1, LogRig.concat(rec(2, 0))),
                new Recovered(-1, 1, 0, rec(2, 0).length, List.of(SEG1))));
    }

    @Test
    void snapshotsProveBatchesAndBoundWhereTheLogMayStartAndEnd() {
        LogRig rig = new LogRig(25, DiskFaultConfig.none(), LogOptions.defaults());
        byte[] r1 = rec(1);
        byte[] r2 = rec(2);
        byte[] r3 = rec(3);
        byte[] torn3 = Arrays.copyOf(r3, r3.length - 1);
        run(rig, new Case("torn batch the snapshot covers", files(SEG1, LogRig.concat(r1, r2, torn3), snapName(3), snap(3)),
                new Corrupt(SEG1, r1.length + r2.length, "batch 3 is damaged or missing, but snapshot 3 proves it was durable")));
        run(rig, new Case("torn batch just past the snapshot", files(SEG1, LogRig.concat(r1, r2, torn3), snapName(2), snap(2)),
                new Recovered(2, 3, 2, torn3.length, List.of(SEG1, snapName(2)))));
        run(rig, new Case("log starts right after the snapshot", files(seg(3), LogRig.concat(r3, rec(4)), snapName(2), snap(2)),
                new Recovered(2, 3, 4, 0, List.of(seg(3), snapName(2)))));
        run(rig, new Case("log starts one past", files(seg(4), rec(4), snapName(2), snap(2)),
                new Corrupt(seg(4), 0, "the log starts at batch 4 but no snapshot covers the batches before it (latest snapshot: 2)")));
        run(rig, new Case("log starts at 2 without a snapshot", files(seg(2), LogRig.concat(r2, r3)),
                new Corrupt(seg(2), 0, "the log starts at batch 2 but no snapshot covers the batches before it (latest snapshot: none)")));
        run(rig, new Case("log ends before the snapshot", files(SEG1, LogRig.concat(r1, r2), snapName(3), snap(3)),
                new Corrupt(SEG1, r1.length + r2.length, "the log ends at batch 2 before snapshot 3")));
        run(rig, new Case("log ends at the snapshot", files(SEG1, LogRig.concat(r1, r2), snapName(2), snap(2)),
                new Recovered(2, 3, 2, 0, List.of(SEG1, snapName(2)))));
        run(rig, new Case("snapshot 0, the empty state", files(SEG1, LogRig.concat(r1, r2), snapName(0), snap(0)),
                new Recovered(0, 1, 2, 0, List.of(SEG1, snapName(0)))));
        run(rig, new Case("snapshot 0 and a log from 2", files(seg(2), r2, snapName(0), snap(0)),
                new Corrupt(seg(2), 0, "the log starts at batch 2 but no snapshot covers the batches before it (latest snapshot: 0)")));
        run(rig, new Case("only a snapshot", files(snapName(5), snap(5)), new Recovered(5, 6, 5, 0, List.of(snapName(5)))));
        // An empty segment left behind a snapshot (its records were never written) goes.
        run(rig, new Case("empty segment behind the snapshot", files(seg(4), new byte[0], snapName(5), snap(5)),
                new Recovered(5, 6, 5, 0, List.of(snapName(5)))));
        run(rig, new Case("empty segment right after the snapshot stays", files(seg(6), new byte[0], snapName(5), snap(5)),
                new Recovered(5, 6, 5, 0, List.of(seg(6), snapName(5)))));
        byte[] badSnap = flip(snap(3), 30);
        run(rig, new Case("damaged snapshot", files(SEG1, LogRig.concat(r1, r2, r3), snapName(3), badSnap),
                new Corrupt(snapName(3), 0, "snapshot 3 fails its checksum")));
        run(rig, new Case("snapshot file of another batch", files(SEG1, LogRig.concat(r1, r2, r3), snapName(3), snap(2)),
                new Corrupt(snapName(3), 0, "snapshot 3 fails its checksum")));
        run(rig, new Case("the latest of two snapshots", files(SEG1, LogRig.concat(r1, r2, r3), snapName(1), snap(1), snapName(2), snap(2)),
                new Recovered(2, 3, 3, 0, List.of(SEG1, snapName(1), snapName(2)))));
    }

    @Test
    void leftoversAndStrayFilesInTheObjectDirectory() {
        LogRig rig = new LogRig(26, DiskFaultConfig.none(), LogOptions.defaults());
        byte[] r1 = rec(1);
        run(rig, new Case("an unfinished snapshot is deleted, strays stay",
                files(SEG1, r1, snapName(1) + LogLayout.TMP_SUFFIX, new byte[] {1, 2}, "junk", new byte[] {3},
                        "seg-12", r1, "snap-x0000000000000000001", new byte[0]),
                new Recovered(-1, 1, 1, 0, List.of("junk", SEG1, "seg-12", "snap-x0000000000000000001"))));
        assertThat(rig.device.durableImage().keySet()).as("the .tmp's deletion is durable")
                .noneMatch(p -> p.endsWith(LogLayout.TMP_SUFFIX));

        // No meta: an unfinished creation; everything in the directory goes, durably.
        craft(rig, files(SEG1, r1, "junk", new byte[] {1}), false);
        Recovery r = rig.recover();
        assertThat(r.lastSeq()).isZero();
        assertThat(rig.labels("log-recover")).last().asString().endsWith("seq=0 snapshot=none entries=0 cut=0 leftovers=2");
        assertThat(rig.world.disk().list(rig.objectDir())).isEmpty();
        assertThat(rig.device.openHandles()).isZero();
        rig.runMillis(5);
        rig.crashAndRestart();
        assertThat(rig.world.disk().list(rig.objectDir())).as("the deletions were made durable").isEmpty();

        // A damaged meta is rewritten from what the path says.
        byte[] meta = LogFormat.encodeMeta(LogRig.NS, LogRig.ID);
        // Damaged and longer than a meta: the rewrite must not leave the old tail behind.
        Map<String, byte[]> damaged = files(LogLayout.META, LogRig.concat(flip(meta, 12), new byte[9]), SEG1, LogRig.concat(r1, rec(2)));
        craft(rig, damaged, false);
        assertThat(rig.recover().lastSeq()).isEqualTo(2);
        assertThat(rig.labels("log-meta-rewritten")).last().asString().endsWith("path=" + rig.objectDir() + "/meta");
        rig.crashAndRestart();
        SortedMap<String, byte[]> image = rig.device.durableImage();
        assertThat(image.get(rig.objectDir() + "/meta")).as("rewritten durably").isEqualTo(meta);
        rig.recover();
        assertThat(rig.labels("log-meta-rewritten")).as("rewritten once, whole").hasSize(1);

        // The meta of another object: refused, not mixed up.
        craft(rig, files(LogLayout.META, LogFormat.encodeMeta(LogRig.NS, LogRig.id(2, "bob")), SEG1, r1), false);
        Promise<Recovery> other = rig.await(x -> x.log().recover());
        assertThat(other.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to object "
                + LogRig.id(2, "bob").hex());
        craft(rig, files(LogLayout.META, LogFormat.encodeMeta("counters", LogRig.ID), SEG1, r1), false);
        assertThat(rig.await(x -> x.log().recover()).failure()).hasMessageContaining("of namespace 'counters'");
    }

    @Test
    void recoverAtReadsEveryBatchAcrossOneRecordSegmentsAndReportsLaterDamage() {
        LogRig rig = new LogRig(27, DiskFaultConfig.none(), LogOptions.defaults().withSegmentBytes(1));
        rig.recover();
        for (long s = 1; s <= 8; s++) {
            long seq = s;
            rig.awaitValue(r -> r.log().append(LogRig.entry(seq, r.world.clock().wallMillis())));
        }
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(4, 0, new byte[] {4})));
        rig.crashAndRestart();
        assertThat(rig.recover().entries()).extracting(LogEntry::seq).containsExactly(5L, 6L, 7L, 8L);
        assertThat(rig.device.openHandles()).as("meta and eight segments").isEqualTo(9);
        for (long at = 0; at <= 8; at++) {
            long seq = at;
            Recovery r = rig.awaitValue(x -> x.log().recoverAt(seq));
            long base = at >= 4 ? 4 : -1;
            assertThat(r.snapshot().map(Snapshot::seq).orElse(-1L)).as("as of %d", at).isEqualTo(base);
            List<Long> want = new ArrayList<>();
            for (long s = Math.max(base, 0) + 1; s <= at; s++) want.add(s);
            assertThat(r.entries()).as("as of %d", at).extracting(LogEntry::seq).containsExactlyElementsOf(want);
            for (LogEntry e : r.entries()) assertThat(e.payload()).isEqualTo(LogRig.payload(e.seq()));
        }
        assertThat(rig.await(x -> x.log().recoverAt(-1)).failure()).hasMessageContaining("the last durable batch is 8");
        assertThat(rig.await(x -> x.log().recoverAt(9)).failure()).hasMessageContaining("the last durable batch is 8");
        // Damage after recovery: point-in-time reads verify again.
        String seg3 = rig.objectDir() + "/" + seg(3);
        rig.device.injectBitFlips(seg3, 40, 41, 1);
        Promise<Recovery> damaged = rig.await(x -> x.log().recoverAt(3));
        assertThat(damaged.failure()).isInstanceOf(LogCorruptedException.class)
                .hasMessageContaining("batch 3 no longer reads back as written");
        assertThat(((LogCorruptedException) damaged.failure()).path()).isEqualTo(seg3);
        assertThat(rig.awaitValue(x -> x.log().recoverAt(2)).entries()).hasSize(2);
        assertThat(rig.await(x -> x.log().recoverAt(5)).isFailed()).as("5 builds on snapshot 4, not on 3").isFalse();
    }

    @Test
    void anEmptySegmentLeftCurrentByRecoveryTakesTheNextBatchAfterAnotherSnapshot() {
        LogRig rig = new LogRig(28, DiskFaultConfig.none(), LogOptions.defaults());
        craft(rig, files(seg(6), new byte[0], snapName(5), snap(5)), true);
        assertThat(rig.recover().lastSeq()).isEqualTo(5);
        rig.awaitValue(r -> r.log().snapshot(new Snapshot(5, 0, new byte[] {5, 5})));
        rig.awaitValue(r -> r.log().append(LogRig.entry(6, 1_006)));
        rig.crashAndRestart();
        Recovery r = rig.recover();
        assertThat(r.snapshot()).get().extracting(Snapshot::image).isEqualTo(new byte[] {5, 5});
        assertThat(r.entries()).extracting(LogEntry::seq).containsExactly(6L);
        assertThat(rig.world.disk().list(rig.objectDir())).containsExactly("meta", seg(6), snapName(5));
    }

    @Test
    void aRestartedProcessOverTheSamePageCacheMakesTheWholePathDurableBeforeServing() {
        // Files written and synced, but no directory entry synced: what a process that died before
        // its directory syncs leaves in the page cache. A new store (a new process, same kernel)
        // recovers; only then does the machine crash.
        LogRig rig = new LogRig(29, DiskFaultConfig.none(), LogOptions.defaults());
        String dir = rig.objectDir();
        rig.awaitValue(r -> {
            Disk disk = r.world.disk();
            disk.createDirectories(dir);
            List<Promise<Void>> syncs = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : files(LogLayout.META, LogFormat.encodeMeta(LogRig.NS, LogRig.ID),
                    SEG1, LogRig.concat(rec(1), rec(2))).entrySet()) {
                DiskFile f = disk.open(dir + "/" + e.getKey(), true);
                f.write(0, e.getValue(), 0, e.getValue().length);
                syncs.add(f.sync());
            }
            return Promise.all(r.world.loop(), syncs).map(v -> null);
        });
        DiskLogStore restarted = new DiskLogStore(rig.world, rig.options);
        Recovery first = rig.awaitValue(r -> restarted.open(LogRig.NS, LogRig.ID).recover());
        assertThat(first.lastSeq()).isEqualTo(2);
        rig.crashAndRestart();
        assertThat(rig.recover().entries()).as("served, so durable: every ancestor's entry was synced")
                .extracting(LogEntry::seq).containsExactly(1L, 2L);
    }
}
