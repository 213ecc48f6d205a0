package dev.duro.scenarios.counter;

import dev.duro.model.history.History;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.scenarios.frame.Lin;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.scenarios.frame.ObjectWorld;
import dev.duro.scenarios.frame.Recorders;
import dev.duro.scenarios.frame.Timeline;
import dev.duro.sim.Simulation;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.run.ScenarioRun;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counters on one runtime node: 2–3 clients increment and read 1–3 named counters (one object
 * each, KV storage) while the nemesis crashes, pauses and skews the node, loses and tears its
 * unsynced writes and fails its fsyncs, and the network loses, duplicates and delays calls.
 *
 * <ul>
 *   <li>C1 (P1) each counter's history is linearizable as a fetch-and-increment counter
 *       ({@link IncrementModel}: an increment's answer is the value after it).</li>
 *   <li>C2 (P2) the final read of each counter is at least the highest acknowledged value, at
 *       most the number of increments sent, and no two acknowledged increments share a value.</li>
 *   <li>C3 (P6) every counter answers its final read after the heal and the restart.</li>
 *   <li>P4, P5 from the trace ({@link ObjectWorld}).</li>
 * </ul>
 */
public final class CounterScenario extends ObjectScenario {
    public static final String NAME = "counter";
    static final String NAMESPACE = "COUNTERS";

    private static final String DESCRIPTION =
            "named counters (KV) incremented and read by 2-3 clients under node crashes, disk and network faults; "
            + "checks linearizability (fetch-and-increment) and that no acknowledged increment is lost";

    public CounterScenario() {
        this(Set.of());
    }

    /** With planted runtime bugs, for the testbed's self-tests. */
    public CounterScenario(Set<PlantedBug> bugs) {
        super(NAME, DESCRIPTION, 70, bugs);
    }

    @Override
    protected ScenarioRun setUp(Setup s) {
        Timeline t = s.timeline();
        SeededEntropy p = s.params();
        long evictMs = p.between(1_000, 6_000);
        ObjectWorld w = s.world(new NamespaceBinding(NAMESPACE, CounterObject::new),
                ObjectWorld.runtimeConfig(evictMs, 10_000, 2_000, bugs));
        int clients = w.clients((int) p.between(2, 3));
        int counters = w.objects((int) p.between(1, 3));
        long intervalMs = p.between(20, 80);
        long timeoutMs = p.between(300, 1_000);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < counters; i++) names.add("counter-" + i);
        Recorders histories = w.histories();
        List<CounterClient> cs = w.addClients(clients, i -> new CounterClient(i, w::nowNanos, Simulation.millis(timeoutMs),
                LoopClient.Pace.of(intervalMs, t, i), names, histories));
        w.params().put("workload", clients + " clients, counters " + names + ", an op every ~" + intervalMs
                + "ms per client, timeout " + timeoutMs + "ms, evict idle after " + evictMs + "ms");
        w.start();
        return w.run(reason -> {
            int issued = cs.stream().mapToInt(CounterClient::issued).sum();
            int answered = cs.stream().mapToInt(CounterClient::answered).sum();
            List<Violation> out = new ArrayList<>();
            int unknown = 0;
            for (Map.Entry<String, History> e : histories.build().entrySet()) {
                Lin.Result r = Lin.check("C1", e.getKey(), e.getValue(), new IncrementModel());
                r.violation().ifPresent(out::add);
                if (r.unknown()) unknown++;
                out.addAll(CounterChecks.durability(e.getKey(), e.getValue()));
            }
            Map<String, Long> finals = cs.get(0).finalValues();
            if (w.livenessJudged(reason)) {
                for (String n : names) if (!finals.containsKey(n)) out.add(w.unanswered("C3", n + "'s final read"));
            }
            w.params().put("outcome", issued + " ops, " + answered + " answered, final " + finals
                    + (unknown > 0 ? ", linearizability undecided (step budget) for " + unknown + " counter(s)" : ""));
            return out;
        });
    }
}
