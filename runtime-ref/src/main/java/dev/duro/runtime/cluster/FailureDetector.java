package dev.duro.runtime.cluster;

import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.cluster.ClusterMessage.Heartbeat;
import dev.duro.runtime.config.ClusterConfig;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Heartbeat failure detector (docs/cluster.md). Every {@code heartbeatMillis} this node sends a
 * heartbeat to every other member; a member not heard from for {@code suspectAfterMillis} of this
 * node's monotonic clock is suspected, and trusted again with its next heartbeat. Each change is
 * traced ({@value #TRACE_SUSPECT} / {@value #TRACE_TRUST}, {@code node=n<k>}) and reported to the
 * listener. A node always trusts itself.
 *
 * <p>Every member starts trusted: a node that has just booted does not grab objects whose owners it
 * merely has not heard from yet; a request for a dead owner waits at most for the suspicion.
 * Suspicion is a guess (a slow or cut-off node looks dead); safety never rests on it, only on
 * epochs and leases.
 */
final class FailureDetector {
    static final String TRACE_SUSPECT = "fd-suspect";
    static final String TRACE_TRUST = "fd-trust";

    private final World world;
    private final NodeId self;
    private final long heartbeatNanos;
    private final long suspectAfterNanos;
    private final Runnable onChange;
    private final byte[] heartbeat;
    /** Other members → when last heard from (this node's monotonic clock). */
    private final TreeMap<NodeId, Long> lastHeard = new TreeMap<>();
    private final TreeSet<NodeId> suspected = new TreeSet<>();

    FailureDetector(World world, ClusterConfig cluster, long incarnation, Runnable onChange) {
        this.heartbeat = ClusterCodec.encode(new Heartbeat(incarnation));
        this.world = world;
        this.self = world.self();
        this.heartbeatNanos = cluster.heartbeatMillis() * 1_000_000L;
        this.suspectAfterNanos = cluster.suspectAfterMillis() * 1_000_000L;
        this.onChange = onChange;
        long now = now();
        for (NodeId m : cluster.members()) {
            if (!m.equals(self)) lastHeard.put(m, now);
        }
    }

    /** Starts heartbeating; call once, on the loop. */
    void start() {
        tick();
    }

    /**
     * BUGGIFY: a heartbeat to one member leaves late (a stalled sender or a slow link): by
     * {@value #HEARTBEAT_LATE_PERIODS} periods, but never by more than half the slack between the
     * period and {@code suspectAfterMillis}, so the late heartbeat alone never makes a suspicion.
     */
    static final String FAULT_HEARTBEAT_LATE = "cluster-heartbeat-late";
    static final int HEARTBEAT_LATE_PERIODS = 2;

    private void tick() {
        for (NodeId m : lastHeard.keySet()) {
            if (world.faultPoints().fire(FAULT_HEARTBEAT_LATE)) {
                world.loop().schedule(Math.min(HEARTBEAT_LATE_PERIODS * heartbeatNanos, (suspectAfterNanos - heartbeatNanos) / 2), () -> world.transport().send(m, heartbeat));
            } else {
                world.transport().send(m, heartbeat);
            }
        }
        long now = now();
        boolean changed = false;
        for (var e : lastHeard.entrySet()) {
            NodeId m = e.getKey();
            long silentNanos = now - e.getValue();
            if (silentNanos > suspectAfterNanos && suspected.add(m)) {
                world.trace().record(TRACE_SUSPECT, "node=" + m + " silent-ms=" + silentNanos / 1_000_000);
                changed = true;
            }
        }
        world.loop().schedule(heartbeatNanos, this::tick);
        if (changed) onChange.run();
    }

    /** A heartbeat from {@code from}. Non-members are ignored. */
    void heard(NodeId from) {
        if (!lastHeard.containsKey(from)) return;
        lastHeard.put(from, now());
        if (suspected.remove(from)) {
            world.trace().record(TRACE_TRUST, "node=" + from);
            onChange.run();
        }
    }

    boolean trusts(NodeId node) {
        return node.equals(self) || !suspected.contains(node);
    }

    /** The members suspected now, in index order. */
    SortedSet<NodeId> suspected() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(suspected));
    }

    private long now() {
        return world.clock().monotonicNanos();
    }
}
