package dev.duro.sim.random;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Entropy;

/**
 * Seeded randomness for the simulator: xoshiro256** (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", 2018) with its 256-bit state expanded from a 64-bit seed by
 * {@link SplitMix64}, as the authors recommend.
 *
 * <p>{@link #derive(String)} gives a stream whose seed is a pure function of this stream's seed
 * and the purpose name (never of how many values this stream has drawn), so adding a draw in one
 * purpose never shifts another purpose's values. Streams are not thread-safe; the simulator is
 * single-threaded.
 */
public final class SeededEntropy implements Entropy {
    private final long seed;
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    public SeededEntropy(long seed) {
        this.seed = seed;
        SplitMix64 expander = new SplitMix64(seed);
        s0 = expander.next();
        s1 = expander.next();
        s2 = expander.next();
        s3 = expander.next();
        // SplitMix64 is a bijection of a counter, so four consecutive outputs are never all zero.
        Invariants.check((s0 | s1 | s2 | s3) != 0, "xoshiro256** state must not be all zero");
    }

    /** For reference tests: a generator with the given raw state (not all zero). */
    static SeededEntropy ofRawState(long s0, long s1, long s2, long s3) {
        SeededEntropy e = new SeededEntropy(0);
        Invariants.check((s0 | s1 | s2 | s3) != 0, "xoshiro256** state must not be all zero");
        e.s0 = s0;
        e.s1 = s1;
        e.s2 = s2;
        e.s3 = s3;
        return e;
    }

    /** The seed this stream was created from (what {@link #derive(String)} is a function of). */
    public long seed() {
        return seed;
    }

    @Override
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    @Override
    public int nextInt(int bound) {
        if (!(bound > 0)) Invariants.check(false, "bound must be positive, got %d", bound); // hot path: box only on failure
        return (int) nextLong(bound);
    }

    /** Lemire's multiply-and-reject method: unbiased, one multiply in the common case. */
    @Override
    public long nextLong(long bound) {
        if (!(bound > 0)) Invariants.check(false, "bound must be positive, got %d", bound); // hot path: box only on failure
        long x = nextLong();
        long high = Math.unsignedMultiplyHigh(x, bound);
        long low = x * bound;
        if (Long.compareUnsigned(low, bound) < 0) {
            long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(low, threshold) < 0) {
                x = nextLong();
                high = Math.unsignedMultiplyHigh(x, bound);
                low = x * bound;
            }
        }
        Invariants.check(high >= 0 && high < bound, "nextLong(bound) out of range");
        return high;
    }

    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    @Override
    public void nextBytes(byte[] into) {
        int i = 0;
        while (i < into.length) {
            long r = nextLong();
            for (int k = 0; k < 8 && i < into.length; k++, i++) {
                into[i] = (byte) r;
                r >>>= 8;
            }
        }
    }

    /** Uniform in {@code [low, high]} (both inclusive). */
    public long between(long low, long high) {
        if (!(low <= high)) Invariants.check(false, "empty range [%d, %d]", low, high); // hot path: box only on failure
        return low + nextLong(high - low + 1);
    }

    @Override
    public SeededEntropy derive(String purpose) {
        Invariants.check(purpose != null && !purpose.isEmpty(), "purpose must be a non-empty name");
        return new SeededEntropy(deriveSeed(seed, purpose));
    }

    /** The seed of the stream {@code derive(purpose)} of a stream seeded with {@code parentSeed}. */
    public static long deriveSeed(long parentSeed, String purpose) {
        // Mix the parent seed first so that seeds differing in low bits do not give related children.
        return SplitMix64.mix(SplitMix64.mix(parentSeed ^ 0x243F6A8885A308D3L) + SplitMix64.hashName(purpose));
    }

    @Override
    public String toString() {
        return "SeededEntropy[seed=0x" + Long.toHexString(seed) + "]";
    }
}
