package dev.duro.deploy.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.DiskException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One of a disk's sync lanes ({@link FileDisk#lane}): an fsync thread, so that no fsync ever
 * blocks the event loop. Group commit: while one
 * batch of forces runs, new requests queue; the next batch takes all of them and forces each file
 * (and each directory) once, however many syncs of it were queued. A sync covers every write
 * issued before it because writes reach the page cache synchronously, on the loop, before the sync
 * is queued. Promises complete on their loop ({@link Promise#complete} hops there).
 *
 * <p>{@link #stop()} is a crash: queued requests never complete, like a simulated sync in flight
 * when its node crashes.
 */
final class SyncThread {
    /** A test seam: runs on the sync thread before each batch's forces. */
    interface BeforeBatch {
        void run(int requests);
    }

    private sealed interface Request {
        Promise<Void> promise();
    }

    private record FileSync(FileDiskFile file, Promise<Void> promise) implements Request {
    }

    private record DirectorySync(Path directory, String path, Promise<Void> promise) implements Request {
    }

    private final Object lock = new Object();
    private List<Request> queue = new ArrayList<>();
    private boolean stopping;
    private final Thread thread;
    private final BeforeBatch beforeBatch;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();

    SyncThread(String name, BeforeBatch beforeBatch) {
        this.beforeBatch = beforeBatch;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    void syncFile(FileDiskFile file, Promise<Void> promise) {
        submit(new FileSync(file, promise));
    }

    void syncDirectory(Path directory, String path, Promise<Void> promise) {
        submit(new DirectorySync(directory, path, promise));
    }

    /** Syncs asked for so far. */
    long syncs() {
        return syncs.get();
    }

    /** fsyncs (FileChannel.force) issued so far; at most {@link #syncs()}, fewer when batches formed. */
    long forces() {
        return forces.get();
    }

    /** Stops after the batch in progress; queued requests are dropped. Any thread, idempotent. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            queue = new ArrayList<>();
            lock.notifyAll();
        }
    }

    private void submit(Request r) {
        syncs.incrementAndGet();
        synchronized (lock) {
            if (stopping) return; // the node is gone: the promise never completes, as after a crash
            queue.add(r);
            lock.notifyAll();
        }
    }

    private void run() {
        while (true) {
            List<Request> batch;
            synchronized (lock) {
                while (queue.isEmpty() && !stopping) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return; // nobody interrupts this thread but a JVM going down
                    }
                }
                if (stopping) return;
                batch = queue;
                queue = new ArrayList<>();
            }
            beforeBatch.run(batch.size());
            runBatch(batch);
        }
    }

    private void runBatch(List<Request> batch) {
        Map<Object, List<Request>> byTarget = new LinkedHashMap<>();
        for (Request r : batch) {
            Object key = switch (r) {
                case FileSync f -> f.file();
                case DirectorySync d -> d.directory();
            };
            byTarget.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        for (List<Request> group : byTarget.values()) {
            DiskException failure = switch (group.getFirst()) {
                case FileSync f -> f.file().forceForSync(group.size(), forces);
                case DirectorySync d -> forceDirectory(d.directory(), d.path());
            };
            for (Request r : group) {
                if (failure == null) r.promise().complete(null);
                else r.promise().fail(failure);
            }
        }
    }

    /** Opens the directory read-only and forces it: on Linux, fsync of a directory makes its entries durable. */
    private DiskException forceDirectory(Path directory, String path) {
        forces.incrementAndGet();
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
            return null;
        } catch (IOException e) {
            DiskException d = IoErrors.map(path, e);
            return d.kind() == DiskException.Kind.NOT_FOUND ? d
                    : new DiskException(DiskException.Kind.IO_ERROR, path, "directory fsync failed: " + d.getMessage());
        }
    }
}
