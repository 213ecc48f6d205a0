package dev.duro.model.check;

import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.model.history.Status;
import dev.duro.model.history.Unknown;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Acknowledged writes against what final reads observe, in time linear in the history (per distinct final read) by direct inference
 * (as Elle does): values are unique per key (KV) or elements unique (append/set), so each
 * observed value names the one write that produced it.
 *
 * <p>A <em>final read</em> is an ok read of a key (or of the collection) invoked after every
 * acknowledged write and delete of that key completed. Writes that failed are ignored;
 * indeterminate ones may or may not show up (never a finding).
 *
 * <ul>
 *   <li>KV ({@code put}/{@code write}, {@code delete}, {@code get}/{@code read} with a key): if
 *       the final read shows the value of write W, then an acknowledged write invoked after W
 *       completed is lost, and so is every acknowledged write when it shows nil; an acknowledged
 *       delete invoked after W completed means W was resurrected; a value nobody wrote is a
 *       phantom.
 *   <li>Append/set ({@code append}/{@code add}, {@code remove}, {@code read} without a key
 *       returning a collection): every acknowledged element must be present, at most once;
 *       an element removed (acknowledged) after its add completed must be absent; elements
 *       nobody added are phantoms.
 * </ul>
 *
 * Not checked: order of a list (the linearizability checker does that), reads other than final.
 */
public final class DurabilityChecker {
    private DurabilityChecker() {}

    /** The findings (empty = durable), and how much evidence there was. */
    public record Result(List<DurabilityFinding> findings, int acknowledgedWrites, int finalReads) {
        public Result {
            findings = List.copyOf(findings);
        }

        public boolean durable() {
            return findings.isEmpty();
        }
    }

    /** Checks a KV history (keys on every op). */
    public static Result checkKv(History history) {
        Map<Object, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : history.operations()) {
            if (op.status() == Status.FAIL || op.key() == null) continue;
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        List<DurabilityFinding> findings = new ArrayList<>();
        int acked = 0;
        int finals = 0;
        for (Map.Entry<Object, List<Operation>> e : byKey.entrySet()) {
            List<Operation> writes = new ArrayList<>();
            List<Operation> deletes = new ArrayList<>();
            List<Operation> reads = new ArrayList<>();
            for (Operation op : e.getValue()) {
                switch (op.f()) {
                    case "put", "write" -> writes.add(op);
                    case "delete", "del" -> deletes.add(op);
                    case "get", "read" -> reads.add(op);
                    default -> throw new IllegalArgumentException("durability (kv) has no operation '" + op.f() + "': " + op.describe());
                }
            }
            long lastAckNanos = Long.MIN_VALUE;
            Map<Object, Operation> writerOf = new HashMap<>();
            for (Operation w : writes) {
                if (w.status() == Status.OK) {
                    acked++;
                    lastAckNanos = Math.max(lastAckNanos, w.completeNanos());
                }
                writerOf.put(w.input(), w);
            }
            long lastDeleteInvokeNanos = Long.MIN_VALUE;
            for (Operation d : deletes) {
                if (d.status() != Status.OK) continue;
                lastAckNanos = Math.max(lastAckNanos, d.completeNanos());
                lastDeleteInvokeNanos = Math.max(lastDeleteInvokeNanos, d.invokeNanos());
            }
            for (Operation r : reads) {
                if (r.status() != Status.OK || r.output() == Unknown.VALUE || r.invokeNanos() <= lastAckNanos) continue;
                finals++;
                Object seen = r.output();
                if (seen == null) {
                    // Absent: every acknowledged write not followed by an acknowledged delete is lost.
                    for (Operation w : writes) {
                        if (w.status() == Status.OK && lastDeleteInvokeNanos < w.invokeNanos()) {
                            findings.add(new DurabilityFinding.LostWrite(e.getKey(), w, r));
                        }
                    }
                    continue;
                }
                Operation source = writerOf.get(seen);
                if (source == null) {
                    findings.add(new DurabilityFinding.Phantom(seen, r));
                    continue;
                }
                if (source.indeterminate()) {
                    // It may have taken effect at any time after its invoke: nothing is ordered after it.
                    continue;
                }
                for (Operation w : writes) {
                    if (w != source && w.status() == Status.OK && w.invokeNanos() > source.completeNanos()) {
                        findings.add(new DurabilityFinding.LostWrite(e.getKey(), w, r));
                    }
                }
                for (Operation d : deletes) {
                    if (d.status() == Status.OK && d.invokeNanos() > source.completeNanos()) {
                        findings.add(new DurabilityFinding.Resurrected(seen, d, r));
                    }
                }
            }
        }
        return new Result(findings, acked, finals);
    }

    /** Checks an append-only list or grow/remove set history (no keys; reads return collections). */
    public static Result checkCollection(History history) {
        Map<Object, Operation> added = new LinkedHashMap<>();
        List<Operation> removes = new ArrayList<>();
        List<Operation> reads = new ArrayList<>();
        long lastAckNanos = Long.MIN_VALUE;
        int acked = 0;
        for (Operation op : history.operations()) {
            if (op.status() == Status.FAIL) continue;
            switch (op.f()) {
                case "append", "add" -> {
                    added.put(op.input(), op);
                    if (op.status() == Status.OK) {
                        acked++;
                        lastAckNanos = Math.max(lastAckNanos, op.completeNanos());
                    }
                }
                case "remove", "delete" -> {
                    removes.add(op);
                    if (op.status() == Status.OK) lastAckNanos = Math.max(lastAckNanos, op.completeNanos());
                }
                case "read" -> reads.add(op);
                default -> throw new IllegalArgumentException("durability (collection) has no operation '" + op.f() + "': " + op.describe());
            }
        }
        java.util.Set<Object> everRemoved = new java.util.HashSet<>();
        for (Operation d : removes) everRemoved.add(d.input());
        Map<Object, Operation> removedAfterAdd = new HashMap<>();
        for (Operation d : removes) {
            Operation a = added.get(d.input());
            if (d.status() == Status.OK && a != null && a.status() == Status.OK && d.invokeNanos() > a.completeNanos()) {
                removedAfterAdd.put(d.input(), d);
            }
        }
        List<DurabilityFinding> findings = new ArrayList<>();
        int finals = 0;
        for (Operation r : reads) {
            if (r.status() != Status.OK || r.invokeNanos() <= lastAckNanos || !(r.output() instanceof Collection<?> seen)) continue;
            finals++;
            Map<Object, Integer> counts = new LinkedHashMap<>();
            for (Object x : seen) counts.merge(x, 1, Integer::sum);
            for (Map.Entry<Object, Integer> c : counts.entrySet()) {
                if (c.getValue() > 1) findings.add(new DurabilityFinding.Duplicate(c.getKey(), c.getValue(), r));
                if (!added.containsKey(c.getKey())) findings.add(new DurabilityFinding.Phantom(c.getKey(), r));
                Operation d = removedAfterAdd.get(c.getKey());
                if (d != null) findings.add(new DurabilityFinding.Resurrected(c.getKey(), d, r));
            }
            for (Operation a : added.values()) {
                if (a.status() == Status.OK && !counts.containsKey(a.input()) && !everRemoved.contains(a.input())) {
                    findings.add(new DurabilityFinding.LostWrite(a.input(), a, r));
                }
            }
        }
        return new Result(findings, acked, finals);
    }
}
