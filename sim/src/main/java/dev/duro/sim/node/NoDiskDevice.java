package dev.duro.sim.node;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TraceSink;
import dev.duro.sim.disk.DiskDevice;
import java.util.List;

/**
 * A device for nodes that keep no state on disk (network-only scenarios, benchmarks): nothing
 * exists, and every operation that would create or change something fails with
 * {@link DiskException.Kind#IO_ERROR}. Crashing it does nothing.
 */
public final class NoDiskDevice implements DiskDevice {
    /** A factory giving every node a {@code NoDiskDevice}. */
    public static final DiskDeviceFactory FACTORY = (node, entropy) -> new NoDiskDevice();

    @Override
    public Disk mount(Loop loop, TraceSink trace) {
        return new Disk() {
            @Override
            public DiskFile open(String path, boolean create) {
                throw new DiskException(create ? DiskException.Kind.IO_ERROR : DiskException.Kind.NOT_FOUND, path,
                        "this node has no disk");
            }

            @Override
            public boolean exists(String path) {
                return false;
            }

            @Override
            public List<String> list(String dir) {
                return List.of();
            }

            @Override
            public void createDirectories(String dir) {
                throw new DiskException(DiskException.Kind.IO_ERROR, dir, "this node has no disk");
            }

            @Override
            public void delete(String path) {
                // nothing exists, so there is nothing to delete
            }

            @Override
            public void rename(String from, String to) {
                throw new DiskException(DiskException.Kind.NOT_FOUND, from, "this node has no disk");
            }

            @Override
            public Promise<Void> syncDirectory(String dir) {
                return Promise.succeeded(loop, null);
            }
        };
    }

    @Override
    public void crash() {
        // no state to lose
    }
}
