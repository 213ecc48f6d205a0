package dev.duro.sim.node;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Entropy;
import dev.duro.model.world.FaultPoints;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.EventKind;
import java.util.HashMap;
import java.util.Map;

/**
 * BUGGIFY-style fault points for one node incarnation. Whether a site is active for the run is a
 * pure function of the run's activation seed and the site name (the same on every node and every
 * incarnation, whatever order sites are first reached in); an active site then fires per call
 * with probability {@code fireRate}, drawn from this incarnation's own stream. Each firing is
 * traced.
 */
public final class SimulatedFaultPoints implements FaultPoints {
    private final long activationSeed;
    private final double activationRate;
    private final double fireRate;
    private final Entropy firing;
    private final Recorder recorder;
    private final java.util.function.BooleanSupplier quiet;
    // Keyed by String (a deterministic hash) and never iterated, so its order cannot leak.
    private final Map<String, Boolean> active = new HashMap<>();

    /** Where firings are recorded. */
    @FunctionalInterface
    public interface Recorder {
        void fired(String site);
    }

    public SimulatedFaultPoints(long activationSeed, double activationRate, double fireRate, Entropy firing,
                                Recorder recorder) {
        this(activationSeed, activationRate, fireRate, firing, recorder, () -> false);
    }

    /** As above; nothing fires while {@code quiet} says so (after the run's heal). */
    public SimulatedFaultPoints(long activationSeed, double activationRate, double fireRate, Entropy firing,
                                Recorder recorder, java.util.function.BooleanSupplier quiet) {
        Invariants.check(activationRate >= 0 && activationRate <= 1, "activation rate must lie in [0, 1]");
        Invariants.check(fireRate >= 0 && fireRate <= 1, "fire rate must lie in [0, 1]");
        this.activationSeed = activationSeed;
        this.activationRate = activationRate;
        this.fireRate = fireRate;
        this.firing = firing;
        this.recorder = recorder;
        this.quiet = quiet;
    }

    /** Whether {@code site} is active in runs with this activation seed. */
    public static boolean activeIn(long activationSeed, double activationRate, String site) {
        return new SeededEntropy(SeededEntropy.deriveSeed(activationSeed, "site/" + site)).chance(activationRate);
    }

    @Override
    public boolean fire(String site) {
        Invariants.check(site != null && !site.isEmpty(), "fault point site must be named");
        if (quiet.getAsBoolean()) return false;
        boolean on = active.computeIfAbsent(site, s -> activeIn(activationSeed, activationRate, s));
        if (!on || !firing.chance(fireRate)) return false;
        recorder.fired(site);
        return true;
    }

    /** Kind used when a firing is traced. */
    public static final EventKind TRACE_KIND = EventKind.FAULT;
}
