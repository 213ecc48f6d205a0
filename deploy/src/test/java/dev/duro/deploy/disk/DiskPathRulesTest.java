package dev.duro.deploy.disk;

import dev.duro.deploy.world.NettyLoop;
import dev.duro.deploy.world.SecureEntropy;
import dev.duro.deploy.world.SystemClock;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.TraceSink;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The file disk refuses exactly the paths the simulated disk refuses, with the same message. */
class DiskPathRulesTest {
    private static final List<String> PATHS = Arrays.asList(null, "", "/abs", "a//b", "a/", "./a", "a/./b", "../a",
            "a/..", "a\\b", "a\0b", "ok", "ok/nested", "dotted.name", "..hidden", "a b");

    @TempDir
    Path root;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final NettyLoop loop = new NettyLoop((EventLoop) group.next(), SystemClock.INSTANCE, t -> { });

    @AfterEach
    void shutDown() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    void everyOperationValidatesPathsAsTheSimulatedDiskDoes() {
        FileDisk real = FileDisk.open(root, loop, "test-fsync");
        try (SimDiskDevice device = new SimDiskDevice(DiskFaultConfig.none(), SecureEntropy.fromSystem())) {
            Disk sim = device.mount(loop, TraceSink.NONE);
            List<String> ops = List.of("exists", "list", "createDirectories", "delete", "openCreate", "renameFrom", "renameTo");
            List<String> compared = new ArrayList<>();
            for (String op : ops) {
                for (String path : PATHS) {
                    String expected = outcome(sim, op, path);
                    String actual = outcome(real, op, path);
                    assertThat(actual).as("%s(%s)", op, printable(path)).isEqualTo(expected);
                    compared.add(op + " " + printable(path) + " -> " + expected);
                }
            }
            assertThat(compared).as("some paths were refused and some accepted")
                    .anyMatch(s -> s.contains("BAD_PATH")).anyMatch(s -> s.endsWith("-> ok"));
        } finally {
            real.close();
        }
    }

    /** "ok", or the BAD_PATH message; other failures (missing files) are not about the rules. */
    private static String outcome(Disk disk, String op, String path) {
        BiConsumer<Disk, String> action = switch (op) {
            case "exists" -> Disk::exists;
            case "list" -> Disk::list;
            case "createDirectories" -> Disk::createDirectories;
            case "delete" -> Disk::delete;
            case "openCreate" -> (d, p) -> d.open(p, true).close();
            case "renameFrom" -> (d, p) -> d.rename(p, "target");
            case "renameTo" -> (d, p) -> {
                d.open("source", true).close();
                d.rename("source", p);
            };
            default -> throw new IllegalArgumentException(op);
        };
        try {
            action.accept(disk, path);
            return "ok";
        } catch (DiskException e) {
            return e.kind() == DiskException.Kind.BAD_PATH ? e.getMessage() : "ok (" + e.kind() + ")";
        }
    }

    private static String printable(String path) {
        return path == null ? "null" : "'" + path.replace("\0", "\\0") + "'";
    }
}
