package dev.duro.deploy.disk;

import dev.duro.deploy.OnLoop;
import dev.duro.model.async.Promise;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileDiskTest extends DiskLoopFixture {

    private FileDisk disk() {
        FileDisk d = FileDisk.open(root, loop, "test-fsync");
        disks.add(d);
        return d;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private <T> T onLoop(java.util.function.Supplier<T> action) {
        return OnLoop.call(loop, action, WAIT_MILLIS, "disk call");
    }

    private void sync(java.util.function.Supplier<Promise<Void>> action, String what) {
        Promise<Void> p = OnLoop.await(loop, action, WAIT_MILLIS, what);
        if (p.isFailed()) throw new AssertionError(what + " failed: " + p.failure(), p.failure());
    }

    @Test
    void writeSyncRenameSyncDirectoryListDeleteAndReopenAfterClose() {
        FileDisk disk = disk();
        onLoop(() -> {
            disk.createDirectories("objects/ab");
            DiskFile f = disk.open("objects/ab/log.tmp", true);
            f.append(bytes("hello "));
            f.append(bytes("world"));
            f.write(0, bytes("J"), 0, 1);
            assertThat(f.size()).isEqualTo(11);
            assertThat(new String(f.readFully(0, 11), StandardCharsets.UTF_8)).isEqualTo("Jello world");
            assertThat(f.read(11, new byte[4], 0, 4)).as("at end of file").isEqualTo(-1);
            assertThatThrownBy(() -> f.readFully(8, 10)).isInstanceOfSatisfying(DiskException.class,
                    e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.SHORT_READ));
            return null;
        });
        List<Boolean> completedOnLoop = new ArrayList<>();
        sync(() -> {
            DiskFile f = disk.open("objects/ab/log.tmp", false);
            Promise<Void> p = f.sync();
            p.whenComplete((v, e) -> completedOnLoop.add(loop.inLoop()));
            f.close(); // a queued sync still completes after its handle is closed
            return p;
        }, "file sync");
        sync(() -> {
            disk.rename("objects/ab/log.tmp", "objects/ab/log");
            return disk.syncDirectory("objects/ab");
        }, "directory sync");
        assertThat(OnLoop.call(loop, () -> completedOnLoop, WAIT_MILLIS, "read")).containsExactly(true);
        onLoop(() -> {
            for (String name : List.of("b", "a", "C", "a0")) disk.open("objects/" + name, true).close();
            assertThat(disk.list("objects")).containsExactly("C", "a", "a0", "ab", "b");
            assertThat(disk.list("objects/ab")).containsExactly("log");
            assertThat(disk.list("nowhere")).isEmpty();
            assertThat(disk.exists("objects/ab/log.tmp")).isFalse();
            disk.delete("objects/b");
            disk.delete("objects/b"); // absent: a no-op
            assertThat(disk.exists("objects/b")).isFalse();
            assertThat(disk.exists("")).as("the root").isTrue();
            return null;
        });
        disk.close(); // the node stops
        assertThatThrownBy(() -> disk.list("")).isInstanceOfSatisfying(DiskException.class,
                e -> assertThat(e.kind()).isEqualTo(DiskException.Kind.CLOSED));

        FileDisk again = disk();
        String read = onLoop(() -> {
            try (DiskFile f = again.open("objects/ab/log", false)) {
                return new String(f.readFully(0, (int) f.size()), StandardCharsets.UTF_8);
            }
        });
        assertThat(read).isEqualTo("Jello world");
    }

    @Test
    void errorsCarryTheSimulatedDisksKinds() throws IOException {
        FileDisk disk = disk();
        Files.writeString(root.resolve("plain"), "x");
        Files.createDirectories(root.resolve("dir"));
        List<Object[]> cases = List.of(
                new Object[] {(Runnable) () -> disk.open("missing", false), DiskException.Kind.NOT_FOUND},
                new Object[] {(Runnable) () -> disk.open("no/parent", true), DiskException.Kind.NOT_FOUND},
                new Object[] {(Runnable) () -> disk.open("dir", true), DiskException.Kind.BAD_PATH},
                new Object[] {(Runnable) () -> disk.delete("dir"), DiskException.Kind.BAD_PATH},
                new Object[] {(Runnable) () -> disk.rename("missing", "x"), DiskException.Kind.NOT_FOUND},
                new Object[] {(Runnable) () -> disk.rename("plain", "dir"), DiskException.Kind.BAD_PATH},
                new Object[] {(Runnable) () -> disk.createDirectories("plain/sub"), DiskException.Kind.BAD_PATH},
                new Object[] {(Runnable) () -> disk.syncDirectory("missing"), DiskException.Kind.NOT_FOUND});
        for (Object[] c : cases) {
            assertThatThrownBy(((Runnable) c[0])::run).isInstanceOfSatisfying(DiskException.class,
                    e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(c[1]));
        }
        DiskException full = IoErrors.map("objects/x", new IOException("No space left on device"));
        assertThat(full.kind()).isEqualTo(DiskException.Kind.NO_SPACE);
        assertThat(full.getMessage()).contains("objects/x").contains("No space left on device");
        assertThat(IoErrors.map("x", new IOException("Input/output error")).kind()).isEqualTo(DiskException.Kind.IO_ERROR);
    }

    /**
     * Group commit, observed without timing: the first sync's force is held until 60 more syncs
     * of two files have queued behind it; they then complete after one force per file.
     */
    @Test
    void syncsQueuedWhileAForceRunsShareTheNextForce() throws InterruptedException {
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FileDisk disk = FileDisk.open(root, loop, "test-fsync", 1, requests -> {
            if (forcing.getCount() > 0) {
                forcing.countDown();
                try {
                    release.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        disks.add(disk);
        List<Promise<Void>> promises = new ArrayList<>();
        onLoop(() -> {
            DiskFile a = disk.open("a", true);
            a.append(bytes("first"));
            promises.add(a.sync());
            return null;
        });
        assertThat(forcing.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).as("the first batch started").isTrue();
        onLoop(() -> {
            DiskFile a = disk.open("a", false);
            DiskFile b = disk.open("b", true);
            for (int i = 0; i < 50; i++) {
                a.append(bytes("a" + i));
                promises.add(a.sync());
            }
            for (int i = 0; i < 10; i++) {
                b.append(bytes("b" + i));
                promises.add(b.sync());
            }
            return null;
        });
        release.countDown();
        Promise<List<Void>> all = OnLoop.await(loop, () -> Promise.all(loop, promises), WAIT_MILLIS, "61 syncs");
        assertThat(all.isSucceeded()).as("all syncs succeeded: %s", all).isTrue();
        assertThat(disk.syncs()).isEqualTo(61);
        assertThat(disk.forces()).as("one force for the first sync, then one per file for the 60 queued behind it").isEqualTo(3);
    }

    /**
     * Lanes, observed without timing: while the force of one path is held on its lane, a sync of a
     * path on another lane completes; a second sync of the held path waits for the held lane.
     */
    @Test
    void aHeldForceOnOneLaneDoesNotHoldSyncsOfPathsOnOtherLanes() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        FileDisk disk = FileDisk.open(root, loop, "test-fsync", 4, requests -> {
            if (Thread.currentThread().getName().equals("test-fsync-" + laneIndex("a", 4))) {
                try {
                    release.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        disks.add(disk);
        String other = "b";
        for (int i = 0; laneIndex(other, 4) == laneIndex("a", 4); i++) other = "b" + i;
        String b = other;
        List<Promise<Void>> held = new ArrayList<>();
        Promise<Void> free = onLoop(() -> {
            DiskFile a = disk.open("a", true);
            a.append(bytes("held"));
            held.add(a.sync());
            DiskFile f = disk.open(b, true);
            f.append(bytes("free"));
            return f.sync();
        });
        Promise<Void> done = OnLoop.await(loop, () -> free, WAIT_MILLIS, "the sync on the free lane");
        assertThat(done.isSucceeded()).as("%s synced while a's lane was held", b).isTrue();
        assertThat(onLoop(() -> held.getFirst().isDone())).as("a's sync waits for its held lane").isFalse();
        release.countDown();
        Promise<Void> a = OnLoop.await(loop, () -> held.getFirst(), WAIT_MILLIS, "a's sync");
        assertThat(a.isSucceeded()).isTrue();
        assertThat(disk.forces()).isEqualTo(2);
    }

    private static int laneIndex(String path, int lanes) {
        return Math.floorMod(path.hashCode(), lanes);
    }
}
