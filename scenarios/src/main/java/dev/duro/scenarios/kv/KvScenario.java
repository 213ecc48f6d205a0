package dev.duro.scenarios.kv;

import dev.duro.model.check.RegisterModel;
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
 * Registers on one runtime node: 2–3 clients read, write (unique values) and compare-and-set 4–12
 * keys spread over 2–4 objects ({@link RegisterObject}, KV storage), under the nemesis of
 * {@link ObjectWorld}. This is the default scenario.
 *
 * <ul>
 *   <li>K1 (P1) each key's history is linearizable as a compare-and-set register.</li>
 *   <li>K2 (P2) the final read of each key reflects the last acknowledged write or swap
 *       ({@link dev.duro.model.check.DurabilityChecker}); no phantom values.</li>
 *   <li>K3 (P6) every key answers its final read after the heal and the restart.</li>
 *   <li>P4, P5 from the trace.</li>
 * </ul>
 */
public final class KvScenario extends ObjectScenario {
    public static final String NAME = "kv";
    static final String NAMESPACE = "REGISTERS";

    private static final String DESCRIPTION =
            "registers (get/put/cas over keys spread across objects) under node crashes, disk and network faults; "
            + "checks per-key linearizability and durability of acknowledged writes";

    public KvScenario() {
        this(Set.of());
    }

    public KvScenario(Set<PlantedBug> bugs) {
        super(NAME, DESCRIPTION, 70, bugs);
    }

    @Override
    protected ScenarioRun setUp(Setup s) {
        Timeline t = s.timeline();
        SeededEntropy p = s.params();
        long evictMs = p.between(1_000, 6_000);
        ObjectWorld w = s.world(new NamespaceBinding(NAMESPACE, RegisterObject::new),
                ObjectWorld.runtimeConfig(evictMs, 10_000, 2_000, bugs));
        int clients = w.clients((int) p.between(2, 3));
        int objects = w.objects((int) p.between(2, 4));
        int keyCount = (int) p.between(4, 12);
        long intervalMs = p.between(20, 80);
        long timeoutMs = p.between(300, 1_000);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) keys.add("k" + i);
        Recorders histories = w.histories();
        List<KvClient> cs = w.addClients(clients, i -> new KvClient(i, w::nowNanos, Simulation.millis(timeoutMs),
                LoopClient.Pace.of(intervalMs, t, i), new KvClient.Settings(keys, objects), histories));
        w.params().put("workload", clients + " clients, " + keyCount + " keys over " + objects + " objects, an op every ~"
                + intervalMs + "ms per client (40% read, 35% write, 25% cas), timeout " + timeoutMs
                + "ms, evict idle after " + evictMs + "ms");
        w.start();
        return w.run(reason -> {
            List<Violation> out = new ArrayList<>();
            int unknown = 0;
            for (Map.Entry<String, History> e : histories.build().entrySet()) {
                Lin.Result r = Lin.check("K1", "key " + e.getKey(), e.getValue(), new RegisterModel(true, null));
                r.violation().ifPresent(out::add);
                if (r.unknown()) unknown++;
                out.addAll(KvChecks.durability("key " + e.getKey(), e.getValue()));
            }
            Map<String, String> finals = cs.get(0).finalValues();
            if (w.livenessJudged(reason)) {
                for (String k : keys) if (!finals.containsKey(k)) out.add(w.unanswered("K3", "key " + k + "'s final read"));
            }
            w.params().put("outcome", cs.stream().mapToInt(KvClient::issued).sum() + " ops, "
                    + cs.stream().mapToInt(KvClient::answered).sum() + " answered"
                    + (unknown > 0 ? ", linearizability undecided (step budget) for " + unknown + " key(s)" : ""));
            return out;
        });
    }
}
