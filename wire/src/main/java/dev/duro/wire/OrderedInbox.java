package dev.duro.wire;

import dev.duro.model.util.Invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a WebSocket over an unreliable transport: frames numbered 1, 2, ... are handed
 * out in order, each at most once; duplicates and frames already delivered are dropped, frames that
 * arrive early wait (up to a bound) for the ones before them.
 *
 * <p>A frame lost for good leaves a <em>gap</em>. The owner asks {@link #gapStalledFor} on its
 * timer and breaks the socket (1006) when a gap has made no progress for too long: like a TCP
 * connection, the socket either delivers everything in order or dies; it never skips a frame.
 * The sender's keepalive says how far it has sent ({@link #noteSentUpTo}), so a lost tail is a gap too.
 */
public final class OrderedInbox<T> {
    private final int maxBuffered;
    private final TreeMap<Long, T> early = new TreeMap<>();
    private long deliveredSeq;
    private long senderSentUpToSeq;
    private long progressNanos;
    private long duplicates;

    public OrderedInbox(int maxBuffered, long nowNanos) {
        Invariants.check(maxBuffered >= 1, "maxBuffered must be >= 1, got %d", maxBuffered);
        this.maxBuffered = maxBuffered;
        this.progressNanos = nowNanos;
    }

    /**
     * Accepts frame {@code seq}; returns the frames now deliverable, in order (empty when it is a
     * duplicate or arrived early). Returns null when too many frames wait behind a gap: the owner
     * must break the socket.
     */
    public List<T> offer(long seq, T frame, long nowNanos) {
        Invariants.check(seq >= 1, "sequence numbers start at 1, got %d", seq);
        if (seq <= deliveredSeq || early.containsKey(seq)) {
            duplicates++;
            return List.of();
        }
        senderSentUpToSeq = Math.max(senderSentUpToSeq, seq);
        if (seq != deliveredSeq + 1) {
            if (!hasGap()) progressNanos = nowNanos; // a gap opens now
            early.put(seq, frame);
            return early.size() > maxBuffered ? null : List.of();
        }
        List<T> out = new ArrayList<>(1 + early.size());
        out.add(frame);
        deliveredSeq = seq;
        for (Map.Entry<Long, T> next = early.firstEntry(); next != null && next.getKey() == deliveredSeq + 1;
             next = early.firstEntry()) {
            early.pollFirstEntry();
            out.add(next.getValue());
            deliveredSeq = next.getKey();
        }
        progressNanos = nowNanos;
        Invariants.check(early.isEmpty() || early.firstKey() > deliveredSeq + 1, "inbox kept a deliverable frame");
        return out;
    }

    /** The sender says it has sent frames up to {@code seq}. */
    public void noteSentUpTo(long seq, long nowNanos) {
        if (seq > senderSentUpToSeq) {
            if (!hasGap()) progressNanos = nowNanos;
            senderSentUpToSeq = seq;
        }
    }

    /** True when a frame is missing and nothing was delivered for longer than {@code timeoutNanos}. */
    public boolean gapStalledFor(long nowNanos, long timeoutNanos) {
        return hasGap() && nowNanos - progressNanos > timeoutNanos;
    }

    boolean hasGap() {
        return senderSentUpToSeq > deliveredSeq;
    }

    long deliveredSeq() {
        return deliveredSeq;
    }

    public long duplicates() {
        return duplicates;
    }
}
