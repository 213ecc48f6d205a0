package dev.duro.scenarios.counter;

import dev.duro.model.history.HistoryRecorder;
import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.ClientProgram;
import dev.duro.scenarios.frame.Outcome;
import dev.duro.scenarios.frame.Recorders;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One counter client: a closed loop of increments (70%) and reads on random counters, one at a
 * time, never retried (an increment is not idempotent); client 0 also makes the final reads.
 */
final class CounterClient extends ClientProgram {
    record Settings(List<String> counters, long intervalNanos, long stopAtNanos, long finalReadAtNanos, boolean finalReader) {}

    private final Settings settings;
    private final Recorders histories;
    private final Map<String, Long> finalValues = new TreeMap<>();
    private int issued;
    private int answered;

    CounterClient(int index, LongSupplier virtualNanos, long timeoutNanos, Settings settings, Recorders histories) {
        super("counter-client-" + index, index, virtualNanos, timeoutNanos);
        this.settings = settings;
        this.histories = histories;
    }

    @Override
    protected void begin() {
        after(entropy.nextLong(settings.intervalNanos()) + 1, this::next);
        if (settings.finalReader()) at(settings.finalReadAtNanos(), this::finalReads);
    }

    private void next() {
        if (now() >= settings.stopAtNanos()) return;
        String counter = settings.counters().get(entropy.nextInt(settings.counters().size()));
        boolean increment = entropy.chance(0.7);
        HistoryRecorder h = histories.of(counter);
        HistoryRecorder.Handle op = h.invoke(process(), increment ? "increment" : "read", null, now());
        issued++;
        Request request = increment ? Request.post("/increment", "") : Request.get("/value");
        call(CounterScenario.NAMESPACE, counter, request, outcome -> {
            if (outcome instanceof Outcome.Answer a && a.response().isOk() && now() < settings.stopAtNanos()) {
                h.ok(op, Long.parseLong(a.response().bodyText()), now());
                answered++;
            } else {
                // Anything else, or an answer after the stop: indeterminate (left open, so it may
                // take effect at any later time; the final reads stay final).
                retireProcess();
            }
            after(settings.intervalNanos() / 2 + entropy.nextLong(settings.intervalNanos()), this::next);
        });
    }

    private void finalReads() {
        for (String counter : settings.counters()) {
            HistoryRecorder h = histories.of(counter);
            HistoryRecorder.Handle op = h.invoke(-1 - settings.counters().indexOf(counter), "read", null, now());
            untilAnswered(CounterScenario.NAMESPACE, counter, Request.get("/value"), r -> {
                long v = Long.parseLong(r.bodyText());
                h.ok(op, v, now());
                finalValues.put(counter, v);
            });
        }
    }

    Map<String, Long> finalValues() {
        return finalValues;
    }

    int issued() {
        return issued;
    }

    int answered() {
        return answered;
    }
}
