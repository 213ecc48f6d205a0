package dev.duro.sim.node;

import dev.duro.model.world.Disk;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TraceSink;
import dev.duro.sim.disk.DiskDevice;
import java.util.ArrayList;
import java.util.List;

/** Test double: a device with no files that counts mounts and crashes and keeps the loops it was given. */
public final class CountingDiskDevice implements DiskDevice {
    public int mounts;
    public int crashes;
    public final List<Loop> loops = new ArrayList<>();
    private final NoDiskDevice inner = new NoDiskDevice();

    @Override
    public Disk mount(Loop loop, TraceSink trace) {
        mounts++;
        loops.add(loop);
        trace.record("disk-mount", "mount " + mounts);
        return inner.mount(loop, trace);
    }

    @Override
    public void crash() {
        crashes++;
    }
}
