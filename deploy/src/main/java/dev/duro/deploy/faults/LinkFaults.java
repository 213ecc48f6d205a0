package dev.duro.deploy.faults;

import dev.duro.model.world.NodeId;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-only network faults of one node, applied by its {@link dev.duro.deploy.net.TcpTransport}
 * to whole frames: messages to the peers in {@link Rules#dropTo} are dropped before they are
 * framed, frames from the peers in {@link Rules#dropFrom} are dropped after they were verified,
 * and every other received frame is handed to the loop {@link Rules#delayMs} later. A partition
 * is a set of such rules, one per node; enforcing a cut link at both ends keeps it cut while one
 * end is paused or restarting.
 *
 * <p>Nothing builds one unless a test flag asks for it ({@code duro node --fault-admin-port}); a
 * transport without one has no fault path at all. Thread-safe: the rules are one immutable value
 * replaced at once, read by the node's event loop.
 */
public final class LinkFaults {
    /**
     * What this node does to its links now.
     *
     * @param dropTo   peers whose messages from here are dropped
     * @param dropFrom peers whose frames to here are dropped
     * @param delayMs  extra delay of every other received frame
     */
    public record Rules(Set<NodeId> dropTo, Set<NodeId> dropFrom, long delayMs) {
        public static final Rules NONE = new Rules(Set.of(), Set.of(), 0);

        public Rules {
            dropTo = Set.copyOf(dropTo);
            dropFrom = Set.copyOf(dropFrom);
            if (delayMs < 0 || delayMs > 60_000) throw new IllegalArgumentException("delayMs must be 0..60000, got " + delayMs);
        }

        /** {@code dropTo=n1,n2 dropFrom=n1 delayMs=0}, peers sorted: what the admin endpoint answers. */
        public String describe() {
            return "dropTo=" + String.join(",", sorted(dropTo)) + " dropFrom=" + String.join(",", sorted(dropFrom))
                    + " delayMs=" + delayMs;
        }

        private static Set<String> sorted(Set<NodeId> ids) {
            Set<String> s = new TreeSet<>();
            for (NodeId id : ids) s.add(id.toString());
            return s;
        }
    }

    private volatile Rules rules = Rules.NONE;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();

    public Rules rules() {
        return rules;
    }

    public void set(Rules r) {
        rules = Objects.requireNonNull(r, "rules");
    }

    /** True when a message to {@code peer} must be dropped (and counts it). */
    public boolean dropsTo(NodeId peer) {
        return count(rules.dropTo().contains(peer));
    }

    /** True when a frame from {@code peer} must be dropped (and counts it). */
    public boolean dropsFrom(NodeId peer) {
        return count(rules.dropFrom().contains(peer));
    }

    /** The delay of a received frame that is not dropped, in milliseconds (counts delayed frames). */
    public long delayMs() {
        long d = rules.delayMs();
        if (d > 0) delayed.incrementAndGet();
        return d;
    }

    /** Messages and frames dropped so far. */
    public long dropped() {
        return dropped.get();
    }

    /** Frames delayed so far. */
    public long delayed() {
        return delayed.get();
    }

    private boolean count(boolean drop) {
        if (drop) dropped.incrementAndGet();
        return drop;
    }
}
