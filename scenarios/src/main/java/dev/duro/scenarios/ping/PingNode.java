package dev.duro.scenarios.ping;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A node of the ping protocol: reliable, exactly-once, in-order delivery per sender incarnation
 * over the unreliable network, with no disk.
 *
 * <p>Each incarnation picks a random session id. As a sender it creates {@code messagesPerPeer}
 * messages for every peer, one per peer every {@code sendIntervalNanos}, and keeps up to
 * {@code window} unacknowledged ones in flight, retransmitting them every
 * {@code retransmitNanos} until acked; when all are acked it keeps probing with the last one, since
 * the receiver that acked may have crashed since (found by this scenario: without the probe, a
 * sender whose messages were all acked by a receiver's old incarnation waits forever). As a receiver it buffers out-of-order messages, delivers
 * each (sender session, seq) once, in order, and acks cumulatively with its own session. A sender
 * that hears an ack from a new receiver session (the receiver restarted and lost everything)
 * starts over from that ack's position, which is 0. Acks addressed to an older sender session
 * are ignored.
 */
final class PingNode {
    private final World world;
    private final int nodes;
    private final Settings settings;
    private final PingObserver observer;
    private final long session;

    // Sender state, per peer index.
    private final List<List<byte[]>> created = new ArrayList<>();
    private final long[] knownReceiverSession;
    private final int[] acked;
    private int rounds;

    // Receiver state, per (sender index, sender session): next expected and out-of-order buffer.
    private final List<TreeMap<Long, Inbox>> inboxes = new ArrayList<>();

    record Settings(int messagesPerPeer, long sendIntervalNanos, long retransmitNanos, int window, PingScenario.Planted planted) {}

    private static final class Inbox {
        int nextExpected;
        final TreeMap<Integer, byte[]> buffered = new TreeMap<>();
    }

    PingNode(World world, int nodes, Settings settings, PingObserver observer) {
        this.world = world;
        this.nodes = nodes;
        this.settings = settings;
        this.observer = observer;
        long s = world.entropy().nextLong();
        this.session = s == 0 ? 1 : s;
        this.knownReceiverSession = new long[nodes];
        this.acked = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            created.add(new ArrayList<>());
            inboxes.add(new TreeMap<>());
        }
    }

    void start() {
        Invariants.check(world.loop().inLoop(), "ping node must start on its loop");
        world.transport().onReceive(this::onReceive);
        world.trace().record("ping-session", world.self() + " session " + Long.toHexString(session));
        world.loop().schedule(settings.sendIntervalNanos(), this::createRound);
        world.loop().schedule(settings.retransmitNanos(), this::retransmitTick);
    }

    private void createRound() {
        if (rounds >= settings.messagesPerPeer()) return;
        for (int peer = 0; peer < nodes; peer++) {
            if (peer == world.self().index()) continue;
            int seq = created.get(peer).size();
            Invariants.check(seq == rounds, "peer %d has %d messages in round %d", peer, seq, rounds);
            byte[] payload = new byte[4 + world.entropy().nextInt(24)];
            world.entropy().nextBytes(payload);
            created.get(peer).add(payload);
            observer.created(world.self(), session, NodeId.of(peer), seq, payload);
            sendWindow(peer);
        }
        rounds++;
        world.loop().schedule(settings.sendIntervalNanos(), this::createRound);
    }

    private void retransmitTick() {
        for (int peer = 0; peer < nodes; peer++) {
            if (peer == world.self().index()) continue;
            List<byte[]> out = created.get(peer);
            if (acked[peer] >= out.size() && !out.isEmpty()) {
                if (settings.planted() == PingScenario.Planted.NO_PROBE) continue; // planted bug
                // All acked, but perhaps by a receiver incarnation that has since crashed: probe with
                // the last message so a new incarnation answers (with its session and position 0).
                int last = out.size() - 1;
                world.transport().send(NodeId.of(peer), PingCodec.encode(new PingCodec.Data(session, last, out.get(last))));
            } else {
                sendWindow(peer);
            }
        }
        world.loop().schedule(settings.retransmitNanos(), this::retransmitTick);
    }

    /** Sends every created, unacknowledged message within the window. */
    private void sendWindow(int peer) {
        List<byte[]> out = created.get(peer);
        int end = Math.min(out.size(), acked[peer] + settings.window());
        for (int seq = acked[peer]; seq < end; seq++) {
            world.transport().send(NodeId.of(peer), PingCodec.encode(new PingCodec.Data(session, seq, out.get(seq))));
        }
    }

    private void onReceive(NodeId from, byte[] bytes) {
        switch (PingCodec.decode(bytes)) {
            case PingCodec.Data d -> onData(from, d);
            case PingCodec.Ack a -> onAck(from, a);
        }
    }

    private void onData(NodeId from, PingCodec.Data d) {
        Inbox inbox = inboxes.get(from.index()).computeIfAbsent(d.session(), s -> new Inbox());
        if (settings.planted() == PingScenario.Planted.NO_DEDUP && d.seq() < inbox.nextExpected) {
            // Planted bug: a retransmitted duplicate is delivered again.
            observer.delivered(world.self(), session, from, d.session(), d.seq(), d.payload());
        } else if (d.seq() >= inbox.nextExpected) {
            inbox.buffered.putIfAbsent(d.seq(), d.payload());
            while (!inbox.buffered.isEmpty() && inbox.buffered.firstKey() == inbox.nextExpected) {
                byte[] payload = inbox.buffered.pollFirstEntry().getValue();
                observer.delivered(world.self(), session, from, d.session(), inbox.nextExpected, payload);
                inbox.nextExpected++;
            }
        }
        world.transport().send(from, PingCodec.encode(new PingCodec.Ack(session, d.session(), inbox.nextExpected)));
    }

    private void onAck(NodeId from, PingCodec.Ack a) {
        if (a.senderSession() != session) return; // for an earlier incarnation of this node
        int peer = from.index();
        if (a.receiverSession() != knownReceiverSession[peer]) {
            // A receiver incarnation we have not heard from: it knows only what it acks.
            knownReceiverSession[peer] = a.receiverSession();
            acked[peer] = a.nextExpected();
        } else if (a.nextExpected() > acked[peer]) {
            acked[peer] = a.nextExpected();
        } else {
            return;
        }
        Invariants.check(acked[peer] <= created.get(peer).size(), "n%d acked %d of %d created messages",
                peer, acked[peer], created.get(peer).size());
        sendWindow(peer);
    }

    long session() {
        return session;
    }

    int rounds() {
        return rounds;
    }
}
