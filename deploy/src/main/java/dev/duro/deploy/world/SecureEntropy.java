package dev.duro.deploy.world;

import dev.duro.model.world.Entropy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link Entropy} for deployment: a 256-bit seed from {@link SecureRandom}, stretched with
 * HMAC-SHA256 in counter mode (block {@code i} is {@code HMAC(seed, "block" || i)}).
 *
 * <p>{@link #derive(String)} keys the child with {@code HMAC(seed, "derive" || purpose)}: a pure
 * function of this stream's seed and the name, as the SPI asks, so drawing from one stream never
 * shifts another; without the seed, no stream's output says anything about its parent or siblings
 * (HMAC is a PRF). Not thread-safe: one stream per loop, as the SPI says.
 */
public final class SecureEntropy implements Entropy {
    private static final String HMAC = "HmacSHA256";
    private static final int SEED_BYTES = 32;
    private static final byte[] BLOCK_LABEL = "block".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DERIVE_LABEL = "derive".getBytes(StandardCharsets.US_ASCII);

    private final byte[] seed;
    private final Mac mac;
    private final byte[] block = new byte[SEED_BYTES];
    private int used = SEED_BYTES;
    private long counter;

    private SecureEntropy(byte[] seed) {
        this.seed = seed.clone();
        try {
            mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(this.seed, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + HMAC + ", which every Java SE provides", e);
        }
    }

    /** A fresh root stream seeded from the platform's {@link SecureRandom}. */
    public static SecureEntropy fromSystem() {
        byte[] seed = new byte[SEED_BYTES];
        new SecureRandom().nextBytes(seed);
        return new SecureEntropy(seed);
    }

    /** A stream from a given 32-byte seed (tests of derivation; production seeds from the system). */
    public static SecureEntropy fromSeed(byte[] seed) {
        Objects.requireNonNull(seed, "seed");
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("an entropy seed is " + SEED_BYTES + " bytes, got " + seed.length);
        }
        return new SecureEntropy(seed);
    }

    @Override
    public long nextLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (nextByte() & 0xFF);
        return v;
    }

    @Override
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0, got " + bound);
        return (int) nextLong(bound);
    }

    @Override
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0, got " + bound);
        // rejection sampling on 63 bits: uniform, no modulo bias
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        while (true) {
            long r = nextLong() >>> 1;
            if (r < limit) return r % bound;
        }
    }

    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    @Override
    public void nextBytes(byte[] into) {
        for (int i = 0; i < into.length; i++) into[i] = nextByte();
    }

    @Override
    public Entropy derive(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        mac.update(DERIVE_LABEL);
        return new SecureEntropy(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
    }

    private byte nextByte() {
        if (used == block.length) refill();
        return block[used++];
    }

    private void refill() {
        mac.update(BLOCK_LABEL);
        mac.update(ByteBuffer.allocate(8).putLong(counter++).array());
        try {
            mac.doFinal(block, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("HMAC output does not fit its 32-byte block", e);
        }
        used = 0;
    }
}
