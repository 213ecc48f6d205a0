package dev.duro.sim.disk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The durability contract of {@link dev.duro.model.world.Disk} and each injectable fault, one case at a time. */
class SimDiskDeviceTest {
    private static final long SEED = 0x5EED_D15CL;
    private Rig rig;

    private Rig rig(DiskFaultConfig config) {
        rig = new Rig(SEED, config);
        return rig;
    }

    @AfterEach
    void closeRig() {
        if (rig != null) rig.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    // --- durability --------------------------------------------------------------------------

    @Test
    @DisplayName("synced data of a durably created file survives a crash")
    void syncedDataSurvivesCrash() {
        Rig r = rig(DiskFaultConfig.none());
        r.createDurably("objects/ab/log", bytes("hello"));
        r.crashAndRestart();
        assertThat(text(r.readAll("objects/ab/log"))).as("seed %d", SEED).isEqualTo("hello");
        assertThat(r.disk.list("objects")).containsExactly("ab");
    }

    @Test
    @DisplayName("a disk wiped while its node is down comes back blank; a mounted disk refuses to be wiped")
    void wipeLosesEverything() {
        Rig r = rig(DiskFaultConfig.none());
        r.createDurably("objects/ab/log", bytes("hello"));
        assertThatThrownBy(() -> r.device.wipe()).hasMessageContaining("only while the node is down");
        r.crashWipeAndRestart();
        assertThat(r.disk.list("")).as("seed %d", SEED).isEmpty();
        assertThat(r.device.durableImage()).isEmpty();
        assertThat(r.device.usedBytes()).isZero();
        assertThat(r.device.stats().faults().get(DiskFaultKind.LOST_DISK)).isEqualTo(1L);
        r.createDurably("objects/cd/log", bytes("again")); // the blank disk works as a new one
        r.crashAndRestart();
        assertThat(text(r.readAll("objects/cd/log"))).isEqualTo("again");
        assertThat(r.disk.list("objects")).containsExactly("cd");
    }

    @Test
    @DisplayName("unsynced writes are lost at a crash; reads saw them before")
    void unsyncedWritesLost() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("log", bytes("synced;"));
        file.append(bytes("volatile"));
        file.write(0, bytes("S"), 0, 1);
        assertThat(text(r.readAll("log"))).isEqualTo("Synced;volatile");
        r.crashAndRestart();
        assertThat(text(r.readAll("log"))).as("seed %d", SEED).isEqualTo("synced;");
        assertThat(r.device.stats().lostWrites()).isEqualTo(2);
    }

    @Test
    @DisplayName("a sync covers the writes issued before the call, not those issued while it is in flight")
    void syncCoversOnlyEarlierWrites() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("log", new byte[0]);
        file.append(bytes("a"));
        Promise<Void> sync = file.sync();
        file.append(bytes("b"));
        r.await(sync).value();
        r.crashAndRestart();
        assertThat(text(r.readAll("log"))).as("seed %d", SEED).isEqualTo("a");
    }

    @Test
    @DisplayName("a sync in flight at the crash makes nothing durable and its promise never completes")
    void syncInFlightAtCrashIsNotDurable() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("log", bytes("x"));
        file.append(bytes("y"));
        Promise<Void> sync = file.sync();
        ManualLoop oldLoop = r.loop;
        r.device.crash(); // the old loop is deliberately left alive: the device itself must drop the completion
        oldLoop.runAll();
        assertThat(sync.isDone()).as("seed %d", SEED).isFalse();
        r.loop = new ManualLoop();
        r.disk = r.device.mount(r.loop, r.sink);
        assertThat(text(r.readAll("log"))).isEqualTo("x");
    }

    @Test
    @DisplayName("truncate is volatile until synced")
    void truncateIsVolatileUntilSynced() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("f", bytes("0123456789"));
        file.truncate(4);
        assertThat(file.size()).isEqualTo(4);
        r.crashAndRestart();
        assertThat(text(r.readAll("f"))).isEqualTo("0123456789");
        file = r.disk.open("f", false);
        file.truncate(4);
        r.await(file.sync()).value();
        r.crashAndRestart();
        assertThat(text(r.readAll("f"))).as("seed %d", SEED).isEqualTo("0123");
    }

    // --- directory sync rules ----------------------------------------------------------------

    @Test
    @DisplayName("a new file whose directory was not synced vanishes at a crash, even with its data synced")
    void createNeedsDirectorySync() {
        Rig r = rig(DiskFaultConfig.none());
        r.disk.createDirectories("d");
        r.syncDirectoriesUpTo("d");
        DiskFile file = r.disk.open("d/new", true);
        file.append(bytes("data"));
        r.await(file.sync()).value();
        r.crashAndRestart();
        assertThat(r.disk.exists("d/new")).as("seed %d", SEED).isFalse();
        assertThat(r.disk.list("d")).isEmpty();
        assertThat(r.device.stats().bytesSynced()).isEqualTo(4);
    }

    @Test
    @DisplayName("a directory sync makes a file durable only if its parent directories are durable too")
    void directorySyncNeedsDurableParents() {
        Rig r = rig(DiskFaultConfig.none());
        r.disk.createDirectories("a/b");
        DiskFile file = r.disk.open("a/b/f", true);
        file.append(bytes("data"));
        r.await(file.sync()).value();
        r.await(r.disk.syncDirectory("a/b")).value(); // but "a" is not in the durable root
        r.crashAndRestart();
        assertThat(r.disk.exists("a")).as("seed %d", SEED).isFalse();
        assertThat(r.device.durableImage()).isEmpty();
    }

    @Test
    @DisplayName("a rename survives only after the directory sync; before it, the old name and content survive")
    void renameNeedsDirectorySync() {
        Rig r = rig(DiskFaultConfig.none());
        r.createDurably("d/snapshot", bytes("old"));
        DiskFile tmp = r.disk.open("d/snapshot.tmp", true);
        tmp.append(bytes("new"));
        r.await(tmp.sync()).value();
        r.disk.rename("d/snapshot.tmp", "d/snapshot");
        assertThat(text(r.readAll("d/snapshot"))).isEqualTo("new");
        r.crashAndRestart();
        assertThat(text(r.readAll("d/snapshot"))).as("seed %d", SEED).isEqualTo("old");
        assertThat(r.disk.list("d")).containsExactly("snapshot");

        tmp = r.disk.open("d/snapshot.tmp", true);
        tmp.append(bytes("new"));
        r.await(tmp.sync()).value();
        r.disk.rename("d/snapshot.tmp", "d/snapshot");
        r.await(r.disk.syncDirectory("d")).value();
        r.crashAndRestart();
        assertThat(text(r.readAll("d/snapshot"))).isEqualTo("new");
        assertThat(r.disk.list("d")).containsExactly("snapshot");
    }

    @Test
    @DisplayName("a delete survives only after the directory sync")
    void deleteNeedsDirectorySync() {
        Rig r = rig(DiskFaultConfig.none());
        r.createDurably("d/f", bytes("keep"));
        r.disk.delete("d/f");
        assertThat(r.disk.exists("d/f")).isFalse();
        r.crashAndRestart();
        assertThat(text(r.readAll("d/f"))).as("seed %d", SEED).isEqualTo("keep");
        r.disk.delete("d/f");
        r.await(r.disk.syncDirectory("d")).value();
        r.crashAndRestart();
        assertThat(r.disk.exists("d/f")).isFalse();
    }

    @Test
    @DisplayName("an older directory sync completing after a newer one does not roll the directory back")
    void overlappingDirectorySyncsDoNotRollBack() {
        Rig r = rig(DiskFaultConfig.none().withSyncLatencyNanos(1_000, 1_000));
        r.disk.createDirectories("d");
        r.syncDirectoriesUpTo("d");
        r.device.slowFsync(100);
        Promise<Void> older = r.disk.syncDirectory("d"); // snapshot without "f", completes late
        r.device.slowFsync(1);
        r.disk.open("d/f", true).close();
        Promise<Void> newer = r.disk.syncDirectory("d");
        r.await(newer).value();
        assertThat(older.isDone()).isFalse();
        r.await(older).value();
        r.crashAndRestart();
        assertThat(r.disk.list("d")).as("seed %d", SEED).containsExactly("f");
    }

    @Test
    @DisplayName("list is sorted; exists sees files and directories; the empty path is the root")
    void listAndExists() {
        Rig r = rig(DiskFaultConfig.none());
        r.disk.createDirectories("d/sub");
        for (String name : List.of("zeta", "alpha", "mid")) r.disk.open("d/" + name, true).close();
        assertThat(r.disk.list("d")).containsExactly("alpha", "mid", "sub", "zeta");
        assertThat(r.disk.list("missing")).isEmpty();
        assertThat(r.disk.exists("d/sub")).isTrue();
        assertThat(r.disk.exists("d/alpha")).isTrue();
        assertThat(r.disk.exists("")).isTrue();
        assertThat(r.disk.list("")).containsExactly("d");
    }

    @Test
    @DisplayName("open without create of a missing file, or in a missing directory, is NOT_FOUND")
    void openMissing() {
        Rig r = rig(DiskFaultConfig.none());
        assertThatThrownBy(() -> r.disk.open("nope", false))
                .isInstanceOfSatisfying(DiskException.class, e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> r.disk.open("no/dir/f", true))
                .isInstanceOfSatisfying(DiskException.class, e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.NOT_FOUND))
                .hasMessageContaining("parent directory 'no/dir' does not exist");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "/abs", "a//b", "a/", "a/../b", "..", "./a", "a\\b"})
    @DisplayName("malformed paths are BAD_PATH with a reason")
    void badPaths(String path) {
        Rig r = rig(DiskFaultConfig.none());
        assertThatThrownBy(() -> r.disk.open(path, true))
                .isInstanceOfSatisfying(DiskException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DiskException.Kind.BAD_PATH);
                    assertThat(e.getMessage()).contains("BAD_PATH").matches(m -> m.length() > 20);
                });
    }

    // --- handles after a crash ---------------------------------------------------------------

    @Test
    @DisplayName("handles and the disk of a crashed incarnation are CLOSED; closed handles too")
    void crashedHandlesAreDead() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("f", bytes("x"));
        Disk oldDisk = r.disk;
        DiskFile closedOne = r.disk.open("f", false);
        closedOne.close();
        assertThatThrownBy(closedOne::size).isInstanceOfSatisfying(DiskException.class,
                e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.CLOSED));
        r.crashAndRestart();
        for (Runnable op : List.<Runnable>of(file::size, () -> file.append(bytes("y")), file::sync,
                () -> file.readFully(0, 1), () -> oldDisk.open("f", false), () -> oldDisk.list(""))) {
            assertThatThrownBy(op::run).as("seed %d", SEED).isInstanceOfSatisfying(DiskException.class,
                    e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.CLOSED));
        }
        file.close(); // harmless
        assertThat(text(r.readAll("f"))).isEqualTo("x");
    }

    @Test
    @DisplayName("a handle follows its file through rename and delete (POSIX descriptor semantics)")
    void handleFollowsFile() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.disk.open("a", true);
        file.append(bytes("1"));
        r.disk.rename("a", "b");
        file.append(bytes("2"));
        assertThat(text(r.readAll("b"))).isEqualTo("12");
        r.disk.delete("b");
        file.append(bytes("3"));
        assertThat(text(file.readFully(0, 3))).isEqualTo("123");
        file.close();
        assertThat(r.disk.list("")).isEmpty();
        assertThat(r.device.usedBytes()).isZero();
    }

    // --- injected faults ---------------------------------------------------------------------

    @Test
    @DisplayName("a read-fault rule fails matching reads with IO_ERROR, traced; other ranges still read")
    void readFaultRule() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("d/f", new byte[8192]);
        r.device.failReads(new ReadFaultRule("d", 4096, 4097));
        assertThat(file.readFully(0, 4096)).hasSize(4096);
        assertThatThrownBy(() -> file.readFully(4000, 200)).isInstanceOfSatisfying(DiskException.class,
                e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.IO_ERROR));
        assertThat(r.traceOf("disk-read-error")).hasSize(1);
        r.device.clearReadFaults();
        assertThat(file.readFully(4000, 200)).hasSize(200);
        assertThat(r.device.stats().faults(DiskFaultKind.READ_ERROR)).isEqualTo(1);
    }

    @Test
    @DisplayName("with read-error probability 1 every read fails; with 0 none does")
    void readErrorProbability() {
        Rig r = rig(DiskFaultConfig.none().withReadErrorProbability(1.0));
        r.disk.open("f", true).append(bytes("abc"));
        DiskFile file = r.disk.open("f", false);
        assertThatThrownBy(() -> file.readFully(0, 3)).isInstanceOf(DiskException.class)
                .hasMessageContaining("read error (injected)");
        r.device.reconfigure(DiskFaultConfig.none());
        assertThat(text(file.readFully(0, 3))).isEqualTo("abc");
    }

    @Test
    @DisplayName("past the capacity a write throws NO_SPACE and writes nothing; overwrites still work")
    void capacityLimit() {
        Rig r = rig(DiskFaultConfig.none().withCapacityBytes(10));
        DiskFile file = r.disk.open("f", true);
        file.append(bytes("12345678"));
        assertThatThrownBy(() -> file.append(bytes("abc"))).isInstanceOfSatisfying(DiskException.class, e -> {
            assertThat(e.kind()).isEqualTo(DiskException.Kind.NO_SPACE);
            assertThat(e.getMessage()).contains("nothing written").contains("8 of 10 used");
        });
        assertThat(file.size()).isEqualTo(8);
        assertThat(text(file.readFully(0, 8))).isEqualTo("12345678");
        file.write(0, bytes("ab"), 0, 2);
        file.append(bytes("90"));
        assertThat(text(file.readFully(0, 10))).isEqualTo("ab34567890");
        file.truncate(5);
        file.append(bytes("xy"));
        assertThat(r.device.usedBytes()).isEqualTo(7);
        assertThat(r.traceOf("disk-no-space")).hasSize(1);
    }

    @Test
    @DisplayName("setFull refuses growing writes until cleared")
    void setFull() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.disk.open("f", true);
        file.append(bytes("abc"));
        r.device.setFull(true);
        assertThatThrownBy(() -> file.append(bytes("d"))).isInstanceOfSatisfying(DiskException.class,
                e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.NO_SPACE));
        file.write(0, bytes("A"), 0, 1);
        r.device.setFull(false);
        file.append(bytes("d"));
        assertThat(text(file.readFully(0, 4))).isEqualTo("Abcd");
        assertThat(r.device.stats().faults(DiskFaultKind.NO_SPACE)).isEqualTo(1);
    }

    @Test
    @DisplayName("a failed fsync completes with IO_ERROR and the writes it covered never become durable")
    void fsyncFailureDropsTail() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.createDurably("log", bytes("A"));
        file.append(bytes("B"));
        r.device.failNextSyncs(1);
        Promise<Void> failed = r.await(file.sync());
        assertThat(failed.isFailed()).isTrue();
        assertThat(((DiskException) failed.failure()).kind()).isEqualTo(DiskException.Kind.IO_ERROR);
        file.append(bytes("C"));
        r.await(file.sync()).value(); // succeeds, but B was dropped by the failed one
        r.crashAndRestart();
        byte[] after = r.readAll("log");
        assertThat(after).as("seed %d", SEED).hasSize(3);
        assertThat(after[0]).isEqualTo((byte) 'A');
        assertThat(after[1]).as("the dropped write leaves a hole").isEqualTo((byte) 0);
        assertThat(after[2]).isEqualTo((byte) 'C');
        assertThat(r.traceOf("disk-sync-failure")).hasSize(1);
    }

    @Test
    @DisplayName("a sync in flight when another sync of the file fails reports the error too (its writes may be gone)")
    void concurrentSyncInheritsFailure() {
        Rig r = rig(DiskFaultConfig.none().withSyncLatencyNanos(1_000, 1_000));
        DiskFile file = r.createDurably("log", bytes("A"));
        file.append(bytes("B"));
        r.device.slowFsync(10);
        Promise<Void> slow = file.sync(); // covers B, completes late
        r.device.slowFsync(1);
        r.device.failNextSyncs(1);
        Promise<Void> failing = file.sync(); // covers B too, fails first and drops B
        r.await(failing);
        assertThat(failing.isFailed()).isTrue();
        r.await(slow);
        assertThat(slow.isFailed()).as("seed %d", SEED).isTrue();
        assertThat(r.device.stats().faults(DiskFaultKind.SYNC_FAILURE)).isEqualTo(1);
        r.crashAndRestart();
        assertThat(text(r.readAll("log"))).isEqualTo("A");
    }

    @Test
    @DisplayName("slow fsync multiplies the sync latency while on")
    void slowFsync() {
        Rig r = rig(DiskFaultConfig.none().withSyncLatencyNanos(1_000, 1_000));
        DiskFile file = r.disk.open("f", true);
        long start = r.loop.nowNanos();
        r.await(file.sync());
        assertThat(r.loop.nowNanos() - start).isEqualTo(1_000);
        r.device.slowFsync(50);
        start = r.loop.nowNanos();
        r.await(file.sync());
        assertThat(r.loop.nowNanos() - start).isEqualTo(50_000);
        assertThat(r.device.stats().faults(DiskFaultKind.SLOW_SYNC)).isEqualTo(1);
    }

    @Test
    @DisplayName("a random slow sync inside a slow-fsync window takes the larger factor, not the product")
    void slowFactorsDoNotCompound() {
        Rig r = rig(DiskFaultConfig.none().withSyncLatencyNanos(1_000, 1_000).withSlowSync(1.0, 20));
        DiskFile file = r.disk.open("f", true);
        r.device.slowFsync(50);
        long start = r.loop.nowNanos();
        r.await(file.sync());
        assertThat(r.loop.nowNanos() - start).isEqualTo(50_000); // was 1 000 000 (20 x 50)
        r.device.slowFsync(1);
        start = r.loop.nowNanos();
        r.await(file.sync());
        assertThat(r.loop.nowNanos() - start).isEqualTo(20_000);
        assertThat(r.device.stats().faults(DiskFaultKind.SLOW_SYNC)).isEqualTo(2);
    }

    @Test
    @DisplayName("bit flips touch only synced bytes, are visible to reads and are traced")
    void bitFlipsOnlyInSyncedData() {
        Rig r = rig(DiskFaultConfig.none().withSectorBytes(512));
        byte[] synced = new byte[2048];
        DiskFile file = r.createDurably("f", synced);
        file.append(new byte[2048]); // unsynced tail: must never be flipped
        List<BitFlip> flips = r.device.injectBitFlips(16);
        assertThat(flips).hasSize(16).allSatisfy(flip -> {
            assertThat(flip.path()).isEqualTo("f");
            assertThat(flip.offset()).isBetween(0L, 2047L);
        });
        byte[] now = file.readFully(0, 4096);
        for (int i = 2048; i < 4096; i++) assertThat(now[i]).as("unsynced byte %d, seed %d", i, SEED).isZero();
        int flipped = 0;
        for (int i = 0; i < 2048; i++) flipped += Integer.bitCount(now[i] & 0xFF);
        assertThat(flipped).isPositive().isLessThanOrEqualTo(16);
        assertThat(r.traceOf("disk-bit-flip")).hasSize(16);
        r.crashAndRestart();
        byte[] durable = r.readAll("f");
        assertThat(durable).hasSize(2048).isEqualTo(java.util.Arrays.copyOf(now, 2048));
    }

    @Test
    @DisplayName("a targeted bit flip stays in its range; a file with no synced data gets none")
    void targetedBitFlip() {
        Rig r = rig(DiskFaultConfig.none());
        r.createDurably("f", new byte[100]);
        List<BitFlip> flips = r.device.injectBitFlips("f", 10, 20, 3);
        assertThat(flips).hasSize(3).allSatisfy(f -> assertThat(f.offset()).isBetween(10L, 19L));
        r.disk.open("g", true).append(new byte[100]);
        assertThat(r.device.injectBitFlips("g", 0, 100, 3)).isEmpty();
    }

    @Test
    @DisplayName("stats count bytes written and synced, syncs and crashes")
    void stats() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.disk.open("f", true);
        file.append(new byte[100]);
        r.await(file.sync()).value();
        file.append(new byte[50]);
        r.await(r.disk.syncDirectory("")).value();
        r.crashAndRestart();
        DiskStats stats = r.device.stats();
        assertThat(stats.bytesWritten()).isEqualTo(150);
        assertThat(stats.writes()).isEqualTo(2);
        assertThat(stats.bytesSynced()).isEqualTo(100);
        assertThat(stats.syncs()).isEqualTo(1);
        assertThat(stats.directorySyncs()).isEqualTo(1);
        assertThat(stats.lostWrites()).isEqualTo(1);
        assertThat(stats.crashes()).isEqualTo(1);
        assertThat(stats.faults()).hasSize(DiskFaultKind.values().length).containsValue(0L);
    }

    @Test
    @DisplayName("a remount without a crash keeps volatile data but kills the old handles")
    void cleanRemountKeepsVolatileData() {
        Rig r = rig(DiskFaultConfig.none());
        DiskFile file = r.disk.open("f", true);
        file.append(bytes("v"));
        r.loop.kill();
        r.loop = new ManualLoop();
        r.disk = r.device.mount(r.loop, r.sink);
        assertThatThrownBy(file::size).isInstanceOf(DiskException.class);
        assertThat(text(r.readAll("f"))).isEqualTo("v");
    }
}
