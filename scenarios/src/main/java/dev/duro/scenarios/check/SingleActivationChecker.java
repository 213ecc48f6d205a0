package dev.duro.scenarios.check;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.replication.Epoch;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P3, single activation, judged from the fences the host prints on every {@code obj-output} in a
 * cluster (docs/cluster.md, "Trace facts"). Per object, outputs in trace order (virtual time)
 * must never go back to an older fence once a newer one produced output: an output under fence
 * {@code F} after an output under a newer fence {@code G} means the deposed activation of
 * {@code F} was still producing output while the one of {@code G} already did, i.e. two
 * activations at once. Outputs without a fence (a single node: no {@code fence=}, or {@code -})
 * are not judged.
 *
 * <p>Crashes change nothing here: a fence is durable history, and a restarted node that outputs
 * under an old fence is exactly what this property forbids.
 */
public final class SingleActivationChecker implements FactChecker {
    public static final String PROPERTY = "P3";

    /** The newest fence that produced output for an object, and where. */
    private record Newest(Epoch fence, int node, long timeNanos, long index) {}

    private final Map<String, Newest> newest = new TreeMap<>();
    private final CappedViolations violations = new CappedViolations(PROPERTY, FailureClass.SAFETY,
            "outputs under deposed fences");
    private long outputsJudged;
    private long fenceChanges;
    private int latestOutputNode = -1;

    @Override
    public void onFact(RuntimeFact f) {
        if (!f.kind().equals(RuntimeTrace.OUTPUT)) return;
        latestOutputNode = f.node();
        String text = f.fields().get("fence");
        if (text == null || text.equals("-")) return;
        Epoch fence;
        try {
            fence = Epoch.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("obj-output #" + f.index() + " has a malformed fence: " + e.getMessage(), e);
        }
        outputsJudged++;
        Newest seen = newest.get(f.id());
        if (seen == null || fence.compareTo(seen.fence()) > 0) {
            if (seen != null) fenceChanges++;
            newest.put(f.id(), new Newest(fence, f.node(), f.timeNanos(), f.index()));
            return;
        }
        if (fence.compareTo(seen.fence()) < 0) {
            violations.add("object " + f.shortId() + ": two activations"
                    + " produced output: n" + f.node() + " under fence " + fence + " sent a " + f.text("kind") + " at #"
                    + f.index() + " t=" + TraceEvent.formatMillis(f.timeNanos()) + ", after n" + seen.node()
                    + " under the newer fence " + seen.fence() + " had produced output at #" + seen.index() + " t="
                    + TraceEvent.formatMillis(seen.timeNanos()) + " (a deposed owner still answering)");
        }
    }

    @Override
    public void onCrash(int node) {
        // Fences are history, not memory: nothing to forget.
    }

    @Override
    public List<Violation> violations() {
        return violations.all();
    }

    /** Outputs that carried a fence (a checker that judged nothing proves nothing). */
    public long outputsJudged() {
        return outputsJudged;
    }

    /** How often an object's output moved to a newer fence (failovers and re-activations seen). */
    public long fenceChanges() {
        return fenceChanges;
    }

    /** The node of the latest output of any object (−1 before the first): an owner serving now. */
    public int latestOutputNode() {
        return latestOutputNode;
    }
}
