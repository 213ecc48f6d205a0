package dev.duro.model.world;

/**
 * Simulation-only fault points (FoundationDB's BUGGIFY): places where the runtime asks "should I
 * misbehave here, within the fault model?" (take a slow path, drop a cache, time out early).
 *
 * <p>Outside the simulator the answer is always false ({@link #NONE}). In simulation a point is
 * first activated or not for the whole run (from the seed), then fires per call with a small
 * probability, so rare branches run in some seeds and the run stays reproducible.
 */
public interface FaultPoints {
    /** True when the point named {@code site} should take its fault path now. */
    boolean fire(String site);

    FaultPoints NONE = site -> false;
}
