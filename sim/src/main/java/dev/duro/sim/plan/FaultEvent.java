package dev.duro.sim.plan;

import dev.duro.model.util.Invariants;
import java.util.List;

/**
 * One fault the nemesis executed, at virtual time {@code atNanos}, on runtime node {@code node}
 * (for a partition: the lowest node it cuts). Durations are virtual nanoseconds; a fault still on
 * at the heal ends there. Each record's {@link #kind()} is its name in plan files.
 */
public sealed interface FaultEvent {
    long atNanos();

    /** The node struck (a partition: its first blocked link's sender). */
    int node();

    /** The event's name in a plan file ({@code crash}, {@code partition}, ...). */
    String kind();

    /** Every node this event names, to check them against the run's node count. */
    default List<Integer> nodesNamed() {
        return List.of(node());
    }

    /** Every event has a time and a node that are not negative. */
    private static void checkAt(long atNanos, int node) {
        Invariants.check(atNanos >= 0, "fault event at %d ns: must be >= 0", atNanos);
        Invariants.check(node >= 0, "fault event on node %d: must be >= 0", node);
    }

    /**
     * The node crashes; it restarts after {@code downNanos} ({@code -1}: only at the heal), on a
     * blank disk when {@code wipeDisk} (the disk died with it).
     */
    record Crash(long atNanos, int node, long downNanos, boolean wipeDisk) implements FaultEvent {
        public Crash {
            checkAt(atNanos, node);
            Invariants.check(downNanos >= -1, "crash downNanos %d: must be >= 0, or -1 for until the heal", downNanos);
        }

        @Override
        public String kind() {
            return "crash";
        }
    }

    /** The node stops running for {@code durationNanos}; when {@code messagesFirst} it then takes messages before timers. */
    record Pause(long atNanos, int node, long durationNanos, boolean messagesFirst) implements FaultEvent {
        public Pause {
            checkAt(atNanos, node);
            Invariants.check(durationNanos >= 1, "pause duration %d: must be >= 1", durationNanos);
        }

        @Override
        public String kind() {
            return "pause";
        }
    }

    /**
     * The network's blocked links become exactly {@code links} (every earlier partition healed)
     * for {@code durationNanos}, unless a later partition replaces them first. No links: the
     * earlier partition just ends (a strike the fault budget refused).
     */
    record Partition(long atNanos, long durationNanos, String label, List<Link> links) implements FaultEvent {
        public Partition {
            Invariants.check(atNanos >= 0, "partition at %d ns: must be >= 0", atNanos);
            Invariants.check(durationNanos >= 1, "partition duration %d: must be >= 1", durationNanos);
            Invariants.check(label != null, "partition label must be set");
            Invariants.check(links != null, "partition links must be set (empty: heal)");
            links = List.copyOf(links);
        }

        @Override
        public int node() {
            return links.isEmpty() ? 0 : links.getFirst().from();
        }

        @Override
        public List<Integer> nodesNamed() {
            if (links.isEmpty()) return List.of();
            return links.stream().flatMap(l -> java.util.stream.Stream.of(l.from(), l.to())).distinct().sorted().toList();
        }

        @Override
        public String kind() {
            return "partition";
        }
    }

    /** One blocked direction of a link. */
    record Link(int from, int to) {
        public Link {
            Invariants.check(from >= 0 && to >= 0 && from != to, "bad link n%d->n%d", from, to);
        }
    }

    /** Messages to and from the node ({@code peer} -1), or on the link node->peer, are held for {@code durationNanos}. */
    record Clog(long atNanos, int node, int peer, long durationNanos) implements FaultEvent {
        public Clog {
            checkAt(atNanos, node);
            Invariants.check(peer >= -1 && peer != node, "clog peer %d", peer);
            Invariants.check(durationNanos >= 1, "clog duration %d: must be >= 1", durationNanos);
        }

        @Override
        public List<Integer> nodesNamed() {
            return peer < 0 ? List.of(node) : List.of(node, peer);
        }

        @Override
        public String kind() {
            return "clog";
        }
    }

    /** The node's clock drifts at {@code ppm} from now on (until another drift event or the heal). */
    record Drift(long atNanos, int node, long ppm) implements FaultEvent {
        public Drift {
            checkAt(atNanos, node);
            Invariants.check(Math.abs(ppm) < 1_000_000, "drift %d ppm out of range", ppm);
        }

        @Override
        public String kind() {
            return "drift";
        }
    }

    /** The node's wall clock jumps by {@code offsetNanos} (either way). */
    record ClockJump(long atNanos, int node, long offsetNanos) implements FaultEvent {
        public ClockJump {
            checkAt(atNanos, node);
        }

        @Override
        public String kind() {
            return "clock-jump";
        }
    }

    /** The node's next {@code count} fsyncs fail. */
    record SyncFailures(long atNanos, int node, int count) implements FaultEvent {
        public SyncFailures {
            checkAt(atNanos, node);
            Invariants.check(count >= 1, "sync failures %d: must be >= 1", count);
        }

        @Override
        public String kind() {
            return "sync-failures";
        }
    }

    /** The node's fsyncs take {@code factor} times as long for {@code durationNanos}. */
    record SlowFsync(long atNanos, int node, int factor, long durationNanos) implements FaultEvent {
        public SlowFsync {
            checkAt(atNanos, node);
            Invariants.check(factor >= 1 && durationNanos >= 1, "slow fsync x%d for %d ns", factor, durationNanos);
        }

        @Override
        public String kind() {
            return "slow-fsync";
        }
    }

    /** The node's disk is full (writes that grow a file fail) for {@code durationNanos}. */
    record DiskFull(long atNanos, int node, long durationNanos) implements FaultEvent {
        public DiskFull {
            checkAt(atNanos, node);
            Invariants.check(durationNanos >= 1, "disk-full duration %d: must be >= 1", durationNanos);
        }

        @Override
        public String kind() {
            return "disk-full";
        }
    }

    /** {@code bits} bits of synced data flip on the node's disk (which bits: the disk's own stream). */
    record BitFlip(long atNanos, int node, int bits) implements FaultEvent {
        public BitFlip {
            checkAt(atNanos, node);
            Invariants.check(bits >= 1, "bit flips %d: must be >= 1", bits);
        }

        @Override
        public String kind() {
            return "bit-flip";
        }
    }

    /**
     * Reads of the node's disk fail for {@code durationNanos}: every read ({@code prefixBytes} -1),
     * or reads of the first {@code prefixBytes} of every file.
     */
    record ReadErrors(long atNanos, int node, long prefixBytes, long durationNanos) implements FaultEvent {
        public ReadErrors {
            checkAt(atNanos, node);
            Invariants.check(prefixBytes == -1 || prefixBytes >= 1, "read-error prefix %d", prefixBytes);
            Invariants.check(durationNanos >= 1, "read-error duration %d: must be >= 1", durationNanos);
        }

        @Override
        public String kind() {
            return "read-errors";
        }
    }
}
