package dev.duro.sim.node;

import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.sim.disk.DiskDevice;

/**
 * Makes the disk device of a node, once per node (the device outlives the node's crashes). The
 * entropy is the node's own "disk" stream, for the device's fault and latency draws.
 */
@FunctionalInterface
public interface DiskDeviceFactory {
    DiskDevice create(NodeId node, Entropy entropy);
}
