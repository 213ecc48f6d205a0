package dev.duro.cli.bench;

import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.net.NetworkConfig;
import dev.duro.sim.node.NoDiskDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Simulated network throughput: messages per second. Two nodes bounce {@code inFlight} small
 * messages (three longs, 24 bytes) back and forth; each operation is one delivery: decode the
 * message, encode the reply, send it (trace record, entropy draws for loss, duplication and
 * latency, queue push), plus the delivery's pop and trace record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NetworkBenchmark {
    static final int BATCH = 1_000;

    @Param({"64"})
    public int inFlight;

    private Simulation sim;

    @Setup(Level.Trial)
    public void setUp() {
        NetworkConfig config = new NetworkConfig(500_000, 500_000, NetworkConfig.Jitter.UNIFORM, 0, 0, 0, 0);
        sim = new Simulation(Simulation.Options.seed(1).withNetwork(config));
        sim.addNode(world -> program(world, true), NoDiskDevice.FACTORY);
        sim.addNode(world -> program(world, false), NoDiskDevice.FACTORY);
        sim.startAll();
        sim.kernel().budget(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    private void program(World world, boolean starter) {
        NodeId peer = NodeId.of(1 - world.self().index());
        world.transport().onReceive((from, bytes) -> {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            long id = in.getLong();
            long hops = in.getLong();
            long stamp = in.getLong();
            world.transport().send(from, encode(id, hops + 1, stamp ^ hops));
        });
        if (starter) {
            for (int i = 0; i < inFlight; i++) world.transport().send(peer, encode(i, 0, 0));
        }
    }

    private static byte[] encode(long id, long hops, long stamp) {
        return ByteBuffer.allocate(24).putLong(id).putLong(hops).putLong(stamp).array();
    }

    /** One operation = one message delivered (and its reply encoded and sent). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public StopReason messages() {
        StopReason r = null;
        for (int i = 0; i < BATCH; i++) r = sim.step();
        return r;
    }
}
