package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Clock;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.FaultPoints;
import dev.duro.model.world.Loop;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TraceSink;
import dev.duro.model.world.Transport;
import dev.duro.model.world.World;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A node's {@link World} whose disk fails chosen operations the simulated disk cannot fail (a
 * delete, a directory sync that throws at once, a write that leaves half its bytes), and whose
 * {@link #exit} only records the reason: the process stays, so a test sees what a fail-stop does
 * to the callers still waiting (in a real process they race the exit).
 */
final class FaultyWorld implements World {
    private final World inner;
    private final FaultyDisk disk;
    final List<String> exits = new ArrayList<>();
    /** Paths whose delete throws {@code IO_ERROR}. */
    Predicate<String> deleteFails = p -> false;
    /** Directories whose sync throws {@code IO_ERROR} at the call. */
    Predicate<String> syncDirectoryThrows = p -> false;
    /** Paths whose writes write their first half, then throw {@link #writeFailure}. */
    Predicate<String> writeFails = p -> false;
    DiskException.Kind writeFailure = DiskException.Kind.IO_ERROR;

    FaultyWorld(World inner) {
        this.inner = inner;
        this.disk = new FaultyDisk(inner.disk());
    }

    @Override
    public NodeId self() {
        return inner.self();
    }

    @Override
    public Clock clock() {
        return inner.clock();
    }

    @Override
    public Loop loop() {
        return inner.loop();
    }

    @Override
    public Transport transport() {
        return inner.transport();
    }

    @Override
    public Disk disk() {
        return disk;
    }

    @Override
    public Entropy entropy() {
        return inner.entropy();
    }

    @Override
    public FaultPoints faultPoints() {
        return inner.faultPoints();
    }

    @Override
    public void exit(String reason) {
        exits.add(reason);
    }

    @Override
    public TraceSink trace() {
        return inner.trace();
    }

    private final class FaultyDisk implements Disk {
        private final Disk d;

        FaultyDisk(Disk d) {
            this.d = d;
        }

        @Override
        public DiskFile open(String path, boolean create) {
            return new FaultyFile(d.open(path, create));
        }

        @Override
        public boolean exists(String path) {
            return d.exists(path);
        }

        @Override
        public List<String> list(String dir) {
            return d.list(dir);
        }

        @Override
        public void createDirectories(String dir) {
            d.createDirectories(dir);
        }

        @Override
        public void delete(String path) {
            if (deleteFails.test(path)) throw new DiskException(DiskException.Kind.IO_ERROR, path, "delete failed (test)");
            d.delete(path);
        }

        @Override
        public void rename(String from, String to) {
            d.rename(from, to);
        }

        @Override
        public Promise<Void> syncDirectory(String dir) {
            if (syncDirectoryThrows.test(dir)) throw new DiskException(DiskException.Kind.IO_ERROR, dir, "sync failed (test)");
            return d.syncDirectory(dir);
        }
    }

    private final class FaultyFile implements DiskFile {
        private final DiskFile f;

        FaultyFile(DiskFile f) {
            this.f = f;
        }

        @Override
        public String path() {
            return f.path();
        }

        @Override
        public long size() {
            return f.size();
        }

        @Override
        public int read(long position, byte[] into, int offset, int length) {
            return f.read(position, into, offset, length);
        }

        @Override
        public void write(long position, byte[] from, int offset, int length) {
            if (writeFails.test(f.path())) {
                f.write(position, from, offset, length / 2);
                throw new DiskException(writeFailure, f.path(), "write failed after " + length / 2 + " bytes (test)");
            }
            f.write(position, from, offset, length);
        }

        @Override
        public void truncate(long size) {
            f.truncate(size);
        }

        @Override
        public Promise<Void> sync() {
            return f.sync();
        }

        @Override
        public void close() {
            f.close();
        }
    }
}
