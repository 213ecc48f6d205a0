package dev.duro.runtime.ids;

import dev.duro.model.object.ObjectId;
import dev.duro.sim.random.SeededEntropy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/cluster.md "Locations": ids that carry their location, and unlocated ids unchanged. */
class LocatedIdsTest {
    private static final byte[] SECRET = "a deployment secret of 32 bytes!".getBytes(StandardCharsets.UTF_8);

    private final ObjectIds counters = new ObjectIds("COUNTERS", SECRET);

    @Test
    void unlocatedIdsAreByteForByteWhatTheyWereBeforeLocations() {
        // pinned from the code before located kinds existed (commit 6a96022)
        assertThat(counters.fromName("alice").hex())
                .isEqualTo("01a140cb844e9fdbb59f000826032e91f0f762e766c382e02024f1fc52147df6");
        SeededEntropy entropy = new SeededEntropy(7);
        assertThat(counters.newUnique(entropy).hex())
                .isEqualTo("025a76f94ef7fa58b3d22c484f963d5c6c74da1d5a525595144b35a26710f324");
        assertThat(counters.newUnique(entropy).hex())
                .isEqualTo("0296792c9549d3f1d64072801e73382980317ca9e3d32c7ac9aed1ef2a262c0e");
        assertThat(ObjectIds.locationTagOf(counters.fromName("alice"))).isEqualTo(-1);
    }

    @Test
    void theTagIsTheFirstTwoBytesOfTheLabelsSha256() throws Exception {
        for (String label : new String[] {"weur", "enam", "us-east-2", "a"}) {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("duro-location\0" + label).getBytes(StandardCharsets.UTF_8));
            assertThat(ObjectIds.locationTag(label)).as(label).isEqualTo(((d[0] & 0xff) << 8) | (d[1] & 0xff));
        }
    }

    @Test
    void aLocatedNameIdIsStableCarriesItsTagAndDiffersFromTheUnlocatedIdOfTheName() {
        ObjectId weur = counters.fromName("alice", "weur");
        assertThat(new ObjectIds("COUNTERS", SECRET.clone()).fromName("alice", "weur")).isEqualTo(weur);
        assertThat(weur.bytes()[0]).isEqualTo(ObjectIds.KIND_NAME_LOCATED);
        assertThat(ObjectIds.locationTagOf(weur)).isEqualTo(ObjectIds.locationTag("weur"));
        assertThat(weur.name()).contains("alice");
        // the location is part of the identity, as with jurisdiction-scoped namespaces
        assertThat(weur).isNotEqualTo(counters.fromName("alice")).isNotEqualTo(counters.fromName("alice", "enam"));
        assertThat(counters.fromName("bob", "weur")).isNotEqualTo(weur);
        assertThat(counters.belongs(weur)).isTrue();
        assertThat(counters.parse(weur.hex())).isEqualTo(weur);
        assertThat(new ObjectIds("ROOMS", SECRET).belongs(weur)).isFalse();
    }

    @Test
    void locatedUniqueIdsAreDistinctVerifyAndRoundTripThroughParse() {
        SeededEntropy entropy = new SeededEntropy(11);
        Set<ObjectId> seen = new HashSet<>();
        int tag = ObjectIds.locationTag("enam");
        for (int i = 0; i < 1000; i++) {
            ObjectId id = counters.newUnique(entropy, "enam");
            assertThat(seen.add(id)).as("seed 11, id %d is new", i).isTrue();
            assertThat(id.bytes()[0]).isEqualTo(ObjectIds.KIND_UNIQUE_LOCATED);
            assertThat(ObjectIds.locationTagOf(id)).isEqualTo(tag);
            assertThat(counters.belongs(id)).isTrue();
            assertThat(counters.parse(id.hex().toUpperCase(java.util.Locale.ROOT))).isEqualTo(id);
        }
        ObjectId a = counters.newUnique(new SeededEntropy(3), "enam");
        assertThat(counters.newUnique(new SeededEntropy(3), "enam")).as("same seed, same id").isEqualTo(a);
    }

    @Test
    void changingTheTagOfAnIdBreaksItsMac() {
        ObjectId id = counters.newUnique(new SeededEntropy(5), "weur");
        byte[] moved = id.bytes();
        int enam = ObjectIds.locationTag("enam");
        moved[1] = (byte) (enam >>> 8);
        moved[2] = (byte) enam;
        assertThat(counters.belongs(ObjectId.of(moved, null))).as("nobody can move an id to another location").isFalse();
        byte[] relabelled = id.bytes();
        relabelled[0] = ObjectIds.KIND_UNIQUE;
        assertThat(counters.belongs(ObjectId.of(relabelled, null))).isFalse();
    }

    @Test
    void badLabelsAreRefusedWithTheRule() {
        for (String bad : new String[] {"", "WEUR", "we ur", "weur\0", "é", "x".repeat(33)}) {
            assertThatThrownBy(() -> counters.newUnique(new SeededEntropy(1), bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("characters of a-z, 0-9 and '-'");
            assertThatThrownBy(() -> counters.fromName("alice", bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ObjectIds.checkLocation(null)).hasMessageContaining("got null");
        assertThatThrownBy(() -> ObjectIds.checkLocation("Weur")).hasMessageContaining("'W' at position 0");
        assertThat(ObjectIds.checkLocation("x".repeat(32))).hasSize(32);
        assertThat(ObjectIds.checkLocation("us-east-2")).isEqualTo("us-east-2");
    }
}
