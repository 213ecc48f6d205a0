package dev.duro.model.world;

/**
 * A node of the cluster, by its index in the cluster configuration. Indices start at 0; the
 * textual form is {@code n<index>}, as in traces and reports.
 */
public record NodeId(int index) implements Comparable<NodeId> {
    public NodeId {
        if (index < 0) throw new IllegalArgumentException("node index must be >= 0, got " + index);
    }

    public static NodeId of(int index) {
        return new NodeId(index);
    }

    /** Parses {@code n3} or {@code 3}. */
    public static NodeId parse(String text) {
        String digits = text.startsWith("n") ? text.substring(1) : text;
        try {
            return new NodeId(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a node id: '" + text + "' (expected n<index>, e.g. n0)");
        }
    }

    @Override
    public int compareTo(NodeId other) {
        return Integer.compare(index, other.index);
    }

    @Override
    public String toString() {
        return "n" + index;
    }
}
