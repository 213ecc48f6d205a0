package dev.duro.runtime.ids;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.sim.random.SeededEntropy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectIdsTest {
    private static final byte[] SECRET = "a deployment secret of 32 bytes!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "another deployment secret, 32 b!".getBytes(StandardCharsets.UTF_8);

    private final ObjectIds counters = new ObjectIds("COUNTERS", SECRET);
    private final ObjectIds rooms = new ObjectIds("ROOMS", SECRET);

    @Test
    void fromNameIsDeterministicAndKeepsTheName() {
        ObjectId a = counters.fromName("alice");
        ObjectId b = new ObjectIds("COUNTERS", SECRET.clone()).fromName("alice");
        assertThat(a).isEqualTo(b);
        assertThat(a.hex()).hasSize(64).isEqualTo(b.hex());
        assertThat(a.name()).contains("alice");
        assertThat(counters.fromName("bob")).isNotEqualTo(a);
        assertThat(counters.parse(a.hex())).isEqualTo(a);
        assertThat(counters.belongs(a)).isTrue();
    }

    @Test
    void sameNameInOtherNamespaceOrDeploymentIsAnotherIdAndDoesNotVerify() {
        ObjectId inCounters = counters.fromName("alice");
        ObjectId inRooms = rooms.fromName("alice");
        ObjectId otherDeployment = new ObjectIds("COUNTERS", OTHER_SECRET).fromName("alice");
        assertThat(inRooms).isNotEqualTo(inCounters);
        assertThat(otherDeployment).isNotEqualTo(inCounters);
        assertThat(rooms.belongs(inCounters)).isFalse();
        assertThat(counters.belongs(inRooms)).isFalse();
        assertThat(counters.belongs(otherDeployment)).isFalse();
        assertThatThrownBy(() -> rooms.parse(inCounters.hex()))
                .isInstanceOf(DuroException.class)
                .hasMessageContaining("this id belongs to another namespace or was not made by idFromName/newUniqueId")
                .satisfies(e -> assertThat(((DuroException) e).code()).isEqualTo(ErrorCode.INVALID_ID));
    }

    @Test
    void uniqueIdsAreDistinctVerifiableAndSeedDeterministic() {
        SeededEntropy entropy = new SeededEntropy(7);
        Set<ObjectId> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ObjectId id = counters.newUnique(entropy);
            assertThat(id.name()).isEmpty();
            assertThat(counters.belongs(id)).isTrue();
            assertThat(rooms.belongs(id)).isFalse();
            assertThat(counters.parse(id.hex())).isEqualTo(id);
            assertThat(seen.add(id)).isTrue();
        }
        assertThat(counters.newUnique(new SeededEntropy(7))).isEqualTo(counters.newUnique(new SeededEntropy(7)));
    }

    @Test
    void nameIdsAndUniqueIdsAreDomainSeparated() {
        ObjectId named = counters.fromName("x");
        ObjectId unique = counters.newUnique(new SeededEntropy(1));
        assertThat(named.bytes()[0]).isEqualTo(ObjectIds.KIND_NAME);
        assertThat(unique.bytes()[0]).isEqualTo(ObjectIds.KIND_UNIQUE);
    }

    @Property(tries = 50)
    void flippingAnyBitOfAnIdIsRejected(@ForAll @IntRange(min = 0, max = 255) int bit, @ForAll long seed) {
        for (ObjectId id : new ObjectId[] {counters.fromName("n" + seed), counters.newUnique(new SeededEntropy(seed))}) {
            byte[] bytes = id.bytes();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            ObjectId tampered = ObjectId.of(bytes, null);
            assertThat(counters.belongs(tampered)).isFalse();
            assertThatThrownBy(() -> counters.parse(tampered.hex()))
                    .isInstanceOf(DuroException.class)
                    .hasMessageContaining("does not belong to namespace 'COUNTERS'");
        }
    }

    @Test
    void everyByteFlipIsRejected() {
        ObjectId id = counters.fromName("alice");
        for (int i = 0; i < ObjectId.BYTES; i++) {
            byte[] bytes = id.bytes();
            bytes[i] ^= (byte) 0xff;
            assertThat(counters.belongs(ObjectId.of(bytes, null))).as("byte %d flipped", i).isFalse();
        }
    }

    @Test
    void upperCaseHexParsesToTheSameId() {
        ObjectId id = counters.fromName("alice");
        assertThat(counters.parse(id.hex().toUpperCase(java.util.Locale.ROOT))).isEqualTo(id);
    }

    @Test
    void malformedInputSaysWhatIsWrong() {
        assertInvalid(null, "expected 64 hex digits, got nothing");
        assertInvalid("", "expected 64 hex digits, got nothing");
        assertInvalid("abc", "expected 64 hex digits, got 3 characters");
        assertInvalid(counters.fromName("a").hex() + "0", "expected 64 hex digits, got 65 characters");
        String withG = "g" + counters.fromName("a").hex().substring(1);
        assertInvalid(withG, "found 'g' at position 0");
        String fullwidth = counters.fromName("a").hex().substring(0, 63) + "\uff11"; // fullwidth '1'
        assertInvalid(fullwidth, "at position 63");
        String allZero = HexFormat.of().formatHex(new byte[32]);
        assertInvalid(allZero, "was not made by idFromName/newUniqueId");
    }

    @Property(tries = 100)
    void hmacMatchesTheJdkImplementation(@ForAll byte[] key, @ForAll byte[] data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        byte[] usableKey = key.length == 0 ? new byte[] {0} : key; // SecretKeySpec refuses empty keys
        mac.init(new javax.crypto.spec.SecretKeySpec(usableKey, "HmacSHA256"));
        assertThat(ObjectIds.hmac(usableKey, data)).isEqualTo(mac.doFinal(data));
        byte[] longKey = new byte[100 + key.length]; // longer than a block: hashed first
        System.arraycopy(key, 0, longKey, 0, key.length);
        mac.init(new javax.crypto.spec.SecretKeySpec(longKey, "HmacSHA256"));
        assertThat(ObjectIds.hmac(longKey, data)).isEqualTo(mac.doFinal(data));
    }

    @Test
    void shortSecretIsRefused() {
        assertThatThrownBy(() -> new ObjectIds("X", new byte[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
    }

    private void assertInvalid(String input, String messagePart) {
        assertThatThrownBy(() -> counters.parse(input))
                .isInstanceOf(DuroException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((DuroException) e).code()).isEqualTo(ErrorCode.INVALID_ID));
    }
}
