package dev.duro.cli.sim;

import dev.duro.sim.plan.Ddmin;
import dev.duro.sim.plan.FaultEvent;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.plan.Standing;
import dev.duro.sim.plan.WorkloadPlan;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Shrinks a failing run to a smaller one that fails the same property. Every candidate is a
 * deterministic run of (seed, settings, plan): the recorded plan of the original run, then
 * shorter run lengths, fewer nodes, clients and objects, standing rates zeroed, and delta
 * debugging ({@link Ddmin}) over the fault events and over the client operations, until nothing
 * more goes or the wall-time or run budget is spent. A candidate "fails the same" when one of its
 * violations names the same property (P3, K1, ...).
 */
final class Minimizer {
    /** A run to try: its settings and its plan. */
    record Candidate(RunConfig config, RunPlan plan) {
        /** The candidate's sizes, for the before/after lines. */
        Sizes sizes(long untilMs) {
            return new Sizes(untilMs, config.nodes(), plan.workload().clients(), plan.workload().objects(), plan.faults().size(),
                    plan.workload().ops().size(), plan.standing().count());
        }
    }

    /** What the minimizer reports before and after. */
    record Sizes(long untilMs, int nodes, int clients, int objects, int faults, int ops, int standing) {
        String line() {
            return String.format(Locale.ROOT, "%d fault events, %d operations, %d standing faults, %d clients, %d objects, "
                    + "%d nodes, %d ms", faults, ops, standing, clients, objects, nodes, untilMs);
        }
    }

    /** Where it ended: the smallest failing candidate, its result, and what the search cost. */
    record Outcome(Candidate best, RunResult result, int runs, String stoppedBy) {}

    private final Scenario scenario;
    private final String property;
    private final long deadlineNanos;
    private final int maxRuns;
    private final Progress progress;
    private int runs;
    /** Candidates whose settings or plan could not run, and the first reason. */
    private int unrunnable;
    private String firstUnrunnable = "";
    private Candidate best;
    private RunResult bestResult;

    /** Reports each accepted step (e.g. to stderr); may do nothing. */
    interface Progress {
        void step(String what, Sizes now);
    }

    Minimizer(Scenario scenario, String property, long deadlineNanos, int maxRuns, Progress progress) {
        this.scenario = scenario;
        this.property = property;
        this.deadlineNanos = deadlineNanos;
        this.maxRuns = maxRuns;
        this.progress = progress;
    }

    /** Whether the wall-time or run budget is spent. */
    boolean spent() {
        return runs >= maxRuns || WallClock.nanos() >= deadlineNanos;
    }

    int runs() {
        return runs;
    }

    /** How many candidates could not run, and why the first could not ("" when all could). */
    String unrunnable() {
        return unrunnable == 0 ? "" : unrunnable + " candidate(s) could not run, the first because: " + firstUnrunnable;
    }

    /** Runs {@code c}: its result and the plan it executed, or null when its settings or plan cannot run. */
    record Tried(RunResult result, RunPlan executed) {}

    Tried run(Candidate c) {
        runs++;
        RunPlan[] executed = new RunPlan[1];
        try {
            RunResult r = Runner.run(scenario, c.config(), c.plan(), TraceListener.NONE, done -> executed[0] = done.executedPlan());
            return new Tried(r, executed[0]);
        } catch (IllegalArgumentException | dev.duro.model.util.Invariants.InvariantViolation e) {
            // e.g. a standing rate this seed's fault kinds cannot take, or a lost node that must be the
            // faulty-disk one on fewer nodes: not a candidate
            if (unrunnable++ == 0) firstUnrunnable = e.getMessage();
            return null;
        }
    }

    boolean failsSame(RunResult r) {
        return r != null && r.violations().stream().anyMatch(v -> v.property().equals(property));
    }

    /**
     * True when {@code c} fails the same; then it becomes the best so far, with the plan it
     * executed (which lists only the faults that took effect and the operations issued).
     */
    private boolean accept(Candidate c, String what) {
        if (spent()) return false;
        Tried t = run(c);
        if (t == null || !failsSame(t.result())) return false;
        best = new Candidate(c.config(), t.executed());
        bestResult = t.result();
        progress.step(what, sizes());
        return true;
    }

    Sizes sizes() {
        return best.sizes(bestResult.untilMs());
    }

    /** Minimizes from {@code start} (which must fail the same: its result is {@code startResult}). */
    Outcome minimize(Candidate start, RunResult startResult) {
        best = start;
        bestResult = startResult;
        // Each round may open the way for the next: fewer operations may make a shorter run fail, and so on.
        for (int round = 0; round < 4 && !spent(); round++) {
            Sizes before = sizes();
            shorter();
            fewerNodes();
            fewerClientsAndObjects();
            zeroStanding();
            faults();
            ops();
            if (sizes().equals(before)) break;
        }
        return new Outcome(best, bestResult, runs, runs >= maxRuns ? "run budget" : spent() ? "time limit" : "done");
    }

    /** Shorter runs: an eighth, a quarter, half, three quarters of the length (the faults and operations in them). */
    private void shorter() {
        long until = bestResult.untilMs();
        for (int[] f : new int[][] {{1, 8}, {1, 4}, {1, 2}, {3, 4}}) {
            long candidate = until * f[0] / f[1];
            if (candidate < Limits.MIN_UNTIL_MS) continue;
            if (accept(new Candidate(best.config().withUntilMs(candidate), best.plan()), "run length " + candidate + " ms")) return;
        }
    }

    /** A 3-node (else 4-node) cluster, when the run has more: events on the nodes that go are dropped. */
    private void fewerNodes() {
        int nodes = best.config().nodes();
        for (int n = 3; n < nodes; n++) {
            if (accept(new Candidate(best.config().withNodes(n), renumber(best.plan(), nodes, n)), n + " nodes")) return;
        }
    }

    /**
     * The plan on {@code to} nodes instead of {@code from}: faults on the nodes that go are dropped,
     * partition links to them too, and clients (numbered after the runtime nodes) renumbered.
     */
    static RunPlan renumber(RunPlan plan, int from, int to) {
        List<FaultEvent> out = new ArrayList<>();
        for (FaultEvent ev : plan.faults()) {
            if (ev instanceof FaultEvent.Partition p) {
                List<FaultEvent.Link> links = new ArrayList<>();
                for (FaultEvent.Link l : p.links()) {
                    int a = moved(l.from(), from, to);
                    int b = moved(l.to(), from, to);
                    if (a >= 0 && b >= 0) links.add(new FaultEvent.Link(a, b));
                }
                if (!links.isEmpty() || p.links().isEmpty()) out.add(new FaultEvent.Partition(p.atNanos(), p.durationNanos(), p.label(), links));
            } else if (ev.nodesNamed().stream().allMatch(n -> n < to)) {
                out.add(ev);
            }
        }
        Standing s = plan.standing();
        Standing st = s.lostNode() < to ? s : new Standing(s.loss(), s.duplicate(), s.reorder(), s.faultPoints(), s.tornWrite(),
                s.corruptSector(), s.syncFailure(), s.slowSync(), -1);
        return new RunPlan(st, out, plan.workload());
    }

    /** The plan with partition links to nodes {@code from} and up (clients that go) left out. */
    static RunPlan withoutNodesFrom(RunPlan plan, int from) {
        List<FaultEvent> out = new ArrayList<>();
        for (FaultEvent ev : plan.faults()) {
            if (ev instanceof FaultEvent.Partition p) {
                List<FaultEvent.Link> links = p.links().stream().filter(l -> l.from() < from && l.to() < from).toList();
                if (!links.isEmpty() || p.links().isEmpty()) out.add(new FaultEvent.Partition(p.atNanos(), p.durationNanos(), p.label(), links));
            } else {
                out.add(ev);
            }
        }
        return plan.withFaults(out);
    }

    /** Node {@code i} of a run with {@code from} runtime nodes in a run with {@code to}: -1 when it goes. */
    private static int moved(int i, int from, int to) {
        if (i < to) return i;
        if (i < from) return -1;
        return i - from + to;
    }

    private void fewerClientsAndObjects() {
        int clients = best.plan().workload().clients();
        for (int c = 1; c < clients; c++) {
            WorkloadPlan w = best.plan().workload();
            int kept = c;
            RunPlan fewer = withoutNodesFrom(best.plan(), best.config().nodes() + c).withWorkload(new WorkloadPlan(c, w.objects(),
                    w.ops().stream().filter(o -> o.client() < kept).toList()));
            if (accept(new Candidate(best.config(), fewer), c + " client(s)")) break;
        }
        int objects = best.plan().workload().objects();
        for (int o = 1; o < objects; o++) {
            WorkloadPlan w = best.plan().workload();
            if (accept(new Candidate(best.config(), best.plan().withWorkload(new WorkloadPlan(w.clients(), o, w.ops()))),
                    o + " object(s)")) break;
        }
    }

    /** Every standing fault off at once, else each on its own. */
    private void zeroStanding() {
        Standing s = best.plan().standing();
        if (s.count() == 0) return;
        Standing none = new Standing(0, 0, 0, 0, 0, 0, 0, 0, -1);
        if (accept(new Candidate(best.config(), best.plan().withStanding(none)), "standing faults off")) return;
        String[] names = {"loss", "duplicate", "reorder", "fault points", "torn writes", "corrupt sectors", "fsync failures",
            "slow fsyncs", "lost node"};
        for (int i = 0; i < names.length; i++) {
            Standing cur = best.plan().standing();
            Standing off = without(cur, i);
            if (off.equals(cur)) continue;
            accept(new Candidate(best.config(), best.plan().withStanding(off)), names[i] + " off");
        }
    }

    private static Standing without(Standing s, int i) {
        double[] r = {s.loss(), s.duplicate(), s.reorder(), s.faultPoints(), s.tornWrite(), s.corruptSector(), s.syncFailure(),
            s.slowSync()};
        int lost = s.lostNode();
        if (i < r.length) r[i] = 0;
        else lost = -1;
        return new Standing(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], lost);
    }

    private void faults() {
        List<FaultEvent> all = best.plan().faults();
        Predicate<List<FaultEvent>> fails = sub -> accept(new Candidate(best.config(), best.plan().withFaults(sub)),
                sub.size() + " fault event(s)");
        Ddmin.minimize(all, fails, this::spent);
    }

    private void ops() {
        List<WorkloadPlan.Op> all = best.plan().workload().ops();
        Predicate<List<WorkloadPlan.Op>> fails = sub -> accept(new Candidate(best.config(),
                best.plan().withWorkload(best.plan().workload().withOps(sub))), sub.size() + " operation(s)");
        Ddmin.minimize(all, fails, this::spent);
    }
}
