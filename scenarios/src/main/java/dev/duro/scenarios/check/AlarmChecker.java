package dev.duro.scenarios.check;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P5, alarms, judged from the runtime's trace facts.
 *
 * <ul>
 *   <li><b>Never early</b> ({@value #EARLY}, safety): every {@code alarm-fire} has {@code now >= scheduled}
 *       (both on the firing node's wall clock).</li>
 *   <li><b>At least once</b> ({@value #LOST}, liveness): an {@code alarm-set} becomes an obligation once
 *       the batch holding it is durable (the first {@code obj-seal} after it, then {@code obj-durable}
 *       with that seq or more). The obligation is met by an {@code alarm-done} for that time, or
 *       dropped when the object sets its alarm again (issued, durable or not: a conservative
 *       choice that never reports a replaced alarm), or when the platform gives up after
 *       {@code maxRetries} retries. It is also met when the host's own clearing after a successful
 *       handler (an {@code alarm-delete} after the {@code alarm-fire}, outside any event) was sealed
 *       at seq {@code s} and a later recovery of the object reached seq {@code s} or more while no
 *       other activation sealed a batch at or below {@code s} meanwhile: a crash came before the
 *       {@code alarm-done}, yet the next owner adopted the completed run (at least once holds; the
 *       handler's effects are in the state); or when that clearing became durable but the activation
 *       was evicted (ownership moved) before it could trace {@code alarm-done}. Obligations still open at the end, for times at or before the
 *       deadline the scenario passes to {@link #finish}, are lost alarms. Judged only when the
 *       run reached its end.</li>
 * </ul>
 *
 * Obligations are per object and survive crashes (a durable alarm must survive them); batches not
 * yet durable are per node incarnation and vanish with it. An {@code alarm-delete} is traced both
 * for the user's deletions and for the host's own clearing (after success, or after the last
 * retry), so the two cannot be told apart: with {@code deletesReplace} a deletion drops the
 * obligation; without it (workloads that never delete alarms) deletions are ignored, so a runtime
 * that clears an alarm before its handler succeeded is still caught.
 */
public final class AlarmChecker implements FactChecker {
    public static final String EARLY = "P5-early";
    public static final String LOST = "P5-lost";

    private record Pending(String id, long at, long setIndex) {}

    private record Batch(int node, String id, long epoch) implements Comparable<Batch> {
        @Override
        public int compareTo(Batch o) {
            int c = Integer.compare(node, o.node);
            if (c != 0) return c;
            c = id.compareTo(o.id);
            return c != 0 ? c : Long.compare(epoch, o.epoch);
        }
    }

    /** Sets waiting for their seal, and sealed ones (by seq) waiting for durability. */
    private static final class Unsettled {
        final List<Pending> unsealed = new ArrayList<>();
        final TreeMap<Long, List<Pending>> sealed = new TreeMap<>();
    }

    /** The host's clearing of a completed alarm, sealed at {@code seq} in {@code batch}, not yet known durable. */
    private record Completion(Batch batch, long scheduled, long seq) {}

    /** An alarm the runtime owes: durable since {@code durableIndex}. */
    private record Obligation(long at, long setIndex, long durableIndex, long durableNanos) {}

    private final int maxRetries;
    private final boolean deletesReplace;
    private final Map<Batch, Unsettled> unsettled = new TreeMap<>();
    private final Map<String, Obligation> obligations = new TreeMap<>();
    /** Index of the latest alarm-set (or deletion) per object, to tell replaced sets. */
    private final Map<String, Long> latestChange = new TreeMap<>();
    /**
     * Per activation: inside an event now; the time of a firing whose event is still open, then
     * whose event ended (its handler returned); a clearing awaiting its seal.
     */
    private final Map<Batch, Boolean> inEvent = new TreeMap<>();
    private final Map<Batch, Long> fired = new TreeMap<>();
    private final Map<Batch, Long> returned = new TreeMap<>();
    private final Map<Batch, Long> clearing = new TreeMap<>();
    private final Map<String, Completion> completions = new TreeMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private int early;
    private long fires;
    private long done;
    private long doneByClearing;
    private long durableSets;

    public AlarmChecker(int maxRetries, boolean deletesReplace) {
        this.maxRetries = maxRetries;
        this.deletesReplace = deletesReplace;
    }

    @Override
    public void onFact(RuntimeFact f) {
        Batch b = new Batch(f.node(), f.id(), f.epoch());
        switch (f.kind()) {
            case RuntimeTrace.ALARM_SET -> {
                Pending p = new Pending(f.id(), f.number("at"), f.index());
                unsettled.computeIfAbsent(b, k -> new Unsettled()).unsealed.add(p);
                latestChange.put(f.id(), f.index());
                obligations.remove(f.id());
            }
            case RuntimeTrace.ALARM_DELETE -> {
                // The host clears after the handler's event ended; a clearing inside the event is not one.
                Long firedAt = returned.remove(b);
                if (firedAt != null && !inEvent.getOrDefault(b, false)) clearing.put(b, firedAt);
                if (deletesReplace) {
                    latestChange.put(f.id(), f.index());
                    obligations.remove(f.id());
                }
            }
            case RuntimeTrace.SEAL -> {
                long seq = f.number("seq");
                Completion c = completions.get(f.id());
                if (c != null && !c.batch().equals(b) && seq <= c.seq()) completions.remove(f.id()); // overwritten
                Long cleared = clearing.remove(b);
                if (cleared != null) completions.put(f.id(), new Completion(b, cleared, seq));
                Unsettled u = unsettled.get(b);
                if (u != null && !u.unsealed.isEmpty()) {
                    u.sealed.computeIfAbsent(f.number("seq"), k -> new ArrayList<>()).addAll(u.unsealed);
                    u.unsealed.clear();
                }
            }
            case RuntimeTrace.DURABLE -> {
                Completion c = completions.get(f.id());
                if (c != null && c.batch().equals(b) && f.number("seq") >= c.seq()) {
                    // Durable: met, even when the activation is evicted before its alarm-done (ownership moved).
                    completions.remove(f.id());
                    meetByClearing(f.id(), c);
                }
                Unsettled u = unsettled.get(b);
                if (u == null) return;
                Map<Long, List<Pending>> now = u.sealed.headMap(f.number("seq"), true);
                for (List<Pending> sets : now.values()) {
                    for (Pending p : sets) {
                        // Only the latest change of the object's alarm counts.
                        if (latestChange.getOrDefault(p.id(), -1L) == p.setIndex()) {
                            durableSets++;
                            obligations.put(p.id(), new Obligation(p.at(), p.setIndex(), f.index(), f.timeNanos()));
                        }
                    }
                }
                now.clear();
            }
            case RuntimeTrace.EVENT_BEGIN -> inEvent.put(b, true);
            case RuntimeTrace.EVENT_END -> {
                inEvent.put(b, false);
                Long firedAt = fired.remove(b);
                if (firedAt != null) returned.put(b, firedAt);
            }
            case RuntimeTrace.RECOVER_END -> {
                Completion c = completions.get(f.id());
                if (c != null && f.number("seq") >= c.seq()) {
                    completions.remove(f.id());
                    meetByClearing(f.id(), c);
                }
            }
            case RuntimeTrace.RESET -> {
                Unsettled u = unsettled.get(b);
                if (u != null) u.unsealed.clear();
            }
            case RuntimeTrace.ALARM_FIRE -> {
                fires++;
                fired.put(b, f.number("scheduled"));
                returned.remove(b);
                long scheduled = f.number("scheduled");
                long now = f.number("now");
                if (now < scheduled && early++ < GateChecker.MAX_REPORTED) {
                    violations.add(new Violation(EARLY, FailureClass.SAFETY, f.where() + " object " + f.shortId()
                            + ": alarm for " + scheduled + " fired early, at wall " + now + " (" + (scheduled - now)
                            + " ms before its time)"));
                }
                Obligation o = obligations.get(f.id());
                if (o != null && o.at() == scheduled && f.fields().containsKey("retry") && f.number("retry") >= maxRetries) {
                    obligations.remove(f.id()); // the last attempt: the platform may give up after it
                }
            }
            case RuntimeTrace.ALARM_DONE -> {
                done++;
                Obligation o = obligations.get(f.id());
                if (o != null && o.at() == f.number("scheduled")) obligations.remove(f.id());
            }
            default -> { }
        }
    }


    private void meetByClearing(String id, Completion c) {
        Obligation o = obligations.get(id);
        if (o != null && o.at() == c.scheduled()) {
            obligations.remove(id);
            doneByClearing++;
        }
    }

    @Override
    public void onCrash(int node) {
        for (Map<Batch, ?> perActivation : List.of(unsettled, inEvent, fired, returned, clearing)) {
            for (Iterator<Batch> it = perActivation.keySet().iterator(); it.hasNext(); ) {
                if (it.next().node() == node) it.remove();
            }
        }
    }

    /**
     * The liveness verdict: every obligation for a time at or before {@code deadlineWallMillis},
     * durable since virtual time {@code durableByNanos} or earlier, must have been met. Call once,
     * only for a run that reached its end.
     */
    public List<Violation> finish(long deadlineWallMillis, long durableByNanos) {
        List<Violation> out = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Obligation> e : obligations.entrySet()) {
            Obligation o = e.getValue();
            if (o.at() > deadlineWallMillis || o.durableNanos() > durableByNanos) continue;
            if (n++ < GateChecker.MAX_REPORTED) {
                String id = e.getKey().length() > 12 ? e.getKey().substring(0, 12) : e.getKey();
                out.add(new Violation(LOST, FailureClass.LIVENESS, "object " + id + ": alarm for wall " + o.at()
                        + " (set at #" + o.setIndex() + ", durable at #" + o.durableIndex()
                        + ") never completed, though its time passed " + (deadlineWallMillis - o.at())
                        + " ms before the deadline"));
            }
        }
        if (n > GateChecker.MAX_REPORTED) {
            out.add(new Violation(LOST, FailureClass.LIVENESS, (n - GateChecker.MAX_REPORTED) + " more lost alarms"));
        }
        return out;
    }

    @Override
    public List<Violation> violations() {
        List<Violation> out = new ArrayList<>(violations);
        if (early > GateChecker.MAX_REPORTED) {
            out.add(new Violation(EARLY, FailureClass.SAFETY, (early - GateChecker.MAX_REPORTED) + " more early alarms"));
        }
        return out;
    }

    public long fires() {
        return fires;
    }

    public long done() {
        return done;
    }

    /**
     * Obligations met by the host's clearing after a successful handler without an {@code alarm-done}:
     * the clearing became durable after the activation was evicted, or a recovery adopted it.
     */
    public long doneByClearing() {
        return doneByClearing;
    }

    public long durableSets() {
        return durableSets;
    }
}
