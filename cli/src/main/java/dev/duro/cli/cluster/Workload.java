package dev.duro.cli.cluster;

import dev.duro.model.history.History;
import dev.duro.model.history.HistoryRecorder;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kv scenario's client workload over real HTTP: {@code clients} threads, each a closed loop of
 * reads (40%), writes of unique values (35%) and compare-and-sets from the last value it saw
 * (25%) on random keys spread over register objects, each request to a random member (one that
 * refused or did not answer is left alone for 2 s, as a client fails over). A request
 * that gets no answer in time (or loses its connection) is indeterminate, as is any write answered
 * with an error: it may have taken effect; its client goes on as a new process (Jepsen's rule). A
 * refused connection is a definite failure (nothing was sent); a failed read is a failure (reads
 * change nothing). Times are {@code System.nanoTime} since the workload's start.
 */
final class Workload {
    static final int OBJECTS = 4;
    /** How long a client leaves a member alone after it refused or did not answer. */
    private static final long AVOID_NANOS = 2_000_000_000L;

    private final long seed;
    private final int clients;
    private final List<String> keys;
    private final List<Integer> httpPorts;
    private final HttpClient http;
    private final Duration timeout;
    private final HistoryRecorder recorder = new HistoryRecorder();
    private final long t0 = System.nanoTime();
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong okOps = new AtomicLong();
    private final AtomicLong indeterminate = new AtomicLong();
    private volatile boolean stopping;
    private final List<Thread> threads = new ArrayList<>();

    Workload(long seed, int clients, int keyCount, List<Integer> httpPorts, HttpClient http, Duration timeout) {
        this.seed = seed;
        this.clients = clients;
        List<String> k = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) k.add("k" + i);
        this.keys = List.copyOf(k);
        this.httpPorts = List.copyOf(httpPorts);
        this.http = http;
        this.timeout = timeout;
    }

    /** The register object holding {@code key} (as the kv scenario spreads keys). */
    static String objectOf(String key) {
        return "registers-" + Math.floorMod(key.hashCode(), OBJECTS);
    }

    List<String> keys() {
        return keys;
    }

    long nowNanos() {
        return System.nanoTime() - t0;
    }

    void start() {
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = Thread.ofPlatform().name("duro-cluster-client-" + c).daemon().start(() -> loop(client));
            threads.add(t);
        }
    }

    /** Stops the clients and waits for each to finish its operation in flight (at most the timeout). */
    void stop() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) t.join(timeout.toMillis() + 5_000);
    }

    private void loop(int client) {
        Random r = new Random(seed * 1_000_003L + client);
        Map<String, String> lastSeen = new HashMap<>();
        int process = client;
        int values = 0;
        long[] avoidUntil = new long[httpPorts.size()];
        while (!stopping) {
            String key = keys.get(r.nextInt(keys.size()));
            int member = pick(r, avoidUntil);
            int port = httpPorts.get(member);
            double dice = r.nextDouble();
            String base = "http://127.0.0.1:" + port;
            String obj = "obj=" + objectOf(key) + "&key=" + key;
            Outcome o;
            if (dice < 0.4) {
                HistoryRecorder.Handle h = invoke(process, "read", key, null);
                o = call(HttpRequest.newBuilder(URI.create(base + "/get?" + obj)).GET());
                if (o.status == 200 && (o.body.equals("nil") || o.body.startsWith("="))) {
                    Object v = o.body.equals("nil") ? null : o.body.substring(1);
                    complete(h, 'o', v);
                    if (v != null) lastSeen.put(key, (String) v);
                } else {
                    complete(h, 'f', null); // a read changes nothing: a failed one simply did not happen
                }
            } else if (dice < 0.75) {
                String value = "v" + client + "-" + (++values);
                HistoryRecorder.Handle h = invoke(process, "write", key, value);
                o = call(HttpRequest.newBuilder(URI.create(base + "/put?" + obj + "&value=" + value)).POST(HttpRequest.BodyPublishers.noBody()));
                if (o.status == 200 && o.body.equals("ok")) {
                    complete(h, 'o', null);
                    lastSeen.put(key, value);
                } else if (o.status == REFUSED) {
                    complete(h, 'f', null);
                } else {
                    complete(h, 'i', null);
                    process += clients;
                }
            } else {
                String value = "v" + client + "-" + (++values);
                String from = lastSeen.getOrDefault(key, "nil");
                HistoryRecorder.Handle h = invoke(process, "cas", key, Arrays.asList(from.equals("nil") ? null : from, value));
                o = call(HttpRequest.newBuilder(URI.create(base + "/cas?" + obj + "&from=" + from + "&to=" + value))
                        .POST(HttpRequest.BodyPublishers.noBody()));
                if (o.status == 200 && (o.body.equals("true") || o.body.equals("false"))) {
                    boolean swapped = o.body.equals("true");
                    complete(h, 'o', swapped);
                    if (swapped) lastSeen.put(key, value);
                } else if (o.status == REFUSED) {
                    complete(h, 'f', null);
                } else {
                    complete(h, 'i', null);
                    process += clients;
                }
            }
            if (o.status == REFUSED || o.status == NO_ANSWER) avoidUntil[member] = System.nanoTime() + AVOID_NANOS;
            if (o.status != 200) pause(50 + r.nextInt(100)); // a member is down or busy: do not spin
            else pause(5 + r.nextInt(30));
        }
    }

    /** A random member, avoiding for a while those that refused or did not answer (as a client fails over). */
    private static int pick(Random r, long[] avoidUntil) {
        long now = System.nanoTime();
        int start = r.nextInt(avoidUntil.length);
        for (int i = 0; i < avoidUntil.length; i++) {
            int m = (start + i) % avoidUntil.length;
            if (avoidUntil[m] <= now) return m;
        }
        return start;
    }

    /**
     * After the heal: reads every key until it answers or {@code boundMs} has passed since the
     * first attempt; each answered read is in the history (invoked after every write completed, so
     * the durability checker takes it as a final read). Returns the keys that never answered.
     */
    List<String> finalReads(long boundMs) {
        long deadline = System.nanoTime() + boundMs * 1_000_000L;
        List<String> silent = new ArrayList<>();
        int process = -1;
        int attempt = 0;
        for (String key : keys) {
            boolean answered = false;
            while (!answered && System.nanoTime() < deadline) {
                int port = httpPorts.get(attempt++ % httpPorts.size());
                HistoryRecorder.Handle h = invoke(process, "read", key, null);
                Outcome o = call(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/get?obj=" + objectOf(key) + "&key=" + key)).GET());
                if (o.status == 200 && (o.body.equals("nil") || o.body.startsWith("="))) {
                    complete(h, 'o', o.body.equals("nil") ? null : o.body.substring(1));
                    answered = true;
                } else {
                    complete(h, 'f', null);
                    pause(200);
                }
            }
            process--;
            if (!answered) silent.add(key);
        }
        return silent;
    }

    History history() {
        synchronized (recorder) {
            return recorder.build();
        }
    }

    long ops() {
        return ops.get();
    }

    long okOps() {
        return okOps.get();
    }

    long indeterminate() {
        return indeterminate.get();
    }

    private HistoryRecorder.Handle invoke(int process, String f, String key, Object input) {
        synchronized (recorder) {
            return recorder.invoke(process, f, key, input, nowNanos());
        }
    }

    /** {@code how}: 'o' ok with {@code output}, 'f' failed, 'i' indeterminate. */
    private void complete(HistoryRecorder.Handle h, char how, Object output) {
        ops.incrementAndGet();
        synchronized (recorder) {
            long t = nowNanos();
            switch (how) {
                case 'o' -> {
                    recorder.ok(h, output, t);
                    okOps.incrementAndGet();
                }
                case 'f' -> recorder.fail(h, t);
                default -> {
                    recorder.info(h, t);
                    indeterminate.incrementAndGet();
                }
            }
        }
    }

    private static final int REFUSED = -1;
    private static final int NO_ANSWER = -2;

    private record Outcome(int status, String body) {}

    private Outcome call(HttpRequest.Builder b) {
        try {
            HttpResponse<String> resp = http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(resp.statusCode(), resp.body().strip());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new Outcome(REFUSED, ""); // never connected: the request was not sent
        } catch (HttpTimeoutException e) {
            return new Outcome(NO_ANSWER, "");
        } catch (IOException e) {
            return connectFailure(e) ? new Outcome(REFUSED, "") : new Outcome(NO_ANSWER, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(NO_ANSWER, "");
        }
    }

    /** The JDK client wraps a refused connection in a plain IOException at times; its cause says so. */
    private static boolean connectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return true;
        }
        return false;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
