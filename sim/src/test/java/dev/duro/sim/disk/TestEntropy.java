package dev.duro.sim.disk;

import dev.duro.model.world.Entropy;

/** Test-only SplitMix64 {@link Entropy}; {@link #derive} mixes an FNV-1a hash of the purpose into the seed. */
final class TestEntropy implements Entropy {
    private final long seed;
    private long state;

    TestEntropy(long seed) {
        this.seed = seed;
        this.state = seed;
    }

    @Override
    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public int nextInt(int bound) {
        return (int) nextLong((long) bound);
    }

    @Override
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return Long.remainderUnsigned(nextLong(), bound); // slight bias is fine for tests
    }

    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    @Override
    public void nextBytes(byte[] into) {
        for (int i = 0; i < into.length; i++) into[i] = (byte) nextLong();
    }

    @Override
    public Entropy derive(String purpose) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < purpose.length(); i++) {
            hash ^= purpose.charAt(i);
            hash *= 0x100000001b3L;
        }
        return new TestEntropy(new TestEntropy(seed ^ hash).nextLong());
    }
}
