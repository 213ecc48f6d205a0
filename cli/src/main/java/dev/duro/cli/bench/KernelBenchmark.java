package dev.duro.cli.bench;

import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.NoDiskDevice;
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
 * Kernel throughput: timer events per second. One node keeps {@code timers} timers pending; each
 * firing reschedules itself with a random delay, so every operation is one pop from the event
 * queue, one trace record (digest update), one timer callback and one push.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KernelBenchmark {
    static final int BATCH = 1_000;

    @Param({"1024"})
    public int timers;

    private Simulation sim;

    @Setup(Level.Trial)
    public void setUp() {
        sim = new Simulation(Simulation.Options.seed(1));
        sim.addNode(this::program, NoDiskDevice.FACTORY);
        sim.startAll();
        sim.kernel().budget(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    private void program(World world) {
        for (int i = 0; i < timers; i++) rearm(world);
    }

    private void rearm(World world) {
        world.loop().schedule(1_000 + world.entropy().nextLong(1_000_000), () -> rearm(world));
    }

    /** One operation = one timer event. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public StopReason timerEvents() {
        StopReason r = null;
        for (int i = 0; i < BATCH; i++) r = sim.step();
        return r;
    }
}
