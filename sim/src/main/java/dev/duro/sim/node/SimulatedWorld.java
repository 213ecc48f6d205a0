package dev.duro.sim.node;

import dev.duro.model.world.Clock;
import dev.duro.model.world.Disk;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.FaultPoints;
import dev.duro.model.world.Loop;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.TraceSink;
import dev.duro.model.world.Transport;
import dev.duro.model.world.World;

/** The world one node incarnation sees; built fresh by every (re)start. */
public record SimulatedWorld(NodeId self, Clock clock, Loop loop, Transport transport, Disk disk,
                             Entropy entropy, FaultPoints faultPoints, TraceSink trace,
                             java.util.function.Consumer<String> exitHook) implements World {
    @Override
    public void exit(String reason) {
        exitHook.accept(reason);
    }
}
