package dev.duro.deploy.world;

import dev.duro.model.world.Entropy;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecureEntropyTest {
    private static byte[] seed(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }

    private static long[] draw(Entropy e, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = e.nextLong();
        return out;
    }

    @Test
    void deriveIsAPureFunctionOfTheSeedAndThePurpose() {
        Entropy drawnFirst = SecureEntropy.fromSeed(seed(7));
        draw(drawnFirst, 100); // draws on the parent never shift a child
        long[] a = draw(drawnFirst.derive("ids"), 8);
        long[] b = draw(SecureEntropy.fromSeed(seed(7)).derive("ids"), 8);
        assertThat(a).isEqualTo(b);
        assertThat(draw(SecureEntropy.fromSeed(seed(7)).derive("jitter"), 8)).isNotEqualTo(a);
        assertThat(draw(SecureEntropy.fromSeed(seed(8)).derive("ids"), 8)).isNotEqualTo(a);
        assertThat(draw(SecureEntropy.fromSeed(seed(7)), 8)).as("a child differs from its parent").isNotEqualTo(a);
    }

    @Test
    void systemSeededStreamsDifferAndBoundsHold() {
        assertThat(draw(SecureEntropy.fromSystem(), 4)).isNotEqualTo(draw(SecureEntropy.fromSystem(), 4));
        Entropy e = SecureEntropy.fromSeed(seed(1));
        int[] counts = new int[3];
        for (int i = 0; i < 3_000; i++) {
            counts[e.nextInt(3)]++;
            long l = e.nextLong(1_000_000_007L);
            assertThat(l).isBetween(0L, 1_000_000_006L);
            double d = e.nextDouble();
            assertThat(d).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
        }
        assertThat(counts).as("each of 3 values drawn (of 3000)").doesNotContain(0);
        assertThatThrownBy(() -> e.nextInt(0)).hasMessageContaining("bound must be > 0");
        assertThatThrownBy(() -> SecureEntropy.fromSeed(new byte[3])).hasMessageContaining("32 bytes");
    }
}
