package dev.duro.sim.run;

import dev.duro.model.util.Invariants;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.Kernel;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs a scenario to a verdict: set up, run under the budgets, validate. */
public final class Runner {
    private Runner() {}

    public static RunResult run(Scenario scenario, RunConfig requested, TraceListener listener) {
        return run(scenario, requested, listener, done -> { });
    }

    /**
     * Runs, then hands the finished run to {@code afterRun} (which may read what the run recorded,
     * such as its clients' histories) before returning the result.
     */
    public static RunResult run(Scenario scenario, RunConfig requested, TraceListener listener,
                                Consumer<ScenarioRun> afterRun) {
        return run(scenario, requested, null, listener, afterRun);
    }

    /**
     * Runs under {@code plan} (faults and workload as data; null: drawn from the seed), then hands
     * the finished run to {@code afterRun}.
     */
    public static RunResult run(Scenario scenario, RunConfig requested, RunPlan plan, TraceListener listener,
                                Consumer<ScenarioRun> afterRun) {
        Invariants.check(scenario.name().equals(requested.scenario()), "config names scenario '%s', got '%s'",
                requested.scenario(), scenario.name());
        RunConfig config = resolved(scenario, requested);
        long untilMs = resolvedUntilMs(scenario, config);
        ScenarioRun run = plan == null ? scenario.setUp(config, listener) : scenario.setUp(config, listener, plan);
        Simulation sim = run.simulation();
        sim.kernel().budget(Simulation.millis(untilMs), config.maxEvents());
        StopReason reason = sim.kernel().run();
        RunResult result = finish(run, config, untilMs, reason);
        afterRun.accept(run);
        return result;
    }

    /** The simulated-time budget in ms: the config's, or the scenario's default when it says 0. */
    public static long resolvedUntilMs(Scenario scenario, RunConfig config) {
        return config.untilMs() > 0 ? config.untilMs() : scenario.defaultUntilMs();
    }

    /**
     * The config with the scenario's default node count filled in, so that results and
     * reproduction lines name the count that ran (as they name the resolved time budget).
     */
    public static RunConfig resolved(Scenario scenario, RunConfig config) {
        return config.nodes() == 0 && scenario.defaultNodes() > 0 ? config.withNodes(scenario.defaultNodes()) : config;
    }

    /** Validates a run that has stopped and builds its result. */
    static RunResult finish(ScenarioRun run, RunConfig config, long untilMs, StopReason reason) {
        Simulation sim = run.simulation();
        Kernel kernel = sim.kernel();
        Invariants.check(kernel.stopReason() == reason, "finish() called on a run that has not stopped");
        List<Violation> violations = new ArrayList<>();
        if (reason == StopReason.FAILURE) {
            Throwable t = kernel.failure();
            violations.add(new Violation("crash", FailureClass.CRASH, t.getClass().getSimpleName() + ": " + t.getMessage()
                    + stackSummary(t) + " (t=" + kernel.nowNanos() / 1_000_000 + "ms, node "
                    + (kernel.currentNode() < 0 ? "-" : "n" + kernel.currentNode()) + ")"));
        } else {
            violations.addAll(run.check(reason));
        }
        return new RunResult(config, untilMs, run.parameters(), sim.trace().digestHex(), kernel.steps(),
                sim.trace().count(), kernel.nowNanos(), reason, violations);
    }

    /** The innermost frames (at most 8), innermost first, so a crash report shows where and from where. */
    static String stackSummary(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        if (frames.length == 0) return "";
        StringBuilder b = new StringBuilder(" at ").append(frames[0]);
        for (int i = 1; i < Math.min(8, frames.length); i++) b.append(" < ").append(frames[i]);
        if (frames.length > 8) b.append(" < ...");
        return b.toString();
    }
}
