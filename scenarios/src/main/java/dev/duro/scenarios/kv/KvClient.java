package dev.duro.scenarios.kv;

import dev.duro.model.history.HistoryRecorder;
import dev.duro.model.object.Request;
import dev.duro.scenarios.frame.LoopClient;
import dev.duro.scenarios.frame.Recorders;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One register client: a closed loop of reads (retried while unanswered: idempotent), writes of
 * unique values and compare-and-sets from the last value it saw, on random keys; client 0 also
 * reads every key at the end.
 */
final class KvClient extends LoopClient {
    record Settings(List<String> keys, int objects) {}

    private final Settings settings;
    private final Recorders histories;
    private final Map<String, String> lastSeen = new TreeMap<>();
    private final Map<String, String> finalValues = new TreeMap<>();
    private int issued;
    private int values;

    KvClient(int index, LongSupplier virtualNanos, long timeoutNanos, Pace pace, Settings settings, Recorders histories) {
        super("kv-client-" + index, index, virtualNanos, timeoutNanos, pace);
        this.settings = settings;
        this.histories = histories;
    }

    /** The object holding {@code key}: keys are spread over the objects. */
    static String objectOf(String key, int objects) {
        return "registers-" + Math.floorMod(key.hashCode(), objects);
    }

    @Override
    protected void next() {
        String key = settings.keys().get(entropy.nextInt(settings.keys().size()));
        double dice = entropy.nextDouble();
        HistoryRecorder h = histories.of(key);
        issued++;
        if (dice < 0.4) {
            read(key, h, h.invoke(process(), "read", key, null, now()));
            return;
        }
        String value = "v" + index() + "-" + (++values);
        if (dice < 0.75) {
            HistoryRecorder.Handle op = h.invoke(process(), "write", key, value, now());
            call(KvScenario.NAMESPACE, objectOf(key, settings.objects()),
                    Request.post("/put?key=" + key + "&value=" + value, ""), o -> {
                        acknowledged(o).ifPresent(r -> {
                            h.ok(op, null, now());
                            lastSeen.put(key, value);
                        });
                        done();
                    });
        } else {
            String from = lastSeen.getOrDefault(key, RegisterObject.NIL);
            Object fromValue = from.equals(RegisterObject.NIL) ? null : from;
            HistoryRecorder.Handle op = h.invoke(process(), "cas", key, java.util.Arrays.asList(fromValue, value), now());
            call(KvScenario.NAMESPACE, objectOf(key, settings.objects()),
                    Request.post("/cas?key=" + key + "&from=" + from + "&to=" + value, ""), o -> {
                        acknowledged(o).ifPresent(r -> {
                            boolean swapped = Boolean.parseBoolean(r.bodyText());
                            h.ok(op, swapped, now());
                            if (swapped) lastSeen.put(key, value);
                        });
                        done();
                    });
        }
    }

    /**
     * A read is resent while unanswered (3 attempts in all) as the same operation of the same
     * process: it changes nothing, so resending is safe.
     */
    private void read(String key, HistoryRecorder h, HistoryRecorder.Handle op) {
        callResending(KvScenario.NAMESPACE, objectOf(key, settings.objects()), Request.get("/get?key=" + key), 3,
                LoopClient::ok, o -> {
                    acknowledged(o).ifPresent(r -> {
                        Object v = parse(r.bodyText());
                        h.ok(op, v, now());
                        if (v != null) lastSeen.put(key, (String) v);
                    });
                    done();
                });
    }

    static Object parse(String body) {
        return body.equals(RegisterObject.NIL) ? null : body.substring(1);
    }

    @Override
    protected void finalReads() {
        int p = -1;
        for (String key : settings.keys()) {
            HistoryRecorder h = histories.of(key);
            HistoryRecorder.Handle op = h.invoke(p--, "read", key, null, now());
            untilAnswered(KvScenario.NAMESPACE, objectOf(key, settings.objects()), Request.get("/get?key=" + key), r -> {
                Object v = parse(r.bodyText());
                h.ok(op, v, now());
                finalValues.put(key, v == null ? RegisterObject.NIL : (String) v);
            });
        }
    }

    Map<String, String> finalValues() {
        return finalValues;
    }

    int issued() {
        return issued;
    }
}
