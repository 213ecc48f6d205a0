package dev.duro.scenarios.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duro.model.world.NodeId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --locations}: a count splits round-robin; explicit groups name every member once; anything else says what is wrong. */
class LocationSpecTest {
    @Test
    void aCountSplitsRoundRobin() {
        LocationSpec s = LocationSpec.parse("2", 5);
        assertThat(s.members()).isEqualTo(Map.of("loc0", List.of(NodeId.of(0), NodeId.of(2), NodeId.of(4)),
                "loc1", List.of(NodeId.of(1), NodeId.of(3))));
        assertThat(LocationSpec.parse("3", 5).members().get("loc2")).containsExactly(NodeId.of(2));
        assertThat(LocationSpec.parse("1", 5).names()).containsExactly("loc0");
        assertThat(LocationSpec.parse("5", 5).names()).hasSize(5);
    }

    @Test
    void explicitGroups() {
        LocationSpec s = LocationSpec.parse("weur=0,1,2;enam=3,4", 5);
        assertThat(s.byMember()).containsEntry(NodeId.of(2), "weur").containsEntry(NodeId.of(3), "enam").hasSize(5);
        assertThat(s.names()).containsExactly("enam", "weur");
        assertThat(LocationSpec.parse("a=4,0;b-2=3,1,2", 5).members().get("a")).containsExactly(NodeId.of(0), NodeId.of(4));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        String[][] cases = {
                {"", "it is empty"},
                {"0", "a count must be 1..5"},
                {"6", "a count must be 1..5"},
                {"99999999999", "too large"},
                {"weur=0,1,2;enam=3", "members [4] have no location"},
                {"weur=0,1,2;enam=2,3,4", "member 2 is in both 'weur' and 'enam'"},
                {"weur=0,1,2,3,4,5", "member 5 of location 'weur' is not one of the 5 members 0..4"},
                {"weur=0,1;weur=2,3,4", "location 'weur' is given twice"},
                {"Weur=0,1,2,3,4", "bad label 'Weur'"},
                {"=0,1,2,3,4", "bad label ''"},
                {"weur=0,1,2,3,4;", "group '' has no '='"},
                {"weur=0,,1,2,3,4", "member '' of location 'weur'"},
                {"weur=", "location 'weur' has no members"}};
        for (String[] c : cases) {
            assertThatThrownBy(() -> LocationSpec.parse(c[0], 5)).as(c[0]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c[1]).hasMessageContaining("malformed --locations").hasMessageContaining("weur=0,1,2;enam=3,4");
        }
    }
}
