package dev.duro.scenarios.scheduler;

import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.scenarios.frame.ObjectWorld;
import dev.duro.scenarios.frame.Timeline;
import dev.duro.sim.Simulation;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An alarm-driven job scheduler ({@link SchedulerObject}, SQL): 2–3 clients schedule jobs a few
 * seconds ahead on 1–3 objects; each object keeps its alarm at its earliest pending job, and its
 * handler sometimes throws to exercise retries, under the nemesis of {@link ObjectWorld}. Final
 * reads at 85% of the run, so jobs scheduled before the stop are due. Properties S1–S4
 * ({@link SchedulerChecks}): acknowledged jobs are durable, no phantom jobs, no run before its
 * time, every due acknowledged job ran at least once; S5 (P6) final reads answered; P4 and P5
 * (alarms never early, durable alarms never lost) from the trace. Not checked: exactly-once runs
 * (alarms are at-least-once; a run whose marking was lost in a crash runs again).
 */
public final class SchedulerScenario extends ObjectScenario {
    public static final String NAME = "scheduler";
    static final String NAMESPACE = "SCHEDULERS";
    /** How long after its time a job may still be waiting at the final read (retries, jitter). */
    static final long GRACE_MS = 1_500;

    private static final String DESCRIPTION =
            "an alarm-driven job scheduler (SQL, handler failures and retries) under node crashes, clock faults, "
            + "disk and network faults; checks every acknowledged job runs at least once, never early";

    public SchedulerScenario() {
        this(Set.of());
    }

    public SchedulerScenario(Set<PlantedBug> bugs) {
        super(NAME, DESCRIPTION, 85, bugs);
    }

    @Override
    protected ScenarioRun setUp(Setup s) {
        Timeline t = s.timeline();
        SeededEntropy p = s.params();
        long evictMs = p.between(1_000, 6_000);
        double failRate = p.between(0, 40) / 100.0;
        // Workload variant, on its own stream so the other draws stay put: re-set the alarm to the time it has.
        boolean resetSame = s.params().derive("variant").chance(0.5);
        // Another, on a stream of its own: a handler that outlasts the gap to the next job.
        SeededEntropy slow = s.params().derive("variant-slow-handler");
        long handlerPauseMs = slow.chance(0.5) ? slow.between(20, 200) : 0;
        ObjectWorld w = s.world(new NamespaceBinding(NAMESPACE, ctx -> new SchedulerObject(ctx, failRate, resetSame, handlerPauseMs)),
                ObjectWorld.runtimeConfig(evictMs, 10_000, 100, bugs));
        int clients = w.clients((int) p.between(2, 3));
        int objectCount = w.objects((int) p.between(1, 3));
        long intervalMs = p.between(50, 200);
        long timeoutMs = p.between(300, 1_000);
        long maxDelayMs = Math.max(100, Math.min(p.between(100, 3_000), (t.finalReadAtMs() - t.stopAtMs()) / 2));
        List<String> objects = new ArrayList<>();
        for (int i = 0; i < objectCount; i++) objects.add("scheduler-" + i);
        List<SchedulerClient> cs = w.addClients(clients, i -> new SchedulerClient(i, w::nowNanos, Simulation.millis(timeoutMs),
                LoopClient.Pace.of(intervalMs, t, i), new SchedulerClient.Settings(objects, maxDelayMs)));
        w.params().put("workload", clients + " clients, " + objectCount + " scheduler objects, a job every ~" + intervalMs
                + "ms per client due within " + maxDelayMs + "ms, handler failure rate " + failRate
                + " (first attempt and first retry), timeout " + timeoutMs + "ms, evict idle after " + evictMs + "ms");
        if (resetSame) w.params().put("variant", "a schedule that does not move the alarm earlier sets it again to the time it has");
        if (handlerPauseMs > 0) w.params().put("variant-slow-handler", "the alarm handler waits " + handlerPauseMs + "ms after its work and the next alarm");
        w.start();
        return w.run(reason -> {
            List<Violation> out = new ArrayList<>();
            boolean end = w.livenessJudged(reason);
            int sentCount = 0;
            int ackCount = 0;
            int runs = 0;
            for (String o : objects) {
                Map<String, Long> sent = new TreeMap<>();
                Map<String, Long> acked = new TreeMap<>();
                for (SchedulerClient c : cs) {
                    sent.putAll(c.sent().getOrDefault(o, Map.of()));
                    acked.putAll(c.acknowledged().getOrDefault(o, Map.of()));
                }
                sentCount += sent.size();
                ackCount += acked.size();
                SchedulerChecks.FinalState fin = cs.get(0).finals().get(o);
                if (fin == null) {
                    if (end) out.add(w.unanswered("S5", o + "'s final read"));
                    continue;
                }
                runs += fin.runs().size();
                out.addAll(SchedulerChecks.check(o, sent, acked, fin, GRACE_MS, end));
            }
            w.params().put("outcome", sentCount + " jobs sent, " + ackCount + " acknowledged, " + runs + " runs");
            return out;
        });
    }
}
