package dev.duro.scenarios.ratelimit;

import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One limiter client: asks for grants on random keys faster than the limit allows (never resent:
 * a take is not idempotent); client 0 also reads every key's final state.
 */
final class LimiterClient extends LoopClient {
    record Settings(List<String> keys, int objects) {}

    private final Settings settings;
    private final Map<String, List<LimiterChecks.Grant>> grants = new TreeMap<>();
    private final Map<String, Long> finalTats = new TreeMap<>();
    private int asked;
    private int granted;
    private int denied;

    LimiterClient(int index, LongSupplier virtualNanos, long timeoutNanos, Pace pace, Settings settings) {
        super("limiter-client-" + index, index, virtualNanos, timeoutNanos, pace);
        this.settings = settings;
    }

    static String objectOf(String key, int objects) {
        return "limiter-" + Math.floorMod(key.hashCode(), objects);
    }

    @Override
    protected void next() {
        String key = settings.keys().get(entropy.nextInt(settings.keys().size()));
        asked++;
        call(LimiterScenario.NAMESPACE, objectOf(key, settings.objects()), Request.post("/take?key=" + key, ""), o -> {
            if (o instanceof Outcome.Answer a && a.response().isOk()) {
                String[] p = a.response().bodyText().split(" ");
                if (p[0].equals("granted")) {
                    granted++;
                    grants.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(new LimiterChecks.Grant(Long.parseLong(p[1]), Long.parseLong(p[2])));
                } else {
                    denied++;
                }
            }
            done();
        });
    }

    @Override
    protected void finalReads() {
        for (String key : settings.keys()) {
            untilAnswered(LimiterScenario.NAMESPACE, objectOf(key, settings.objects()), Request.get("/state?key=" + key),
                    r -> finalTats.put(key, Long.parseLong(r.bodyText().split(" ")[0])));
        }
    }

    Map<String, List<LimiterChecks.Grant>> grants() {
        return grants;
    }

    Map<String, Long> finalTats() {
        return finalTats;
    }

    int asked() {
        return asked;
    }

    int granted() {
        return granted;
    }

    int denied() {
        return denied;
    }
}
