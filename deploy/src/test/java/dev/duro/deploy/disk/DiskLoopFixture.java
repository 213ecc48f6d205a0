package dev.duro.deploy.disk;

import dev.duro.deploy.world.NettyLoop;
import dev.duro.deploy.world.SystemClock;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real event loop and a temporary root for tests of {@link FileDisk}; disks made through {@link #disks} are closed after each test. */
abstract class DiskLoopFixture {
    static final long WAIT_MILLIS = 10_000;

    @TempDir
    Path root;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final NettyLoop loop = new NettyLoop((EventLoop) group.next(), SystemClock.INSTANCE, failures::add);
    final List<FileDisk> disks = new ArrayList<>();

    @AfterEach
    void shutDown() {
        disks.forEach(FileDisk::close);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        assertThat(failures).as("nothing thrown on the loop").isEmpty();
    }
}
