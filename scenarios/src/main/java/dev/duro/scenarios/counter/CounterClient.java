package dev.duro.scenarios.counter;

import dev.duro.model.history.HistoryRecorder;
import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.Recorders;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One counter client: a closed loop of increments (70%) and reads on random counters, one at a
 * time, never retried (an increment is not idempotent); client 0 also makes the final reads.
 */
final class CounterClient extends LoopClient {
    private final List<String> counters;
    private final Recorders histories;
    private final Map<String, Long> finalValues = new TreeMap<>();
    private int issued;

    CounterClient(int index, LongSupplier virtualNanos, long timeoutNanos, Pace pace, List<String> counters,
                  Recorders histories) {
        super("counter-client-" + index, index, virtualNanos, timeoutNanos, pace);
        this.counters = List.copyOf(counters);
        this.histories = histories;
    }

    @Override
    protected void next() {
        String counter = counters.get(entropy.nextInt(counters.size()));
        boolean increment = entropy.chance(0.7);
        HistoryRecorder h = histories.of(counter);
        HistoryRecorder.Handle op = h.invoke(process(), increment ? "increment" : "read", null, now());
        issued++;
        Request request = increment ? Request.post("/increment", "") : Request.get("/value");
        call(CounterScenario.NAMESPACE, counter, request, outcome -> {
            // Unacknowledged (or answered after the stop): left open, so it may take effect at any
            // later time; the final reads stay final.
            acknowledged(outcome).ifPresent(r -> h.ok(op, Long.parseLong(r.bodyText()), now()));
            done();
        });
    }

    @Override
    protected void finalReads() {
        for (String counter : counters) {
            HistoryRecorder h = histories.of(counter);
            HistoryRecorder.Handle op = h.invoke(-1 - counters.indexOf(counter), "read", null, now());
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
}
