package dev.duro.deploy.net;

import dev.duro.deploy.OnLoop;
import dev.duro.model.world.NodeId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class TcpTransportTest {
    private static final byte[] SECRET = "transport test secret, 32 bytes!".getBytes(StandardCharsets.UTF_8);
    private static final NodeId N0 = NodeId.of(0);
    private static final NodeId N1 = NodeId.of(1);
    private static final NodeId N2 = NodeId.of(2);
    private static final long WAIT_MILLIS = 10_000;

    private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private Endpoint endpoint(NodeId id, TransportConfig config) {
        Endpoint e = new Endpoint(config);
        open.add(e);
        addresses.put(id, e.transport.boundAddress());
        return e;
    }

    private Endpoint endpoint(NodeId id) {
        return endpoint(id, TransportConfig.of(id, anyPort(), addresses, SECRET));
    }

    private static void send(Endpoint from, NodeId to, String text) {
        from.transport.send(to, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void threeNodesExchangeMessagesDeliveredOnEachReceiversLoop() {
        List<Endpoint> nodes = List.of(endpoint(N0), endpoint(N1), endpoint(N2));
        for (int from = 0; from < 3; from++) {
            for (int to = 0; to < 3; to++) send(nodes.get(from), NodeId.of(to), from + ">" + to);
        }
        for (int to = 0; to < 3; to++) {
            Endpoint e = nodes.get(to);
            int target = to;
            OnLoop.waitUntil(() -> e.received.size() == 3, WAIT_MILLIS, () -> "n" + target + " got 3 messages, has " + e.texts());
            assertThat(e.texts()).containsExactlyInAnyOrder("0>" + to, "1>" + to, "2>" + to);
            assertThat(e.received).allSatisfy(r -> {
                assertThat(r.onLoop()).as("delivered on the receiver's loop").isTrue();
                assertThat(r.text()).startsWith(r.from().index() + ">");
            });
            assertThat(e.transport.stats().local()).as("the message to itself").isEqualTo(1);
        }
    }

    @Test
    void aNodeWithoutAnAddressIsAnsweredOverTheConnectionItOpened() {
        Endpoint server = endpoint(N0);
        server.transport.onReceive((from, message) -> server.transport.send(from, ("re: " + new String(message)).getBytes()));
        NodeId client = NodeId.of(9);
        Endpoint c = new Endpoint(TransportConfig.of(client, anyPort(), addresses, SECRET)); // not in the address map
        open.add(c);
        send(c, N0, "hello");
        OnLoop.waitUntil(() -> c.texts().contains("re: hello"), WAIT_MILLIS, () -> "the reply arrived, client has " + c.texts());
    }

    @Test
    void aDamagedFrameIsDroppedAndTheConnectionStays() throws IOException {
        Endpoint n1 = endpoint(N1);
        FrameCodec codec = new FrameCodec(SECRET, 1 << 20);
        try (Socket s = new Socket()) {
            s.connect(n1.transport.boundAddress(), 10_000);
            OutputStream out = s.getOutputStream();
            byte[] damaged = frame(codec, N0, N1, "damaged");
            damaged[damaged.length - FrameCodec.MAC_BYTES - FrameCodec.CRC_BYTES - 1] ^= 0x01; // a payload bit
            out.write(damaged);
            out.write(frame(codec, N0, N1, "intact"));
            out.flush();
            OnLoop.waitUntil(() -> !n1.received.isEmpty(), WAIT_MILLIS, () -> "the intact frame arrived");
        }
        assertThat(n1.texts()).containsExactly("intact");
        assertThat(n1.transport.stats().damagedFrames()).isEqualTo(1);
        assertThat(n1.transport.stats().refusedConnections()).isZero();
    }

    @Test
    void aBurstOfRefusalsIsCountedInFullButLoggedOnce() throws IOException {
        Endpoint n1 = endpoint(N1);
        FrameCodec foreign = new FrameCodec("a foreign secret, at least 16 bytes".getBytes(StandardCharsets.UTF_8), 1 << 20);
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket()) {
                s.connect(n1.transport.boundAddress(), 10_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(frame(foreign, N0, N1, "x" + i));
                assertThat(s.getInputStream().read()).as("refusal %d closes the connection", i).isEqualTo(-1);
            }
        }
        OnLoop.waitUntil(() -> n1.transport.stats().refusedConnections() == 20, WAIT_MILLIS, () -> "20 refusals counted");
        assertThat(n1.log.stream().filter(l -> l.contains("refused the connection")).count())
                .as("one line for a burst within 10 s: %s", n1.log).isEqualTo(1);
    }

    @Test
    void aPeerWithoutTheSecretIsRefusedAndNothingReachesTheRuntime() throws IOException {
        Endpoint n1 = endpoint(N1);
        Endpoint impostor = new Endpoint(TransportConfig.of(N0, anyPort(), addresses,
                "another cluster's secret, 32 b!!".getBytes(StandardCharsets.UTF_8)));
        open.add(impostor);
        send(impostor, N1, "let me in");
        OnLoop.waitUntil(() -> n1.transport.stats().refusedConnections() >= 1, WAIT_MILLIS, () -> "n1 refused the impostor");
        assertThat(n1.log).anySatisfy(line -> assertThat(line).contains("refused the connection")
                .contains("does not hold this cluster's secret"));

        // the refusal closes the connection: a raw peer sees the end of the stream
        try (Socket s = new Socket()) {
            s.connect(n1.transport.boundAddress(), 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(frame(new FrameCodec("a third secret, at least 16 bytes".getBytes(), 1 << 20), N0, N1, "x"));
            assertThat(s.getInputStream().read()).as("connection closed by n1").isEqualTo(-1);
        }
        assertThat(n1.received).isEmpty();
    }

    @Test
    void framesOverTheLimitAreRefusedClearlyBothWays() throws IOException {
        Endpoint n1 = endpoint(N1, TransportConfig.of(N1, anyPort(), addresses, SECRET).withMaxPayloadBytes(1024));
        Endpoint n0 = endpoint(N0, TransportConfig.of(N0, anyPort(), addresses, SECRET).withMaxPayloadBytes(1024));
        n0.transport.send(N1, new byte[1025]);
        send(n0, N1, "small");
        OnLoop.waitUntil(() -> n1.texts().contains("small"), WAIT_MILLIS, () -> "the small message arrived");
        assertThat(n0.transport.stats().droppedOversize()).isEqualTo(1);
        assertThat(n0.log).anySatisfy(line -> assertThat(line).contains("1025 bytes").contains("exceeds the frame limit of 1024"));

        try (Socket s = new Socket()) { // a peer announcing a huge frame is cut off before it sends it
            s.connect(n1.transport.boundAddress(), 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {0x7f, 0, 0, 0});
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        OnLoop.waitUntil(() -> n1.log.stream().anyMatch(l -> l.contains("announced a frame of")), WAIT_MILLIS,
                () -> "n1 logged the refusal, log " + n1.log);
    }

    @Test
    void reconnectsAfterThePeerRestartsOnItsPort() {
        Endpoint n0 = endpoint(N0);
        Endpoint n1 = new Endpoint(TransportConfig.of(N1, anyPort(), addresses, SECRET));
        addresses.put(N1, n1.transport.boundAddress());
        send(n0, N1, "before");
        OnLoop.waitUntil(() -> n1.texts().contains("before"), WAIT_MILLIS, () -> "first message arrived");
        InetSocketAddress port = n1.transport.boundAddress();
        n1.close();

        Endpoint again = new Endpoint(TransportConfig.of(N1, port, addresses, SECRET));
        open.add(again);
        OnLoop.waitUntil(() -> {
            send(n0, N1, "after");
            return again.texts().contains("after");
        }, WAIT_MILLIS, () -> "a message reached the restarted peer; n0 stats " + n0.transport.stats());
        assertThat(n0.transport.stats().connects()).as("connections n0 made").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPeerThatDoesNotReadCostsLostMessagesNotMemory() throws Exception {
        try (ServerSocket stuck = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            addresses.put(N1, new InetSocketAddress(InetAddress.getLoopbackAddress(), stuck.getLocalPort()));
            Endpoint n0 = endpoint(N0, TransportConfig.of(N0, anyPort(), addresses, SECRET).withWriteBuffer(64 << 10, 128 << 10));
            try (Socket accepted = stuckAccept(stuck, n0)) {
                assertThat(accepted.isConnected()).as("n1's end is open and never read").isTrue();
                byte[] message = new byte[32 << 10];
                int count = 4_000; // 128 MiB: far beyond the socket buffers and the 128 KiB water mark
                TransportStats stats = OnLoop.call(n0.loop, () -> {
                    for (int i = 0; i < count; i++) n0.transport.send(N1, message);
                    return n0.transport.stats();
                }, 60_000, "4000 sends");
                long total = count + 1; // and the one that made the connection
                assertThat(stats.sent()).isEqualTo(total);
                assertThat(stats.droppedOverflow()).as("messages dropped at the water mark: %s", stats).isPositive();
                assertThat(stats.written() + stats.queued() + stats.droppedOverflow() + stats.droppedUnreachable())
                        .as("every message accounted for: %s", stats).isEqualTo(total);
                assertThat(stats.written() * (long) FrameCodec.frameBytes(message.length))
                        .as("bytes handed to the connection stay far below what was sent").isLessThan(64L << 20);
            }
        }
    }

    /** Connects n0 to the stuck server (first send) and returns the accepted socket, never read. */
    private static Socket stuckAccept(ServerSocket stuck, Endpoint n0) throws IOException {
        n0.transport.send(N1, new byte[1]);
        stuck.setSoTimeout(10_000);
        Socket s = stuck.accept();
        OnLoop.waitUntil(() -> n0.transport.stats().connects() == 1, WAIT_MILLIS, () -> "n0 connected");
        return s;
    }

    private static byte[] frame(FrameCodec codec, NodeId from, NodeId to, String text) {
        ByteBuf b = codec.encode(ByteBufAllocator.DEFAULT, from, to, text.getBytes(StandardCharsets.UTF_8));
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
