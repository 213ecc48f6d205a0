package dev.duro.model.world;

/**
 * Seeded randomness. Every random choice the platform makes (ids, jitter, placement tie-breaks)
 * draws from an {@code Entropy}, so a simulation seed fixes all of them.
 *
 * <p>{@link #derive(String)} gives an independent stream for a purpose: adding a draw in one
 * purpose never shifts the values another purpose sees. Not thread-safe; one stream per loop.
 */
public interface Entropy {
    long nextLong();

    /** Uniform in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);

    /** Uniform in {@code [0, bound)}; {@code bound > 0}. */
    long nextLong(long bound);

    /** Uniform in {@code [0, 1)}. */
    double nextDouble();

    /** True with probability {@code p}. */
    default boolean chance(double p) {
        return nextDouble() < p;
    }

    void nextBytes(byte[] into);

    /** An independent stream for {@code purpose}, a pure function of this stream's seed and the name. */
    Entropy derive(String purpose);
}
