package dev.duro.deploy.node;

import dev.duro.deploy.OnLoop;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RealNodeTest {
    private static final byte[] SECRET = "real node test secret, 32 bytes!".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> exits = new ConcurrentLinkedQueue<>();

    private NodeConfig config(int index) {
        return new NodeConfig(NodeId.of(index), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(),
                tmp.resolve("n" + index), SECRET);
    }

    private RealNode.Options options() {
        return RealNode.Options.defaults().withLog(log::add).withExit(exits::add);
    }

    @Test
    void exitStopsTheLoopLogsTheReasonAndCallsTheExitHandler() {
        ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
        RealNode node = RealNode.start(config(0), world -> {
            world.loop().execute(() -> ran.add("queued before exit"));
            world.exit("fsync failed on objects/x");
            ran.add("the rest of the current task");
        }, options());
        try {
            OnLoop.waitUntil(() -> !exits.isEmpty(), 10_000, () -> "the exit handler ran");
            assertThat(exits).containsExactly("fsync failed on objects/x");
            assertThat(log).anySatisfy(l -> assertThat(l).contains("n0 stops (fail-stop): fsync failed on objects/x"));
            assertThat(ran).containsExactly("the rest of the current task");
        } finally {
            node.stop();
        }
    }

    @Test
    void aThrowingTaskFailsStopTheNode() {
        RealNode node = RealNode.start(config(0), world -> {
            throw new IllegalStateException("planted bug");
        }, options());
        try {
            OnLoop.waitUntil(() -> !exits.isEmpty(), 10_000, () -> "the exit handler ran");
            assertThat(exits).singleElement().asString().contains("a task threw").contains("planted bug");
        } finally {
            node.stop();
        }
    }

    @Test
    void aSecondNodeOnTheSameDataDirectoryIsRefusedAndTheFirstRestartsOnIt() {
        AtomicReference<World> world = new AtomicReference<>();
        RealNode first = RealNode.start(config(0), world::set, options());
        try {
            assertThatThrownBy(() -> RealNode.start(config(0), w -> { }, options()))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("is in use by n0 (pid " + ProcessHandle.current().pid() + ")");
        } finally {
            first.stop();
        }
        RealNode.start(config(0), w -> { }, options()).stop();
        assertThat(exits).isEmpty();
    }
}
