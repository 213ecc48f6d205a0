package dev.duro.scenarios.scheduler;

import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.Outcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One scheduler client: schedules jobs with unique ids for its wall time plus a drawn delay on
 * random scheduler objects (resent up to twice while unanswered: idempotent by id); client 0
 * reads every object's final state.
 */
final class SchedulerClient extends LoopClient {
    record Settings(List<String> objects, long maxDelayMs) {}

    private final Settings settings;
    /** Per object: job id to its time, sent / acknowledged. */
    private final Map<String, Map<String, Long>> sent = new TreeMap<>();
    private final Map<String, Map<String, Long>> acknowledged = new TreeMap<>();
    private final Map<String, SchedulerChecks.FinalState> finals = new TreeMap<>();
    private int jobs;

    SchedulerClient(int index, LongSupplier virtualNanos, long timeoutNanos, Pace pace, Settings settings) {
        super("scheduler-client-" + index, index, virtualNanos, timeoutNanos, pace);
        this.settings = settings;
    }

    @Override
    protected void next() {
        String object = settings.objects().get(entropy.nextInt(settings.objects().size()));
        String id = "j" + index() + "-" + (++jobs);
        long at = world.clock().wallMillis() + entropy.nextLong(settings.maxDelayMs());
        sent.computeIfAbsent(object, k -> new TreeMap<>()).put(id, at);
        // Resent while unanswered: the object schedules an id once.
        callResending(SchedulerScenario.NAMESPACE, object, Request.post("/schedule?id=" + id + "&at=" + at, ""), 3,
                LoopClient::ok, o -> {
                    if (ok(o) && !stopped()) acknowledged.computeIfAbsent(object, k -> new TreeMap<>()).put(id, at);
                    done();
                });
    }

    @Override
    protected void finalReads() {
        for (String object : settings.objects()) {
            untilAnswered(SchedulerScenario.NAMESPACE, object, Request.get("/jobs"), r -> {
                finals.put(object, SchedulerChecks.FinalState.parse(r.bodyText()));
                // An object that was out of reach until this read answers it before the alarm queued
                // behind it runs: read once more a little later, and judge the later state if answered.
                after(RECHECK_NANOS, () -> call(SchedulerScenario.NAMESPACE, object, Request.get("/jobs"), o -> {
                    if (o instanceof Outcome.Answer a && a.response().isOk()) {
                        finals.put(object, SchedulerChecks.FinalState.parse(a.response().bodyText()));
                    }
                }));
            });
        }
    }

    /** How long after the first answered final read the second one is made. */
    static final long RECHECK_NANOS = 1_000_000_000L;

    Map<String, Map<String, Long>> sent() {
        return sent;
    }

    Map<String, Map<String, Long>> acknowledged() {
        return acknowledged;
    }

    Map<String, SchedulerChecks.FinalState> finals() {
        return finals;
    }
}
