package dev.duro.sim.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.TraceSink;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: a device, the current incarnation's loop and disk, and the recorded trace. */
final class Rig implements AutoCloseable {
    final long seed;
    final SimDiskDevice device;
    final List<String> trace = new ArrayList<>();
    final TraceSink sink = (kind, detail) -> trace.add(kind + " " + detail);
    ManualLoop loop;
    Disk disk;

    Rig(long seed, DiskFaultConfig config) {
        this.seed = seed;
        this.device = new SimDiskDevice(config, new TestEntropy(seed));
        mount();
    }

    private void mount() {
        loop = new ManualLoop();
        disk = device.mount(loop, sink);
    }

    /** The node crashes (its loop dies with it) and restarts on the same device. */
    void crashAndRestart() {
        loop.kill();
        device.crash();
        mount();
    }

    /** The node crashes, its disk is replaced by a blank one while it is down, and it restarts. */
    void crashWipeAndRestart() {
        loop.kill();
        device.crash();
        device.wipe();
        mount();
    }

    /** Runs the promise's loop until the promise is done; fails if the loop goes idle first. */
    <T> Promise<T> await(Promise<T> promise) {
        while (!promise.isDone()) {
            if (!loop.step()) throw new AssertionError("loop idle with " + promise + " pending (seed " + seed + ")");
        }
        loop.runReady();
        return promise;
    }

    /** Creates {@code path} (parents included) durably: data synced and every directory on the way synced. */
    DiskFile createDurably(String path, byte[] content) {
        String parent = DiskPaths.parent(path);
        disk.createDirectories(parent);
        DiskFile file = disk.open(path, true);
        file.append(content);
        await(file.sync()).value();
        syncDirectoriesUpTo(parent);
        return file;
    }

    void syncDirectoriesUpTo(String dir) {
        String current = dir;
        while (true) {
            await(disk.syncDirectory(current)).value();
            if (current.isEmpty()) return;
            current = DiskPaths.parent(current);
        }
    }

    byte[] readAll(String path) {
        try (DiskFile file = disk.open(path, false)) {
            return file.readFully(0, Math.toIntExact(file.size()));
        }
    }

    List<String> traceOf(String kind) {
        return trace.stream().filter(line -> line.startsWith(kind + " ")).toList();
    }

    @Override
    public void close() {
        device.close();
    }
}
