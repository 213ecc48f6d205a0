package dev.duro.scenarios.testkit;

import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One fault of a {@link FaultPlan}, as data: what happens to which runtime nodes, from
 * {@link #atMs()} (virtual ms after the kit started) for {@link #durationMs()}. Its text form
 * ({@link #toString()}) is what {@link FaultPlan#parse} reads back, so a failure's repro line can be
 * pasted into a test.
 */
public sealed interface Fault {
    /** When it starts, in virtual ms after the kit started. */
    long atMs();

    /** How long it lasts, in ms (&gt; 0). */
    long durationMs();

    /** When it is over. */
    default long endMs() {
        return atMs() + durationMs();
    }

    /** The runtime nodes it touches, in index order. */
    SortedSet<Integer> nodes();

    /**
     * Node {@code node} crashes (memory and unsynced disk writes lost) and restarts on the same
     * disk after {@code durationMs}. Skipped if the node is already down.
     */
    record Crash(int node, long atMs, long durationMs) implements Fault {
        public Crash {
            checkNode(node, atMs, durationMs);
        }

        @Override
        public SortedSet<Integer> nodes() {
            return new TreeSet<>(java.util.List.of(node));
        }

        @Override
        public String toString() {
            return "crash n" + node + " at " + atMs + "ms for " + durationMs + "ms";
        }
    }

    /**
     * Node {@code node} stops running anything (a long GC pause) for {@code durationMs}; messages
     * to it wait. Skipped if the node is down.
     */
    record Pause(int node, long atMs, long durationMs) implements Fault {
        public Pause {
            checkNode(node, atMs, durationMs);
        }

        @Override
        public SortedSet<Integer> nodes() {
            return new TreeSet<>(java.util.List.of(node));
        }

        @Override
        public String toString() {
            return "pause n" + node + " at " + atMs + "ms for " + durationMs + "ms";
        }
    }

    /**
     * The runtime nodes in {@code side} cannot exchange messages with the other runtime nodes (both
     * ways) for {@code durationMs}; clients still reach every node. Overlapping partitions add up.
     */
    record Partition(SortedSet<Integer> side, long atMs, long durationMs) implements Fault {
        public Partition {
            checkTimes(atMs, durationMs);
            side = new TreeSet<>(side);
            if (side.isEmpty()) throw new IllegalArgumentException("a partition needs at least one node on its side");
            if (side.first() < 0) throw new IllegalArgumentException("nodes must be >= 0, got " + side);
        }

        @Override
        public SortedSet<Integer> nodes() {
            return new TreeSet<>(side);
        }

        @Override
        public String toString() {
            return "partition " + side.stream().map(n -> "n" + n).collect(Collectors.joining(",", "{", "}"))
                    + " at " + atMs + "ms for " + durationMs + "ms";
        }
    }

    private static void checkNode(int node, long atMs, long durationMs) {
        checkTimes(atMs, durationMs);
        if (node < 0) throw new IllegalArgumentException("node must be >= 0, got " + node);
    }

    private static void checkTimes(long atMs, long durationMs) {
        if (atMs < 0) throw new IllegalArgumentException("atMs must be >= 0, got " + atMs);
        if (durationMs <= 0) throw new IllegalArgumentException("durationMs must be > 0, got " + durationMs);
    }
}
