package dev.duro.deploy.disk;

import dev.duro.deploy.OnLoop;
import dev.duro.model.async.Promise;
import dev.duro.model.world.DiskFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test-only lazy disk of {@code duro cluster test}: unsynced writes are visible to every
 * handle of the file but reach the file only when it is synced, so a crash (here the disk's
 * close, as a node stop) loses them; the planted lying disk answers a sync one batch early.
 */
class LazyFileDiskTest extends DiskLoopFixture {

    private FileDisk disk(FileDisk.Mode mode) {
        FileDisk d = FileDisk.openLazy(root, loop, "test-fsync", mode);
        disks.add(d);
        return d;
    }

    private <T> T onLoop(Supplier<T> action) {
        return OnLoop.call(loop, action, WAIT_MILLIS, "disk call");
    }

    private void sync(DiskFile f) {
        Promise<Void> p = OnLoop.await(loop, f::sync, WAIT_MILLIS, "sync");
        if (p.isFailed()) throw new AssertionError("sync failed: " + p.failure(), p.failure());
    }

    private String onFile(String path) throws IOException {
        return Files.readString(root.resolve(path), StandardCharsets.ISO_8859_1);
    }

    private static String text(DiskFile f) {
        return new String(f.readFully(0, (int) f.size()), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void unsyncedWritesAreReadableButReachTheFileOnlyWhenSynced() throws IOException {
        FileDisk disk = disk(FileDisk.Mode.LAZY);
        DiskFile f = onLoop(() -> disk.open("log", true));
        DiskFile other = onLoop(() -> disk.open("log", false));
        onLoop(() -> {
            f.append(bytes("hello"));
            return null;
        });
        assertThat(onLoop(() -> text(other))).as("another handle sees them, as through the page cache").isEqualTo("hello");
        assertThat(onFile("log")).as("nothing on file before the sync").isEmpty();
        sync(f);
        assertThat(onFile("log")).isEqualTo("hello");

        onLoop(() -> {
            f.truncate(2);
            f.write(4, bytes("xy"), 0, 2); // the gap reads as zeros, as after a real truncate and write
            return null;
        });
        assertThat(onLoop(() -> text(f))).isEqualTo("he\0\0xy");
        assertThat(onLoop(() -> f.read(1, new byte[3], 0, 3))).isEqualTo(3);
        assertThat(onFile("log")).isEqualTo("hello");
        sync(other);
        assertThat(onFile("log")).isEqualTo("he\0\0xy");
    }

    @Test
    void aCrashLosesWhatWasNotSyncedAndACloseDoesNot() throws IOException {
        FileDisk disk = disk(FileDisk.Mode.LAZY);
        onLoop(() -> {
            DiskFile closed = disk.open("closed", true);
            closed.append(bytes("kept"));
            closed.close();
            DiskFile f = disk.open("log", true);
            f.append(bytes("synced "));
            return null;
        });
        DiskFile f = onLoop(() -> disk.open("log", false));
        sync(f);
        onLoop(() -> {
            f.append(bytes("unsynced"));
            return null;
        });
        disk.close(); // the node stops as in a kill: its process memory is gone
        assertThat(onFile("log")).isEqualTo("synced ");
        assertThat(onFile("closed")).as("a close is no crash: the bytes were handed to the file").isEqualTo("kept");
        FileDisk after = disk(FileDisk.Mode.LAZY);
        assertThat(onLoop(() -> text(after.open("log", false)))).isEqualTo("synced ");
    }

    @Test
    void thePlantedLyingDiskAnswersASyncOneBatchEarly() throws IOException {
        FileDisk disk = disk(FileDisk.Mode.LAZY_LYING);
        DiskFile f = onLoop(() -> disk.open("log", true));
        onLoop(() -> {
            f.append(bytes("a"));
            return null;
        });
        sync(f);
        assertThat(onFile("log")).as("the sync succeeded, yet nothing is on file").isEmpty();
        onLoop(() -> {
            f.append(bytes("b"));
            return null;
        });
        sync(f);
        assertThat(onFile("log")).as("each sync writes what the one before it covered").isEqualTo("a");
        assertThat(onLoop(() -> text(f))).isEqualTo("ab");
    }
}
