package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.ids.ObjectIds;
import dev.duro.sim.random.SeededEntropy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/cluster.md "Shape" and "Locations": rendezvous placement, and a located id's location first. */
class PlacementTest {
    private static final byte[] SECRET = "a deployment secret of 32 bytes!".getBytes(StandardCharsets.UTF_8);
    private static final String NS = "COUNTERS";
    private static final ObjectIds IDS = new ObjectIds(NS, SECRET);
    private static final long SEED = 20_250_611L;

    /** n0..n8: weur = {n0, n3, n6}, enam = {n1, n4, n7}, apac = {n2, n5, n8} (interleaved, so index order proves nothing). */
    private static ClusterConfig threeLocations() {
        String[] labels = {"weur", "enam", "apac"};
        Map<NodeId, String> at = new TreeMap<>();
        for (int i = 0; i < 9; i++) at.put(NodeId.of(i), labels[i % 3]);
        return ClusterConfig.of(9).withLocations(at);
    }

    @Test
    void unlocatedRankingsAreWhatTheyWereBeforeLocations() {
        // pinned from the code before locations existed (commit 6a96022), ClusterConfig.of(5)
        Placement p = new Placement(ClusterConfig.of(5));
        assertThat(p.ranking(NS, IDS.fromName("alice"))).containsExactly(n(0), n(4), n(2), n(1), n(3));
        assertThat(p.ranking(NS, IDS.fromName("bob"))).containsExactly(n(0), n(3), n(1), n(2), n(4));
        assertThat(p.ranking(NS, IDS.fromName("carol"))).containsExactly(n(0), n(4), n(1), n(2), n(3));
        // and locations do not move unlocated ids
        Placement located = new Placement(threeLocations());
        Placement plain = new Placement(ClusterConfig.of(9));
        SeededEntropy entropy = new SeededEntropy(SEED);
        for (int i = 0; i < 200; i++) {
            ObjectId id = IDS.newUnique(entropy);
            assertThat(located.ranking(NS, id)).as("seed %d id %d", SEED, i).isEqualTo(plain.ranking(NS, id));
        }
    }

    @Test
    void aLocatedIdsReplicasAreItsLocationsMembersInScoreOrderThenTheRest() {
        ClusterConfig cluster = threeLocations();
        Placement located = new Placement(cluster);
        Placement plain = new Placement(ClusterConfig.of(9)); // the same scores, without locations
        SeededEntropy entropy = new SeededEntropy(SEED);
        for (String home : cluster.locationNames()) {
            TreeSet<NodeId> owners = new TreeSet<>();
            for (int i = 0; i < 1000; i++) {
                ObjectId id = i % 2 == 0 ? IDS.newUnique(entropy, home) : IDS.fromName("object-" + i, home);
                List<NodeId> ranking = located.ranking(NS, id);
                String what = "seed " + SEED + ", " + home + " id " + i;
                assertThat(located.locationOf(id)).as(what).isEqualTo(home);
                assertThat(located.replicas(NS, id)).as(what).containsExactlyInAnyOrderElementsOf(cluster.membersIn(home));
                // a stable partition of the score order: home first, each part keeps its order
                List<NodeId> expected = new ArrayList<>();
                for (NodeId m : plain.ranking(NS, id)) if (cluster.locationOf(m).orElseThrow().equals(home)) expected.add(m);
                for (NodeId m : plain.ranking(NS, id)) if (!cluster.locationOf(m).orElseThrow().equals(home)) expected.add(m);
                assertThat(ranking).as(what).isEqualTo(expected);
                owners.add(ranking.getFirst());
            }
            assertThat(owners).as("seed %d: hashing still spreads %s's objects over its members", SEED, home)
                    .containsExactlyElementsOf(cluster.membersIn(home));
        }
    }

    @Test
    void aLocationWithFewerMembersThanReplicasIsToppedUpFromTheBestScoredOthers() {
        // weur has 2 members, enam 3; 3 replicas
        ClusterConfig cluster = ClusterConfig.of(5).withLocations(Map.of(n(0), "weur", n(1), "enam", n(2), "weur",
                n(3), "enam", n(4), "enam"));
        Placement located = new Placement(cluster);
        Placement plain = new Placement(ClusterConfig.of(5));
        SeededEntropy entropy = new SeededEntropy(SEED);
        for (int i = 0; i < 1000; i++) {
            ObjectId id = IDS.newUnique(entropy, "weur");
            List<NodeId> replicas = located.replicas(NS, id);
            String what = "seed " + SEED + " id " + i;
            assertThat(replicas.subList(0, 2)).as(what).containsExactlyInAnyOrder(n(0), n(2));
            NodeId topUp = plain.ranking(NS, id).stream().filter(m -> !m.equals(n(0)) && !m.equals(n(2))).findFirst().orElseThrow();
            assertThat(replicas.get(2)).as(what + ": the best-scored member elsewhere").isEqualTo(topUp);
        }
    }

    @Test
    void aTagNoLocationHereHasIsPlacedOverAllMembers() {
        Placement located = new Placement(threeLocations());
        Placement plain = new Placement(ClusterConfig.of(9));
        SeededEntropy entropy = new SeededEntropy(SEED);
        for (int i = 0; i < 200; i++) {
            ObjectId gone = IDS.newUnique(entropy, "saeast"); // a location this cluster does not have (say, removed)
            assertThat(located.locationOf(gone)).isNull();
            assertThat(located.ranking(NS, gone)).as("seed %d id %d", SEED, i).isEqualTo(plain.ranking(NS, gone));
            ObjectId weur = IDS.newUnique(entropy, "weur");
            assertThat(plain.locationOf(weur)).as("a cluster without locations ignores tags").isNull();
        }
    }

    @Test
    void theScoreIsSha256OfNamespaceZeroIdAndTheFullFourByteMemberIndex() throws Exception {
        // indices wider than one byte: each byte of the index is hashed (docs/cluster.md "Shape")
        List<NodeId> members = List.of(n(1), n(0x100), n(0x10000), n(0x1000000), n(0x1010101));
        Placement p = new Placement(new ClusterConfig(members, 5, 2_000, 1_000, 100, 600));
        assertThat(p.cluster().members()).isEqualTo(members);
        for (int i = 0; i < 50; i++) {
            ObjectId id = IDS.fromName("obj-" + i);
            List<NodeId> expected = new ArrayList<>(members);
            java.util.Map<NodeId, Long> score = new TreeMap<>();
            for (NodeId m : members) {
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                sha.update(NS.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(id.bytes());
                sha.update(java.nio.ByteBuffer.allocate(4).putInt(m.index()).array());
                score.put(m, java.nio.ByteBuffer.wrap(sha.digest()).getLong());
            }
            expected.sort(java.util.Comparator.comparing((NodeId m) -> score.get(m)).reversed());
            assertThat(p.ranking(NS, id)).as("obj-%d", i).isEqualTo(expected);
        }
    }

    @Test
    void aLocationWhoseTagIsZeroIsStillALocation() {
        String zero = null;
        for (int i = 0; zero == null; i++) {
            String label = "z" + Integer.toString(i, 36);
            if (ObjectIds.locationTag(label) == 0) zero = label;
        }
        Placement located = new Placement(ClusterConfig.of(3).withLocations(Map.of(n(0), zero, n(1), "enam", n(2), "enam")));
        ObjectId id = IDS.fromName("at-tag-zero", zero);
        assertThat(ObjectIds.locationTagOf(id)).isZero();
        assertThat(located.locationOf(id)).as("label %s", zero).isEqualTo(zero);
        assertThat(located.ranking(NS, id).getFirst()).isEqualTo(n(0));
    }

    private static NodeId n(int i) {
        return NodeId.of(i);
    }
}
