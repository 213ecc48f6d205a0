package dev.duro.scenarios.ratelimit;

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
 * A rate limiter ({@link LimiterObject}, GCRA per key in KV storage): 2–3 clients ask for grants
 * on 2–6 keys over 1–2 objects, faster than the limit, under the nemesis of {@link ObjectWorld}.
 * R1: never more acknowledged grants than the limit allows, judged on the object's (monotone)
 * clock, across crashes; R2: the bucket of every acknowledged grant is durable; R3 (P6) the final
 * reads are answered. P4, P5 from the trace. Not checked: that grants are not refused needlessly
 * (a lost grant answer legitimately consumes a token).
 */
public final class LimiterScenario extends ObjectScenario {
    public static final String NAME = "rate-limiter";
    static final String NAMESPACE = "LIMITERS";

    private static final String DESCRIPTION =
            "a GCRA rate limiter per key under node crashes, clock jumps, disk and network faults; checks that "
            + "acknowledged grants never exceed the limit in any window and that bucket updates are durable";

    public LimiterScenario() {
        this(Set.of());
    }

    public LimiterScenario(Set<PlantedBug> bugs) {
        super(NAME, DESCRIPTION, 70, bugs);
    }

    @Override
    protected ScenarioRun setUp(Setup s) {
        Timeline t = s.timeline();
        SeededEntropy p = s.params();
        long evictMs = p.between(1_000, 6_000);
        int limit = (int) p.between(2, 8);
        long windowMs = limit * p.between(50, 250);
        ObjectWorld w = s.world(new NamespaceBinding(NAMESPACE, ctx -> new LimiterObject(ctx, windowMs, limit)),
                ObjectWorld.runtimeConfig(evictMs, 10_000, 2_000, bugs));
        int clients = w.clients((int) p.between(2, 3));
        int objects = w.objects((int) p.between(1, 2));
        int keyCount = (int) p.between(2, 6);
        long intervalMs = p.between(10, 50);
        long timeoutMs = p.between(300, 1_000);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) keys.add("user" + i);
        List<LimiterClient> cs = w.addClients(clients, i -> new LimiterClient(i, w::nowNanos, Simulation.millis(timeoutMs),
                LoopClient.Pace.of(intervalMs, t, i), new LimiterClient.Settings(keys, objects)));
        w.params().put("workload", clients + " clients, " + keyCount + " keys over " + objects + " objects, limit " + limit
                + " per " + windowMs + "ms, a request every ~" + intervalMs + "ms per client, timeout " + timeoutMs
                + "ms, evict idle after " + evictMs + "ms");
        w.start();
        return w.run(reason -> {
            Map<String, List<LimiterChecks.Grant>> grants = new TreeMap<>();
            for (LimiterClient c : cs) c.grants().forEach((k, g) -> grants.computeIfAbsent(k, x -> new ArrayList<>()).addAll(g));
            Map<String, Long> finals = cs.get(0).finalTats();
            List<Violation> out = new ArrayList<>();
            for (String k : keys) {
                out.addAll(LimiterChecks.check(k, windowMs, limit, grants.getOrDefault(k, List.of()), finals.get(k)));
                if (w.livenessJudged(reason) && !finals.containsKey(k)) {
                    out.add(w.unanswered("R3", "key " + k + "'s final read"));
                }
            }
            w.params().put("outcome", cs.stream().mapToInt(LimiterClient::asked).sum() + " requests, "
                    + cs.stream().mapToInt(LimiterClient::granted).sum() + " granted, "
                    + cs.stream().mapToInt(LimiterClient::denied).sum() + " denied (acknowledged)");
            return out;
        });
    }
}
