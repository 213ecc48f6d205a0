package dev.duro.runtime.config;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.ids.ObjectIds;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/cluster.md "Locations": member locations in the cluster config, all or none, and hints. */
class ClusterLocationsTest {

    @Test
    void theDefaultClusterHasNoLocations() {
        ClusterConfig plain = ClusterConfig.of(5);
        assertThat(plain.located()).isFalse();
        assertThat(plain.locations()).isEmpty();
        assertThat(plain.locationOf(NodeId.of(0))).isEmpty();
        assertThat(plain.withReplicas(5).withLease(1_000, 500).located()).isFalse();
        assertThat(new ClusterConfig(plain.members(), 3, 2_000, 1_000, 100, 600)).isEqualTo(plain);
    }

    @Test
    void locationsSurviveTheOtherWithersAndAreQueryable() {
        ClusterConfig c = ClusterConfig.of(4).withLocations(Map.of(NodeId.of(0), "weur", NodeId.of(1), "enam",
                NodeId.of(2), "weur", NodeId.of(3), "enam")).withReplicas(1).withLease(1_000, 500);
        assertThat(c.located()).isTrue();
        assertThat(c.locationNames()).containsExactly("enam", "weur");
        assertThat(c.membersIn("weur")).containsExactly(NodeId.of(0), NodeId.of(2));
        assertThat(c.membersIn("apac")).isEmpty();
        assertThat(c.locationOf(NodeId.of(3))).contains("enam");
        assertThat(c.requireLocation("enam")).isEqualTo("enam");
        assertThat(c.withLocations(Map.of()).located()).as("an empty map removes them").isFalse();
    }

    @Test
    void everyMemberOrNoneHasALocation() {
        assertThatThrownBy(() -> ClusterConfig.of(3).withLocations(Map.of(NodeId.of(0), "weur", NodeId.of(1), "weur")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give every member a location or none: [n2] have none");
        assertThatThrownBy(() -> ClusterConfig.of(1).withLocations(Map.of(NodeId.of(0), "weur", NodeId.of(7), "weur")))
                .hasMessageContaining("location given for n7, which is not a member");
    }

    @Test
    void badLabelsAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> ClusterConfig.of(1).withLocations(Map.of(NodeId.of(0), "West EU")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad location of a member")
                .hasMessageContaining("'West EU' has 'W' at position 0");
        assertThatThrownBy(() -> ClusterConfig.of(1).withLocations(Map.of(NodeId.of(0), "")))
                .hasMessageContaining("1 to 32 characters of a-z, 0-9 and '-'");
    }

    @Test
    void twoLabelsWithTheSameIdTagAreRefused() {
        // find two labels whose 2-byte tags collide (a birthday search over l0, l1, ...: deterministic)
        Map<Integer, String> seen = new TreeMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String label = "l" + i;
            String before = seen.put(ObjectIds.locationTag(label), label);
            if (before != null) {
                a = before;
                b = label;
            }
        }
        String first = a;
        String second = b;
        assertThatThrownBy(() -> ClusterConfig.of(2).withLocations(Map.of(NodeId.of(0), first, NodeId.of(1), second)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("have the same 2-byte id tag; rename one of them");
    }

    @Test
    void anUnknownHintIsRefusedNamingTheLocationsThatExist() {
        ClusterConfig c = ClusterConfig.of(2).withLocations(Map.of(NodeId.of(0), "weur", NodeId.of(1), "enam"));
        assertThatThrownBy(() -> c.requireLocation("apac"))
                .isInstanceOf(DuroException.class)
                .hasMessage("unknown location hint 'apac': this cluster's locations are [enam, weur]")
                .satisfies(e -> assertThat(((DuroException) e).code()).isEqualTo(ErrorCode.INVALID_LOCATION));
        assertThatThrownBy(() -> c.requireLocation(null)).hasMessageContaining("unknown location hint null");
        assertThatThrownBy(() -> ClusterConfig.of(3).requireLocation("weur"))
                .hasMessageContaining("this cluster has no locations");
    }
}
