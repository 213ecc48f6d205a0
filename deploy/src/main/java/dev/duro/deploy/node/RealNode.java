package dev.duro.deploy.node;

import dev.duro.deploy.disk.FileDisk;
import dev.duro.deploy.faults.LinkFaults;
import dev.duro.deploy.net.TcpTransport;
import dev.duro.deploy.net.TransportConfig;
import dev.duro.deploy.world.NettyLoop;
import dev.duro.deploy.world.RealWorld;
import dev.duro.deploy.world.SecureEntropy;
import dev.duro.deploy.world.SystemClock;
import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeProgram;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One deployed node: locks its {@link DataDirectory}, builds a {@link RealWorld} (a
 * {@link NettyLoop} on its own event-loop thread, the system clock, {@link SecureEntropy}, a
 * {@link FileDisk} with its fsync thread, a {@link TcpTransport} on the same event loop) and
 * starts the {@link NodeProgram} on the loop. Two threads per node: {@code duro-n<i>-loop} and
 * {@code duro-n<i>-fsync}.
 *
 * <p>{@link #stop()} ends the node as a crash would for the runtime (queued tasks, timers and
 * syncs are discarded; connections close) but leaves the page cache intact; the directory can then
 * be opened by the next node, in this process or another. A restart is a new {@code RealNode} on
 * the same configuration.
 */
public final class RealNode {
    /** The exit status of a process whose node failed-stop ({@link dev.duro.model.world.World#exit}). */
    public static final int FAIL_STOP_EXIT_STATUS = 1;

    /**
     * @param log       one-line operational messages (refused peers, unreachable peers, fail-stops)
     * @param exit      what the world's fail-stop does after the loop stopped; by default log and end the process
     * @param transport adjustments of the transport settings (limits, water marks)
     * @param faults    test only: frame faults the transport applies, or null (none: every production node)
     * @param disk      {@link FileDisk.Mode#NORMAL} except in tests ({@link FileDisk#openLazy})
     */
    public record Options(Consumer<String> log, Consumer<String> exit, UnaryOperator<TransportConfig> transport, LinkFaults faults,
                          FileDisk.Mode disk) {
        public Options {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(exit, "exit");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(disk, "disk");
        }

        /** Messages to System.err, fail-stop ends the process with {@link #FAIL_STOP_EXIT_STATUS}. */
        public static Options defaults() {
            return new Options(line -> System.err.println("duro: " + line), reason -> System.exit(FAIL_STOP_EXIT_STATUS),
                    UnaryOperator.identity(), null, FileDisk.Mode.NORMAL);
        }

        public Options withLog(Consumer<String> l) {
            return new Options(l, exit, transport, faults, disk);
        }

        public Options withExit(Consumer<String> e) {
            return new Options(log, e, transport, faults, disk);
        }

        public Options withTransport(UnaryOperator<TransportConfig> t) {
            return new Options(log, exit, t, faults, disk);
        }

        /** Test only ({@code duro cluster test}): the transport drops and delays frames as {@code f} says. */
        public Options withFaults(LinkFaults f) {
            return new Options(log, exit, transport, Objects.requireNonNull(f, "faults"), disk);
        }

        /** Test only ({@code duro cluster test}): a disk whose unsynced writes a kill loses (or, planted, whose syncs lie). */
        public Options withDisk(FileDisk.Mode mode) {
            return new Options(log, exit, transport, faults, mode);
        }
    }

    private final NodeConfig config;
    private final Options options;
    private final DataDirectory dataDir;
    private final MultiThreadIoEventLoopGroup group;
    private final NettyLoop loop;
    private final FileDisk disk;
    private final TcpTransport transport;
    private final RealWorld world;
    private boolean stopped;

    private RealNode(NodeConfig config, Options options) {
        this.config = config;
        this.options = options;
        String name = "duro-" + config.self();
        dataDir = DataDirectory.open(config.dataDir(), config.self() + " (pid " + ProcessHandle.current().pid() + ")");
        MultiThreadIoEventLoopGroup g = null;
        FileDisk d = null;
        try {
            g = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-loop", true), NioIoHandler.newFactory());
            loop = new NettyLoop((EventLoop) g.next(), SystemClock.INSTANCE,
                    thrown -> failStop("a task threw " + thrown));
            SecureEntropy entropy = SecureEntropy.fromSystem();
            d = options.disk() == FileDisk.Mode.NORMAL ? FileDisk.open(dataDir.diskRoot(), loop, name + "-fsync")
                    : FileDisk.openLazy(dataDir.diskRoot(), loop, name + "-fsync", options.disk());
            transport = TcpTransport.bind(options.transport().apply(config.transport()), loop,
                    entropy.derive("deploy/reconnect-jitter"), options.log(), options.faults());
            world = new RealWorld(config.self(), SystemClock.INSTANCE, loop, transport, d,
                    entropy.derive("deploy/world"), this::failStop);
        } catch (RuntimeException | Error e) {
            if (d != null) d.close();
            if (g != null) g.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            dataDir.close();
            throw e;
        }
        group = g;
        disk = d;
    }

    /**
     * Builds the node's world and starts {@code program} on its loop. Blocks until the listener is
     * bound; call it from outside any node's loop.
     *
     * @throws DataDirectoryException when the data directory is held, newer or foreign
     * @throws IllegalStateException  when the listen address cannot be bound
     */
    public static RealNode start(NodeConfig config, NodeProgram program, Options options) {
        Objects.requireNonNull(program, "program");
        RealNode node = new RealNode(Objects.requireNonNull(config, "config"), Objects.requireNonNull(options, "options"));
        node.loop.execute(() -> program.start(node.world));
        return node;
    }

    public RealWorld world() {
        return world;
    }

    public NodeConfig config() {
        return config;
    }

    /** Where the node listens (the chosen port when the configured one was 0). */
    public InetSocketAddress address() {
        return transport.boundAddress();
    }

    public TcpTransport transport() {
        return transport;
    }

    public FileDisk disk() {
        return disk;
    }

    /**
     * Stops the node: no further task runs, connections close, queued syncs are dropped, the
     * event-loop thread ends and the data directory is released. Idempotent; any thread but the
     * node's own loop (it waits for that thread to finish).
     */
    public synchronized void stop() {
        if (stopped) return;
        Invariants.check(!loop.inLoop(), "stop waits for the node's loop: call it from another thread");
        stopped = true;
        loop.stop();
        transport.close();
        disk.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        dataDir.close();
    }

    private void failStop(String reason) {
        loop.stop();
        options.log().accept(config.self() + " stops (fail-stop): " + reason);
        options.exit().accept(reason);
    }
}
