package dev.duro.sim.random;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
 * 2014): a 64-bit counter stepped by the golden-ratio increment, passed through a strong mixing
 * finalizer. Used here only to expand a seed into xoshiro256** state and to mix hashes; never as a
 * stream the platform draws from.
 */
public final class SplitMix64 {
    /** The golden-ratio increment, 2^64 / φ, rounded to odd. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long next() {
        state += GAMMA;
        return mix(state);
    }

    /** The SplitMix64 finalizer (variant 13 of Stafford's mixers): a bijection on 64-bit values. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A 64-bit hash of a name, independent of {@link String#hashCode()}: each UTF-16 unit is folded
     * in with a multiply and the result is finalized with {@link #mix(long)}, so names that differ in
     * one character give unrelated values. The length is mixed in so that prefixes differ.
     */
    public static long hashName(String name) {
        long h = mix(0x6A09E667F3BCC909L ^ name.length());
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L; // FNV-1a 64 prime, per unit
            h = Long.rotateLeft(h, 29);
        }
        return mix(h);
    }
}
