package dev.duro.sim.disk;

import dev.duro.model.world.Disk;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TraceSink;

/**
 * A node's simulated disk device. It outlives its node's crashes: what it held durably is there
 * for the next incarnation; what was volatile is subject to the crash model.
 */
public interface DiskDevice {
    /**
     * Mounts the device for a new incarnation of its node. Sync completions and simulated latency
     * run on {@code loop}; disk operations and injected faults are reported to {@code trace}.
     * Handles from earlier incarnations are dead. Mounting again without a {@link #crash()} models
     * a process restart on a live machine: old handles die, volatile data stays.
     */
    Disk mount(Loop loop, TraceSink trace);

    /**
     * The node crashed at this instant: apply the crash model to every unsynced write and
     * directory change (lose it, or, where the fault config allows, tear or corrupt it), and kill
     * all open handles and pending sync completions.
     */
    void crash();
}
