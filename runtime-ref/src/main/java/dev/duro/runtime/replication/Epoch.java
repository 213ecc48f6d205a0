package dev.duro.runtime.replication;

/**
 * A fencing epoch: what an owner wins from a majority of an object's replicas before it may write.
 * Ordered by round, then node index, then nonce; the nonce (drawn per node incarnation) keeps two
 * incarnations of one node that pick the same round from sharing an epoch. {@link #ZERO} is below
 * every epoch a node can win. Printed as {@code <round>.<node>.<nonce>}, the form traces use.
 */
public record Epoch(long round, int node, long nonce) implements Comparable<Epoch> {
    public static final Epoch ZERO = new Epoch(0, 0, 0);

    public Epoch {
        if (round < 0 || node < 0 || nonce < 0) {
            throw new IllegalArgumentException("epoch parts must be >= 0: " + round + "." + node + "." + nonce);
        }
    }

    @Override
    public int compareTo(Epoch o) {
        int c = Long.compare(round, o.round);
        if (c != 0) return c;
        c = Integer.compare(node, o.node);
        return c != 0 ? c : Long.compare(nonce, o.nonce);
    }

    public boolean isAfter(Epoch o) {
        return compareTo(o) > 0;
    }

    /** Parses {@link #toString()}'s form. */
    public static Epoch parse(String text) {
        String[] p = text.split("\\.");
        if (p.length != 3) throw new IllegalArgumentException("not an epoch: '" + text + "' (expected round.node.nonce)");
        return new Epoch(Long.parseLong(p[0]), Integer.parseInt(p[1]), Long.parseLong(p[2]));
    }

    @Override
    public String toString() {
        return round + "." + node + "." + nonce;
    }
}
