package dev.duro.sim.net;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.Transport;
import dev.duro.sim.kernel.Kernel;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.Trace;
import dev.duro.model.world.Entropy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The simulated network: carries encoded messages ({@code byte[]}) between node endpoints through
 * the kernel's event queue.
 *
 * <p><b>Fault model.</b> Every message may be lost, duplicated, delayed by a random latency (which
 * reorders messages) and, with the reorder knob, delayed further. Links may be blocked in any
 * shape, one-way included ({@link #block(int, int)}); a message is dropped when its link is blocked
 * at send time or at delivery time. A node or a link may be clogged for a duration: its messages
 * are held (not dropped) until the clog ends. A message to a node is dropped at delivery if the
 * receiving incarnation it was sent towards has crashed since (in-flight messages die with their
 * receiver), or if the receiver has no handler. Messages to a paused node wait for it to resume.
 * All randomness comes from the network's own entropy stream; every send, delivery and drop is
 * traced with a hash of the payload.
 *
 * <p>Not modelled: corruption of bytes in flight (the codec's checksum would catch it), bandwidth
 * and queueing limits, connection-level semantics (FIFO per link is not guaranteed).
 */
public final class SimulatedNetwork {
    /** Reasons recorded with {@link EventKind#DROP}. */
    public static final String DROP_LOSS = "loss";
    public static final String DROP_PARTITION = "partition";
    public static final String DROP_CRASHED = "receiver-crashed";
    public static final String DROP_NO_HANDLER = "no-handler";

    private final Kernel kernel;
    private final Trace trace;
    private final Entropy entropy;
    private NetworkConfig config;

    private int nodeCount;
    private int capacity = 8;
    private BitSet blocked = new BitSet();
    private long[] linkClogUntil = new long[capacity * capacity];
    private long[] nodeClogUntil = new long[capacity];
    private Transport.Receiver[] receivers = new Transport.Receiver[capacity];
    private int[] receiverIncarnations = new int[capacity];
    private NodeId[] ids = new NodeId[capacity];

    /** Deliveries held by a clog, in hold order, so that {@link #unclogAll()} can release them at once. */
    private final ArrayList<Held> held = new ArrayList<>();
    /** Bumped by {@link #unclogAll()}: a hold entry of an older epoch was released and is stale. */
    private long clogEpoch;
    /** Entries of {@link #held} not yet done. */
    private int heldLive;

    private long nextMessageId;
    private long sent;
    private long delivered;
    private long dropped;

    public SimulatedNetwork(Kernel kernel, Entropy entropy, NetworkConfig config) {
        this.kernel = kernel;
        this.trace = kernel.trace();
        this.entropy = entropy;
        this.config = config;
    }

    /** Adds an endpoint slot; must be called in node-index order with the kernel's registration. */
    public void addNode(int node) {
        Invariants.check(node == nodeCount, "nodes must be added in order: expected n%d, got n%d", nodeCount, node);
        if (nodeCount == capacity) grow();
        ids[node] = NodeId.of(node);
        receiverIncarnations[node] = -1;
        nodeCount++;
    }

    public int nodeCount() {
        return nodeCount;
    }

    /** The endpoint of node {@code node}'s incarnation {@code incarnation}; dead once that incarnation crashes. */
    public Transport endpoint(int node, int incarnation) {
        checkNode(node);
        return new Endpoint(node, incarnation);
    }

    /** Forgets a crashed node's handler: messages arriving before a new one is installed are dropped. */
    public void nodeDown(int node) {
        checkNode(node);
        receivers[node] = null;
        receiverIncarnations[node] = -1;
    }

    // ---- knobs ---------------------------------------------------------------------------

    public NetworkConfig config() {
        return config;
    }

    /** Replaces the fault knobs from now on (messages in flight keep their latency). */
    public void configure(NetworkConfig next) {
        Invariants.check(next != null, "network config must not be null");
        config = next;
        trace.record(kernel.nowNanos(), Kernel.NO_NODE, EventKind.FAULT, 0, 0, 0, "network", next.toString());
    }

    // ---- partitions ----------------------------------------------------------------------

    /** Blocks messages from {@code from} to {@code to} (one way). */
    public void block(int from, int to) {
        setBlocked(from, to, true);
        tracePartition("block n" + from + "->n" + to);
    }

    public void unblock(int from, int to) {
        setBlocked(from, to, false);
        tracePartition("unblock n" + from + "->n" + to);
    }

    public boolean isBlocked(int from, int to) {
        checkNode(from);
        checkNode(to);
        return blocked.get(from * capacity + to);
    }

    /** Cuts every link between {@code side} and the other nodes, both ways. */
    public void partition(int... side) {
        boolean[] in = membership(side);
        for (int a = 0; a < nodeCount; a++) {
            for (int b = 0; b < nodeCount; b++) {
                if (in[a] != in[b]) setBlocked(a, b, true);
            }
        }
        tracePartition("partition " + describe(side) + " | rest");
    }

    /** Cuts node {@code node} off from every other node, both ways. */
    public void isolate(int node) {
        partition(node);
    }

    /** Splits the nodes into the lower half {@code [0, n/2)} and the upper half. */
    public void splitHalves() {
        int[] lower = new int[nodeCount / 2];
        for (int i = 0; i < lower.length; i++) lower[i] = i;
        partition(lower);
    }

    /**
     * Two groups that cannot reach each other, both reaching {@code bridge}: every link between
     * {@code left} and the other non-bridge nodes is cut.
     */
    public void bridge(int bridgeNode, int... left) {
        boolean[] in = membership(left);
        Invariants.check(!in[bridgeNode], "the bridge n%d must not be in the left group", bridgeNode);
        for (int a = 0; a < nodeCount; a++) {
            for (int b = 0; b < nodeCount; b++) {
                if (a == bridgeNode || b == bridgeNode) continue;
                if (in[a] != in[b]) setBlocked(a, b, true);
            }
        }
        tracePartition("bridge via n" + bridgeNode + " left " + describe(left));
    }

    /** Messages from {@code from} to every other node are lost, the other way still works. */
    public void oneWayOut(int from) {
        for (int b = 0; b < nodeCount; b++) if (b != from) setBlocked(from, b, true);
        tracePartition("one-way: n" + from + " cannot send");
    }

    /**
     * Blocks every link {@code from -> to} among nodes {@code [0, members)} for which {@code cut}
     * holds, recorded as one partition event named {@code shape}. For partitions among some nodes
     * only (a cluster's members, while its clients still reach every one of them).
     */
    public void blockWhere(int members, String shape, java.util.function.BiPredicate<Integer, Integer> cut) {
        Invariants.check(members >= 1 && members <= nodeCount, "members %d out of range 1..%d", members, nodeCount);
        for (int a = 0; a < members; a++) {
            for (int b = 0; b < members; b++) {
                if (a != b && cut.test(a, b)) setBlocked(a, b, true);
            }
        }
        tracePartition(shape);
    }

    /** Removes every blocked link. */
    public void heal() {
        blocked.clear();
        trace.record(kernel.nowNanos(), Kernel.NO_NODE, EventKind.HEAL, 0, 0, 0, null, "all links open");
    }

    /** The blocked links, as {@code n0->n1 n1->n0 ...} in index order; empty when healed. */
    public String blockedLinks() {
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < nodeCount; a++) {
            for (int b = 0; b < nodeCount; b++) {
                if (blocked.get(a * capacity + b)) {
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.append('n').append(a).append("->n").append(b);
                }
            }
        }
        return sb.toString();
    }

    // ---- clogging ------------------------------------------------------------------------

    /** Holds every message to or from {@code node} until {@code durationNanos} from now. */
    public void clogNode(int node, long durationNanos) {
        checkNode(node);
        Invariants.check(durationNanos >= 0, "clog duration must be >= 0");
        long until = kernel.nowNanos() + durationNanos;
        nodeClogUntil[node] = Math.max(nodeClogUntil[node], until);
        trace.record(kernel.nowNanos(), node, EventKind.CLOG, until, 0, 0, null, "node n" + node);
    }

    /** Holds messages from {@code from} to {@code to} until {@code durationNanos} from now. */
    public void clogLink(int from, int to, long durationNanos) {
        checkNode(from);
        checkNode(to);
        Invariants.check(durationNanos >= 0, "clog duration must be >= 0");
        long until = kernel.nowNanos() + durationNanos;
        int link = from * capacity + to;
        linkClogUntil[link] = Math.max(linkClogUntil[link], until);
        trace.record(kernel.nowNanos(), from, EventKind.CLOG, until, to, 0, null, "link n" + from + "->n" + to);
    }

    /**
     * Ends every clog now: messages held by a clog go on at once, in the order they were held (a
     * held message would otherwise wait for the end its clog had before this call).
     */
    public void unclogAll() {
        Arrays.fill(nodeClogUntil, 0);
        Arrays.fill(linkClogUntil, 0);
        long now = kernel.nowNanos();
        trace.record(now, Kernel.NO_NODE, EventKind.CLOG, now, 0, 0, null, "unclog all");
        clogEpoch++;
        for (Held h : held) {
            if (!h.done) kernel.scheduleAction(now, h.delivery.to, Kernel.ANY_INCARNATION, h.delivery);
            h.done = true;
        }
        held.clear();
        heldLive = 0;
    }

    /** The latest end of any clog (virtual nanos), or 0 when nothing was ever clogged or all were ended. */
    public long latestClogEndNanos() {
        long latest = 0;
        for (int n = 0; n < nodeCount; n++) latest = Math.max(latest, nodeClogUntil[n]);
        for (int a = 0; a < nodeCount; a++) {
            for (int b = 0; b < nodeCount; b++) latest = Math.max(latest, linkClogUntil[a * capacity + b]);
        }
        return latest;
    }

    /** Messages held by clogs right now. */
    public int heldCount() {
        return heldLive;
    }

    /** A delivery waiting for its clog to end; stale once released by {@link #unclogAll()}. */
    private final class Held implements Kernel.Action {
        final Delivery delivery;
        final long epoch;
        boolean done;

        Held(Delivery delivery, long epoch) {
            this.delivery = delivery;
            this.epoch = epoch;
        }

        @Override
        public void fire(long seq) {
            if (done || epoch != clogEpoch) return; // released early by unclogAll
            done = true;
            heldLive--;
            delivery.fire(seq);
        }
    }

    private void hold(Delivery delivery, long untilNanos) {
        // Drop released entries now and then so the list stays as long as what is really held.
        if (held.size() >= 64 && held.size() > 2 * heldLive) held.removeIf(h -> h.done);
        Held h = new Held(delivery, clogEpoch);
        held.add(h);
        heldLive++;
        kernel.scheduleAction(untilNanos, delivery.to, Kernel.ANY_INCARNATION, h);
    }

    private long clogUntil(int from, int to) {
        return Math.max(linkClogUntil[from * capacity + to], Math.max(nodeClogUntil[from], nodeClogUntil[to]));
    }

    // ---- sending and delivering --------------------------------------------------------------

    public long sentCount() {
        return sent;
    }

    public long deliveredCount() {
        return delivered;
    }

    public long droppedCount() {
        return dropped;
    }

    void send(int from, int fromIncarnation, int to, byte[] message) {
        checkNode(to);
        Invariants.check(message != null, "message must not be null");
        if (!kernel.isUp(from) || kernel.incarnation(from) != fromIncarnation) {
            return; // the sender's incarnation is gone: its code should not be running at all
        }
        long now = kernel.nowNanos();
        long id = nextMessageId++;
        long hash = Trace.hashBytes(message);
        sent++;
        trace.record(now, from, EventKind.SEND, id, to, hash, null, null);
        // Draw every random value whatever the outcome, so one knob does not shift the others' draws.
        boolean lost = entropy.chance(config.lossRate());
        boolean duplicate = entropy.chance(config.duplicateRate());
        long latency = latencyNanos();
        if (blocked.get(from * capacity + to)) {
            drop(to, id, from, DROP_PARTITION);
            return;
        }
        if (lost) {
            drop(to, id, from, DROP_LOSS);
            return;
        }
        int toIncarnation = kernel.isUp(to) ? kernel.incarnation(to) : -1;
        Delivery first = new Delivery(from, to, toIncarnation, id, message, hash);
        kernel.scheduleAction(now + latency, to, Kernel.ANY_INCARNATION, first);
        if (duplicate) {
            trace.record(now, from, EventKind.DUPLICATE, id, to, 0, null, null);
            kernel.scheduleAction(now + latencyNanos(), to, Kernel.ANY_INCARNATION, first);
        }
    }

    private long latencyNanos() {
        NetworkConfig c = config;
        long jitter = 0;
        if (c.jitterNanos() > 0) {
            jitter = switch (c.jitter()) {
                case UNIFORM -> entropy.nextLong(c.jitterNanos() + 1);
                // StrictMath: the same bits on every JVM and platform.
                case EXPONENTIAL -> (long) Math.min(-c.jitterNanos() * StrictMath.log1p(-entropy.nextDouble()),
                        20.0 * c.jitterNanos());
            };
        }
        long extra = 0;
        if (c.reorderRate() > 0 && c.reorderDelayNanos() > 0 && entropy.chance(c.reorderRate())) {
            extra = entropy.nextLong(c.reorderDelayNanos());
        }
        long latency = c.baseLatencyNanos() + jitter + extra;
        if (!(latency >= 0)) Invariants.check(false, "latency must be >= 0, got %d", latency); // hot path: box only on failure
        return latency;
    }

    private void drop(int to, long id, int from, String reason) {
        dropped++;
        trace.record(kernel.nowNanos(), to, EventKind.DROP, id, from, 0, reason, null);
    }

    /** One copy of a message on its way; re-queued (same object) while its link is clogged. */
    private final class Delivery implements Kernel.Action {
        final int from;
        final int to;
        final int toIncarnation;
        final long id;
        final byte[] message;
        final long hash;

        Delivery(int from, int to, int toIncarnation, long id, byte[] message, long hash) {
            this.from = from;
            this.to = to;
            this.toIncarnation = toIncarnation;
            this.id = id;
            this.message = message;
            this.hash = hash;
        }

        @Override
        public void fire(long seq) {
            long now = kernel.nowNanos();
            long clog = clogUntil(from, to);
            if (clog > now) {
                hold(this, clog);
                return;
            }
            if (!kernel.isUp(to) || kernel.incarnation(to) != toIncarnation) {
                drop(to, id, from, DROP_CRASHED);
                return;
            }
            if (blocked.get(from * capacity + to)) {
                drop(to, id, from, DROP_PARTITION);
                return;
            }
            Transport.Receiver receiver = receivers[to];
            if (receiver == null || receiverIncarnations[to] != toIncarnation) {
                drop(to, id, from, DROP_NO_HANDLER);
                return;
            }
            if (!(kernel.running(to, toIncarnation))) Invariants.check(false, "delivery to n%d must run on its loop", to); // hot path: box only on failure
            delivered++;
            trace.record(now, to, EventKind.DELIVER, id, from, hash, null, null);
            receiver.receive(ids[from], message);
        }
    }

    /** One node incarnation's view of the network. */
    private final class Endpoint implements Transport {
        private final int node;
        private final int incarnation;

        Endpoint(int node, int incarnation) {
            this.node = node;
            this.incarnation = incarnation;
        }

        @Override
        public NodeId self() {
            return ids[node];
        }

        @Override
        public void send(NodeId to, byte[] message) {
            Invariants.check(to != null, "destination must not be null");
            SimulatedNetwork.this.send(node, incarnation, to.index(), message);
        }

        @Override
        public void onReceive(Receiver receiver) {
            Invariants.check(receiver != null, "receiver must not be null");
            if (!kernel.isUp(node) || kernel.incarnation(node) != incarnation) return; // a dead incarnation
            receivers[node] = receiver;
            receiverIncarnations[node] = incarnation;
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private void setBlocked(int from, int to, boolean value) {
        checkNode(from);
        checkNode(to);
        if (from == to) return; // a node always reaches itself
        blocked.set(from * capacity + to, value);
    }

    private void tracePartition(String what) {
        trace.record(kernel.nowNanos(), Kernel.NO_NODE, EventKind.PARTITION, 0, 0, 0, what, blockedLinks());
    }

    private boolean[] membership(int[] side) {
        boolean[] in = new boolean[nodeCount];
        for (int n : side) {
            checkNode(n);
            in[n] = true;
        }
        return in;
    }

    private static String describe(int[] nodes) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < nodes.length; i++) {
            if (i > 0) sb.append(',');
            sb.append('n').append(nodes[i]);
        }
        return sb.append('}').toString();
    }

    private void checkNode(int node) {
        if (!(node >= 0 && node < nodeCount)) Invariants.check(false, "no node n%d (have %d)", node, nodeCount); // hot path: box only on failure
    }

    private void grow() {
        int next = capacity * 2;
        BitSet nb = new BitSet();
        long[] nl = new long[next * next];
        for (int a = 0; a < nodeCount; a++) {
            for (int b = 0; b < nodeCount; b++) {
                if (blocked.get(a * capacity + b)) nb.set(a * next + b);
                nl[a * next + b] = linkClogUntil[a * capacity + b];
            }
        }
        blocked = nb;
        linkClogUntil = nl;
        nodeClogUntil = Arrays.copyOf(nodeClogUntil, next);
        receivers = Arrays.copyOf(receivers, next);
        receiverIncarnations = Arrays.copyOf(receiverIncarnations, next);
        ids = Arrays.copyOf(ids, next);
        capacity = next;
    }
}
