package dev.duro.cli.bench.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import dev.duro.model.world.TraceSink;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.random.SeededEntropy;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Host cost of the simulated disk on one core: a 4 KiB append followed by a sync whose completion
 * is run inline on a minimal virtual-time loop (simulated latency costs nothing here). The log is
 * cut back to empty every {@code 64 MiB} so memory stays flat; that cost is amortized in.
 *
 * <p>Run: {@code java -cp cli/target/duro.jar org.openjdk.jmh.Main disk -f 1 -wi 3 -w 1s -i 5 -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimDiskBenchmark {
    private static final long RESET_BYTES = 64L << 20;

    @Param({"4096"})
    public int appendBytes;

    private SimDiskDevice device;
    private BenchLoop loop;
    private DiskFile log;
    private byte[] block;

    @Setup(Level.Trial)
    public void setUp() {
        device = new SimDiskDevice(DiskFaultConfig.none(), new SeededEntropy(42));
        loop = new BenchLoop();
        Disk disk = device.mount(loop, TraceSink.NONE);
        disk.createDirectories("wal");
        log = disk.open("wal/log", true);
        block = new byte[appendBytes];
        new SeededEntropy(7).nextBytes(block);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }

    /** One 4 KiB append, then fsync, completion run to the end: appends+fsyncs per second. */
    @Benchmark
    public boolean appendThenSync() {
        if (log.size() >= RESET_BYTES) log.truncate(0);
        log.append(block);
        Promise<Void> synced = log.sync();
        loop.runAll();
        return synced.isSucceeded();
    }

    /** One 4 KiB append without sync, for comparison: the volatile-layer cost alone. */
    @Benchmark
    public long appendOnly() {
        if (log.size() >= RESET_BYTES) {
            log.truncate(0);
            log.sync();
            loop.runAll();
        }
        log.append(block);
        return log.size();
    }

    /** A FIFO plus virtual-time timers, run inline by the benchmark thread. */
    static final class BenchLoop implements Loop {
        private record Timer(long dueNanos, long seq, Runnable task) {}

        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) ->
                a.dueNanos != b.dueNanos ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
        private long nowNanos;
        private long nextSeq;
        private boolean running;

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public TimerHandle schedule(long delayNanos, Runnable task) {
            Timer timer = new Timer(nowNanos + delayNanos, nextSeq++, task);
            timers.add(timer);
            return () -> timers.remove(timer);
        }

        @Override
        public boolean inLoop() {
            return running;
        }

        void runAll() {
            running = true;
            try {
                while (true) {
                    Runnable task = tasks.poll();
                    if (task == null) {
                        Timer timer = timers.poll();
                        if (timer == null) return;
                        nowNanos = timer.dueNanos;
                        task = timer.task;
                    }
                    task.run();
                }
            } finally {
                running = false;
            }
        }
    }

}
