package dev.duro.scenarios.testkit;

import dev.duro.model.object.ObjectFactory;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings both kits' builders share ({@link ObjectTestKit.Builder},
 * {@link ClusterTestKit.Builder}); every one but the namespaces has a default.
 *
 * @param <B> the builder, returned by every setter
 */
public abstract sealed class KitSettings<B extends KitSettings<B>> permits ObjectTestKit.Builder, ClusterTestKit.Builder {
    long seed = 1;
    RuntimeConfig config = RuntimeConfig.defaults();
    byte[] secret;
    final List<NamespaceBinding> bindings = new ArrayList<>();
    Duration callTimeout;
    Duration maxWait = Duration.ofSeconds(120);
    Duration settle = Duration.ofMillis(100);

    KitSettings(String secret, Duration callTimeout) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.callTimeout = callTimeout;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The simulation seed (default 1): same seed and calls (and fault plan), same run. */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Binds {@code name} to the object class built by {@code factory} (e.g. {@code Counter::new}). */
    public B namespace(String name, ObjectFactory factory) {
        bindings.add(new NamespaceBinding(name, factory));
        return self();
    }

    /** Runtime settings (eviction, alarm retries, limits); default {@link RuntimeConfig#defaults()}. */
    public B config(RuntimeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        return self();
    }

    /** The deployment secret ids are derived with (default: a fixed test secret). */
    public B secret(byte[] secret) {
        this.secret = secret.clone();
        return self();
    }

    /** How long a call may take (retries included) before it fails with UNAVAILABLE (virtual time). */
    public B callTimeout(Duration timeout) {
        this.callTimeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /** How long any kit method runs the simulation before giving up (default 120 s, virtual). */
    public B maxWait(Duration maxWait) {
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        return self();
    }

    /** How long {@link TestWebSocket#send} lets the simulation run after sending (default 100 ms, virtual). */
    public B settle(Duration settle) {
        this.settle = Objects.requireNonNull(settle, "settle");
        return self();
    }

    void checkBindings() {
        if (bindings.isEmpty()) throw new IllegalStateException("bind at least one namespace with namespace(name, factory)");
    }
}
