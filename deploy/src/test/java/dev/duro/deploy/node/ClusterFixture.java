package dev.duro.deploy.node;

import dev.duro.deploy.OnLoop;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.client.ClusterClient;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.function.Supplier;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the real-cluster tests share: secrets, the deployment (one namespace of registers), calls with retries. */
final class ClusterFixture {
    static final byte[] CLUSTER_SECRET = "real cluster test: cluster key!!".getBytes(StandardCharsets.UTF_8);
    static final byte[] DEPLOYMENT_SECRET = "real cluster test: deployment!!!".getBytes(StandardCharsets.UTF_8);
    static final String NS = "REGISTERS";
    static final long CALL_TIMEOUT_NANOS = 3_000_000_000L;
    /** Bound on one logical call including retries: startup elections and failover take seconds in real time. */
    static final long CALL_DEADLINE_MILLIS = 60_000;

    private ClusterFixture() {
    }

    static ClusterConfig cluster() {
        return ClusterConfig.of(3);
    }

    static Deployment deployment() {
        return new Deployment(DEPLOYMENT_SECRET, List.of(new NamespaceBinding(NS, (ObjectFactory) Register::new)));
    }

    /**
     * One idempotent request through the cluster client, sent again after UNAVAILABLE, MOVED,
     * OVERLOADED or RESET (the cluster elects owners at first, and a stopped node is suspected only after a
     * while) until {@link #CALL_DEADLINE_MILLIS}.
     */
    static String call(RealNode clientNode, ClusterClient client, String name, String path, Supplier<?> diagnostics) {
        long deadline = System.nanoTime() + CALL_DEADLINE_MILLIS * 1_000_000L;
        List<String> failures = new ArrayList<>();
        while (true) {
            Promise<Response> p = OnLoop.await(clientNode.world().loop(),
                    () -> client.fetch(NS, name, Request.get(path), CALL_TIMEOUT_NANOS), 30_000, name + path);
            if (p.isSucceeded()) return p.value().bodyText();
            boolean retry = p.failure() instanceof DuroException e
                    && (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.MOVED || e.code() == ErrorCode.OVERLOADED
                    || e.code() == ErrorCode.RESET); // a reset activation (e.g. its output gate broke while owners were elected)
            failures.add(String.valueOf(p.failure()));
            if (!retry || System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + path + " failed " + failures.size() + " times: " + failures + "; diagnostics: " + diagnostics.get());
            }
        }
    }

    /** Sets 3 keys on each of 4 registers; returns "name/key" to value for every acknowledged set. */
    static Map<String, String> writeSome(RealNode clientNode, ClusterClient client, Supplier<?> diagnostics) {
        Map<String, String> acknowledged = new java.util.LinkedHashMap<>();
        for (int object = 0; object < 4; object++) {
            for (int key = 0; key < 3; key++) {
                String name = "reg-" + object;
                String path = "/set?k=k" + key + "&v=" + name + "." + key;
                assertThat(call(clientNode, client, name, path, diagnostics)).as("set %s %s", name, path).isEqualTo("ok");
                acknowledged.put(name + "/k" + key, name + "." + key);
            }
        }
        return acknowledged;
    }

    static void readBack(RealNode clientNode, ClusterClient client, Map<String, String> acknowledged, String after,
                         Supplier<?> diagnostics) {
        for (Map.Entry<String, String> w : acknowledged.entrySet()) {
            String[] parts = w.getKey().split("/");
            assertThat(call(clientNode, client, parts[0], "/get?k=" + parts[1], diagnostics)).as("read back %s after %s", w.getKey(), after)
                    .isEqualTo(w.getValue());
        }
    }

    /** {@code /set?k=&v=} stores v under k and answers "ok"; {@code /get?k=} answers the value or "none". */
    static final class Register implements DurableObject {
        private final ObjectContext ctx;

        Register(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            return switch (r.pathOnly()) {
                case "/set" -> {
                    ctx.storage().put(r.query("k"), r.query("v"));
                    yield ctx.completed(Response.ok("ok"));
                }
                case "/get" -> {
                    String v = ctx.storage().get(r.query("k"), String.class);
                    yield ctx.completed(Response.ok(v == null ? "none" : v));
                }
                default -> ctx.completed(Response.status(404, "no " + r.path()));
            };
        }
    }
}
