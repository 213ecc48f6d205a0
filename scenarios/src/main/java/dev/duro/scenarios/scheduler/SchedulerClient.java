package dev.duro.scenarios.scheduler;

import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.ClientProgram;
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
final class SchedulerClient extends ClientProgram {
    record Settings(List<String> objects, long intervalNanos, long maxDelayMs, long stopAtNanos, long finalReadAtNanos,
                    boolean finalReader) {}

    private final Settings settings;
    /** Per object: job id to its time, sent / acknowledged. */
    private final Map<String, Map<String, Long>> sent = new TreeMap<>();
    private final Map<String, Map<String, Long>> acknowledged = new TreeMap<>();
    private final Map<String, SchedulerChecks.FinalState> finals = new TreeMap<>();
    private int jobs;

    SchedulerClient(int index, LongSupplier virtualNanos, long timeoutNanos, Settings settings) {
        super("scheduler-client-" + index, index, virtualNanos, timeoutNanos);
        this.settings = settings;
    }

    @Override
    protected void begin() {
        after(entropy.nextLong(settings.intervalNanos()) + 1, this::next);
        if (settings.finalReader()) at(settings.finalReadAtNanos(), this::finalReads);
    }

    private void next() {
        if (now() >= settings.stopAtNanos()) return;
        String object = settings.objects().get(entropy.nextInt(settings.objects().size()));
        String id = "j" + index() + "-" + (++jobs);
        long at = world.clock().wallMillis() + entropy.nextLong(settings.maxDelayMs());
        sent.computeIfAbsent(object, k -> new TreeMap<>()).put(id, at);
        attempt(object, id, at, 1);
    }

    private void attempt(String object, String id, long at, int attempt) {
        call(SchedulerScenario.NAMESPACE, object, Request.post("/schedule?id=" + id + "&at=" + at, ""), o -> {
            if (o instanceof Outcome.Answer a && a.response().isOk()) {
                if (now() < settings.stopAtNanos()) acknowledged.computeIfAbsent(object, k -> new TreeMap<>()).put(id, at);
            } else if (attempt < 3 && now() < settings.stopAtNanos()) {
                attempt(object, id, at, attempt + 1);
                return;
            }
            after(settings.intervalNanos() / 2 + entropy.nextLong(settings.intervalNanos()), this::next);
        });
    }

    private void finalReads() {
        for (String object : settings.objects()) {
            untilAnswered(SchedulerScenario.NAMESPACE, object, Request.get("/jobs"),
                    r -> finals.put(object, SchedulerChecks.FinalState.parse(r.bodyText())));
        }
    }

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
