package dev.duro.sim.run;

import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.trace.TraceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * What a run produced: the digest that proves which trace it was, budgets used, the verdict with
 * its violations, and the command line that reproduces it.
 *
 * @param config the configuration that was run
 * @param untilMs the simulated-time budget actually used (the scenario default when the config said 0)
 * @param parameters every parameter drawn from the seed, in print order
 * @param digest the trace digest, 16 hex digits
 * @param events queue entries processed
 * @param traceEvents trace events recorded
 * @param simTimeNanos virtual time at the end
 * @param stopReason which budget (or other cause) ended the run
 * @param violations violated properties; empty when the run passed
 */
public record RunResult(RunConfig config, long untilMs, SequencedMap<String, String> parameters, String digest, long events,
                        long traceEvents, long simTimeNanos, StopReason stopReason, List<Violation> violations) {
    /** The exit code of an {@link Verdict#INCONCLUSIVE} run: no violation, but the run ended before its workload. */
    public static final int EXIT_INCONCLUSIVE = 6;

    public RunResult {
        violations = List.copyOf(violations);
    }

    public long seed() {
        return config.seed();
    }

    public String scenario() {
        return config.scenario();
    }

    public long simTimeMs() {
        return simTimeNanos / 1_000_000;
    }

    /** FAIL on any violation; else INCONCLUSIVE when the event budget ended the run early; else PASS. */
    public Verdict verdict() {
        if (!violations.isEmpty()) return Verdict.FAIL;
        return stopReason == StopReason.EVENT_LIMIT ? Verdict.INCONCLUSIVE : Verdict.PASS;
    }

    /**
     * 0 on a pass; {@link #EXIT_INCONCLUSIVE} when there is no verdict; otherwise the exit code of
     * the most serious failure class present.
     */
    public int exitCode() {
        for (FailureClass c : new FailureClass[] {FailureClass.SAFETY, FailureClass.CRASH, FailureClass.LIVENESS,
                FailureClass.DETERMINISM}) {
            for (Violation v : violations) if (v.failureClass() == c) return c.exitCode();
        }
        return verdict() == Verdict.INCONCLUSIVE ? EXIT_INCONCLUSIVE : 0;
    }

    public String repro() {
        return config.repro(untilMs);
    }

    /** Human-readable summary, one fact per line, ending with the digest and the reproduction line. */
    public List<String> lines() {
        return lines(repro());
    }

    /** As {@link #lines()}, ending with {@code repro} (a replayed plan's run adds its {@code --plan FILE}). */
    public List<String> lines(String repro) {
        List<String> out = new ArrayList<>();
        out.add("seed: " + config.seedText());
        out.add("scenario: " + config.scenario());
        out.add("faults: " + config.faults());
        for (Map.Entry<String, String> e : parameters.entrySet()) out.add("param " + e.getKey() + ": " + e.getValue());
        out.add("events: " + events + " (trace events: " + traceEvents + ")");
        out.add("sim time: " + simTimeMs() + " ms (budget " + untilMs + " ms, " + config.maxEvents() + " events)");
        out.add("stop: " + stopReason + " (" + stopReason.description() + ")");
        if (stopReason == StopReason.EVENT_LIMIT) {
            // Violations found before the budget ran out are evidence; their absence is not.
            out.add("note: the event budget (" + config.maxEvents() + " events) ran out at " + simTimeMs() + " ms of the " + untilMs
                    + " ms run, before the workload and its checks were done: "
                    + (violations.isEmpty() ? "no verdict (raise --max-events)" : "the violations below were found before that"));
        }
        out.add("verdict: " + verdict());
        if (violations.isEmpty()) {
            out.add("violations: none");
        } else {
            for (Violation v : violations) out.add("violation: " + v);
        }
        out.add("digest: " + digest);
        out.add("repro: " + repro);
        return out;
    }

    /** One JSON object with the run's facts (a single line). */
    public String toJson() {
        return toJson(repro());
    }

    /** As {@link #toJson()}, with {@code repro} as its reproduction line. */
    public String toJson(String repro) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"seed\":").append(TraceJson.quote(config.seedText()))
                .append(",\"scenario\":").append(TraceJson.quote(config.scenario()))
                .append(",\"faults\":").append(TraceJson.quote(config.faults().toString()))
                .append(",\"digest\":").append(TraceJson.quote(digest))
                .append(",\"events\":").append(events)
                .append(",\"traceEvents\":").append(traceEvents)
                .append(",\"simTimeMs\":").append(simTimeMs())
                .append(",\"untilMs\":").append(untilMs)
                .append(",\"maxEvents\":").append(config.maxEvents())
                .append(",\"stopReason\":").append(TraceJson.quote(stopReason.name()))
                .append(",\"verdict\":").append(TraceJson.quote(verdict().name()))
                .append(",\"exitCode\":").append(exitCode())
                .append(",\"parameters\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(TraceJson.quote(e.getKey())).append(':').append(TraceJson.quote(e.getValue()));
        }
        sb.append("},\"violations\":[");
        for (int i = 0; i < violations.size(); i++) {
            Violation v = violations.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"property\":").append(TraceJson.quote(v.property()))
                    .append(",\"class\":").append(TraceJson.quote(v.failureClass().name()))
                    .append(",\"message\":").append(TraceJson.quote(v.message())).append('}');
        }
        sb.append("],\"repro\":").append(TraceJson.quote(repro)).append('}');
        return sb.toString();
    }
}
