package dev.duro.deploy.world;

import dev.duro.model.world.Clock;
import dev.duro.model.world.Disk;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.Transport;
import dev.duro.model.world.World;

import java.util.function.Consumer;

/**
 * The world of a deployed node: what {@link dev.duro.deploy.node.RealNode} assembles. Fault points
 * are {@link dev.duro.model.world.FaultPoints#NONE} and traces go nowhere (the defaults).
 *
 * @param exit what {@link #exit} does after the loop has stopped: in a process, log and end it
 *             non-zero; in tests, whatever the test injects
 */
public record RealWorld(NodeId self, Clock clock, NettyLoop loop, Transport transport, Disk disk, Entropy entropy,
                        Consumer<String> exit) implements World {
    /** Stops the loop first (no later task of this node runs), then hands the reason to {@code exit}. */
    @Override
    public void exit(String reason) {
        loop.stop();
        exit.accept(reason);
    }
}
