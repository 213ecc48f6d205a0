package dev.duro.deploy.net;

import dev.duro.deploy.OnLoop;
import dev.duro.deploy.faults.LinkFaults;
import dev.duro.model.world.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test-only frame faults of {@code duro cluster test}: a transport with {@link LinkFaults}
 * drops what it sends to, and what it receives from, the peers its rules name, delays the rest,
 * and carries everything again once healed. One TCP connection delivers in order, so a marker
 * that arrives after a message would have shows the message was dropped, without waiting.
 */
class LinkFaultsTest {
    private static final byte[] SECRET = "transport test secret, 32 bytes!".getBytes(StandardCharsets.UTF_8);
    private static final NodeId N0 = NodeId.of(0);
    private static final NodeId N1 = NodeId.of(1);
    private static final long WAIT_MILLIS = 10_000;

    private final Map<NodeId, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private Endpoint endpoint(NodeId id, LinkFaults faults) {
        Endpoint e = new Endpoint(TransportConfig.of(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), addresses, SECRET), faults);
        open.add(e);
        addresses.put(id, e.transport.boundAddress());
        return e;
    }

    private static void send(Endpoint from, NodeId to, String text) {
        from.transport.send(to, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void await(Endpoint e, String text) {
        OnLoop.waitUntil(() -> e.texts().contains(text), WAIT_MILLIS, () -> "'" + text + "' arrives; got " + e.texts());
    }

    @Test
    void dropsEachDirectionAsToldDelaysTheRestAndHeals() {
        LinkFaults faults = new LinkFaults();
        Endpoint n0 = endpoint(N0, faults);
        Endpoint n1 = endpoint(N1, null);
        send(n0, N1, "warm-up");
        send(n1, N0, "warm-up");
        await(n1, "warm-up");
        await(n0, "warm-up");

        faults.set(new LinkFaults.Rules(Set.of(N1), Set.of(), 0)); // n0 cannot send to n1
        send(n0, N1, "lost-out");
        send(n1, N0, "one-way-in");
        await(n0, "one-way-in");
        assertThat(faults.dropped()).isEqualTo(1);

        faults.set(new LinkFaults.Rules(Set.of(), Set.of(N1), 0)); // n0 cannot hear n1
        send(n1, N0, "lost-in");
        OnLoop.waitUntil(() -> faults.dropped() == 2, WAIT_MILLIS, () -> "the frame from n1 is dropped; dropped " + faults.dropped());

        faults.set(new LinkFaults.Rules(Set.of(), Set.of(), 200)); // no drops, every received frame late
        send(n1, N0, "late");
        await(n0, "late");
        assertThat(faults.delayed()).isEqualTo(1);

        faults.set(LinkFaults.Rules.NONE);
        send(n0, N1, "after-heal");
        send(n1, N0, "after-heal");
        await(n1, "after-heal");
        await(n0, "after-heal");
        assertThat(n1.texts()).as("the message sent while n0 could not send is gone").containsExactly("warm-up", "after-heal");
        assertThat(n0.texts()).as("the frame received while n0 could not hear n1 is gone")
                .containsExactly("warm-up", "one-way-in", "late", "after-heal");
        assertThat(faults.rules().describe()).isEqualTo("dropTo= dropFrom= delayMs=0");
    }

    @Test
    void rulesRefuseAnUnreasonableDelay() {
        assertThatThrownBy(() -> new LinkFaults.Rules(Set.of(), Set.of(), -1)).hasMessageContaining("delayMs must be 0..60000");
        assertThat(new LinkFaults.Rules(Set.of(N1, N0), Set.of(N1), 5).describe()).isEqualTo("dropTo=n0,n1 dropFrom=n1 delayMs=5");
    }
}
