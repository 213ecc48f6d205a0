package dev.duro.sim.run;

import dev.duro.model.util.Invariants;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.trace.Trace;
import dev.duro.sim.trace.TraceEvent;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The determinism check (property P7): runs one configuration twice, interleaved step by step on
 * the calling thread, and compares the traces event by event as they grow. The first event whose
 * running digest differs is the first divergence; both runs still hold the events before it in
 * their rings, so it is reported with context from both sides. Memory stays bounded whatever the
 * run's length.
 *
 * <p>Since the two runs share one JVM, static mutable state (a global counter, a cache) shows up as
 * divergence too, which is what it is.
 */
public final class DoubleRun {
    /** Ring size for each run: enough for the gap between the two runs plus context. */
    static final int RING = 8192;

    private DoubleRun() {}

    /** The first event at which the two runs differ, with the events before it from both. */
    public record Divergence(long index, TraceEvent first, TraceEvent second, List<TraceEvent> contextFirst,
                             List<TraceEvent> contextSecond) {

        /** Side-by-side lines: the k events before the divergence, then the divergent pair. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            TraceEvent where = first != null ? first : second;
            out.add("first divergent event: #" + index + " at t=" + TraceEvent.formatMillis(where.timeNanos()) + " node "
                    + (where.node() < 0 ? "-" : "n" + where.node()));
            int width = 70;
            out.add(pad("run 1", width) + " | run 2");
            int n = Math.max(contextFirst.size(), contextSecond.size());
            for (int i = 0; i < n; i++) {
                String a = i < contextFirst.size() ? contextFirst.get(i).text() : "";
                String b = i < contextSecond.size() ? contextSecond.get(i).text() : "";
                out.add(pad(a, width) + " | " + b);
            }
            out.add(pad(first == null ? "(run ended)" : first.text(), width) + " | "
                    + (second == null ? "(run ended)" : second.text()) + "   <== differs");
            return out;
        }

        private static String pad(String s, int width) {
            return s.length() >= width ? s : s + " ".repeat(width - s.length());
        }
    }

    /** Both results and the divergence, if any. */
    public record Result(RunResult first, RunResult second, Divergence divergence) {
        public boolean deterministic() {
            return divergence == null && first.digest().equals(second.digest()) && sameOutcome();
        }

        /** Same verdict and same end: equal traces must also take as many steps and stop the same way. */
        private boolean sameOutcome() {
            return first.violations().equals(second.violations()) && first.stopReason() == second.stopReason()
                    && first.events() == second.events() && first.simTimeNanos() == second.simTimeNanos();
        }

        /** The violation to report when the runs differ, or null. */
        public Violation violation() {
            if (deterministic()) return null;
            if (divergence != null) {
                TraceEvent e = divergence.first() != null ? divergence.first() : divergence.second();
                return new Violation("P7", FailureClass.DETERMINISM, "traces diverge at event #" + divergence.index()
                        + " (t=" + TraceEvent.formatMillis(e.timeNanos()) + ", node " + (e.node() < 0 ? "-" : "n" + e.node())
                        + "): digests " + first.digest() + " vs " + second.digest());
            }
            if (!first.violations().equals(second.violations())) {
                return new Violation("P7", FailureClass.DETERMINISM, "same trace digest " + first.digest()
                        + " but different verdicts: " + first.violations() + " vs " + second.violations());
            }
            return new Violation("P7", FailureClass.DETERMINISM, "same trace digest " + first.digest()
                    + " but different ends: " + first.stopReason() + " after " + first.events() + " events at "
                    + first.simTimeNanos() + "ns vs " + second.stopReason() + " after " + second.events() + " events at "
                    + second.simTimeNanos() + "ns");
        }
    }

    public static Result run(Scenario scenario, RunConfig requested, int contextEvents) {
        RunConfig config = Runner.resolved(scenario, requested);
        Invariants.check(contextEvents >= 0 && contextEvents < RING / 4, "context must lie in [0, %d)", RING / 4);
        long untilMs = Runner.resolvedUntilMs(scenario, config);
        RunConfig ringed = config.withRingCapacity(Math.max(config.ringCapacity(), RING));
        ScenarioRun runA = scenario.setUp(ringed, TraceListener.NONE);
        ScenarioRun runB = scenario.setUp(ringed, TraceListener.NONE);
        Simulation a = runA.simulation();
        Simulation b = runB.simulation();
        Invariants.check(a != b, "a scenario must build a fresh simulation per setUp");
        a.kernel().budget(Simulation.millis(untilMs), config.maxEvents());
        b.kernel().budget(Simulation.millis(untilMs), config.maxEvents());
        Trace ta = a.trace();
        Trace tb = b.trace();
        StopReason ra = null;
        StopReason rb = null;
        long verified = 0;
        Divergence divergence = null;
        while (divergence == null && (ra == null || rb == null)) {
            // Step whichever run is behind in trace events, so the unverified gap stays one step wide.
            if (ra == null && (ta.count() <= tb.count() || rb != null)) ra = a.step();
            else rb = b.step();
            long common = Math.min(ta.count(), tb.count());
            for (long i = verified; i < common; i++) {
                if (ta.chainAt(i) != tb.chainAt(i)) {
                    divergence = divergenceAt(ta, tb, i, contextEvents);
                    break;
                }
            }
            verified = common;
            // A run that has stopped has its final length: once the other run passes it, they
            // differ at the shorter one's end. Caught now, while that event is still in the ring.
            if (divergence == null && ((ra != null && tb.count() > ta.count()) || (rb != null && ta.count() > tb.count()))) {
                divergence = divergenceAt(ta, tb, common, contextEvents);
            }
        }
        if (divergence == null && ta.count() != tb.count()) {
            divergence = divergenceAt(ta, tb, Math.min(ta.count(), tb.count()), contextEvents);
        }
        if (divergence != null) {
            // Stop both where they are: the rest of the runs would only repeat the news.
            a.kernel().stop();
            b.kernel().stop();
            ra = a.step();
            rb = b.step();
        }
        RunResult first = Runner.finish(runA, config, untilMs, ra);
        RunResult second = Runner.finish(runB, config, untilMs, rb);
        return new Result(first, second, divergence);
    }

    private static Divergence divergenceAt(Trace ta, Trace tb, long index, int k) {
        TraceEvent ea = index < ta.count() ? ta.eventAt(index) : null;
        TraceEvent eb = index < tb.count() ? tb.eventAt(index) : null;
        return new Divergence(index, ea, eb, ta.range(index - k, index), tb.range(index - k, index));
    }
}
