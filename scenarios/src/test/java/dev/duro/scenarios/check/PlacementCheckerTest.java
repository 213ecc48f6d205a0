package dev.duro.scenarios.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.cluster.Placement;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.ids.ObjectIds;
import dev.duro.scenarios.frame.LocationSpec;
import dev.duro.scenarios.frame.ObjectWorld;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** P3-placement on synthetic traces over real ids and a real placement: activations and outputs only on replicas. */
class PlacementCheckerTest {
    private static final ClusterConfig PLAIN = ClusterConfig.of(5);
    /** loc0 = n0, n2, n4; loc1 = n1, n3 (two members: topped up to three replicas). */
    private static final ClusterConfig LOCATED = ClusterConfig.of(5).withLocations(LocationSpec.parse("2", 5).byMember());
    private static final List<String> NAMESPACES = List.of("COUNTERS", "ROOMS");

    private static PlacementChecker checker(ClusterConfig cluster) {
        return new PlacementChecker(cluster, ObjectWorld.SECRET, NAMESPACES);
    }

    private static List<NodeId> replicas(ClusterConfig cluster, ObjectId id) {
        return new Placement(cluster).replicas("ROOMS", id);
    }

    /** A member that is not one of {@code replicas}. */
    private static int outside(List<NodeId> replicas) {
        for (int i = 0; i < 5; i++) if (!replicas.contains(NodeId.of(i))) return i;
        throw new AssertionError("every member is a replica of " + replicas);
    }

    @Test
    void activationsAndOutputsOnReplicasPass() {
        ObjectId id = new ObjectIds("ROOMS", ObjectWorld.SECRET).fromName("lobby");
        List<NodeId> r = replicas(PLAIN, id);
        PlacementChecker c = new Facts()
                .onObject(r.get(0).index(), id.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .onObject(r.get(0).index(), id.hex(), RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1.0.7")
                .onObject(r.get(2).index(), id.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=2")
                .onObject(r.get(2).index(), id.hex(), RuntimeTrace.OUTPUT, "epoch=2 kind=ws-send seq=3 fence=2.2.1")
                .feed(checker(PLAIN));
        assertThat(c.violations()).isEmpty();
        assertThat(c.judged()).isEqualTo(4);
        assertThat(c.activations()).isEqualTo(2);
        assertThat(c.locatedActivations()).as("an unlocated id").isZero();
    }

    @Test
    void aPlantedMisplacementIsCaught_activationAndOutput() {
        ObjectId id = new ObjectIds("ROOMS", ObjectWorld.SECRET).fromName("lobby");
        int wrong = outside(replicas(PLAIN, id));
        PlacementChecker c = new Facts()
                .onObject(wrong, id.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .onObject(wrong, id.hex(), RuntimeTrace.OUTPUT, "epoch=1 kind=response seq=1 fence=1." + wrong + ".3")
                .feed(checker(PLAIN));
        assertThat(c.violations()).hasSize(2).allSatisfy(v -> {
            assertThat(v.property()).isEqualTo(PlacementChecker.PROPERTY);
            assertThat(v.failureClass()).isEqualTo(FailureClass.SAFETY);
        });
        assertThat(c.violations().get(0).message()).contains(id.hex().substring(0, 12), "of ROOMS", "activated on n" + wrong,
                "not one of its replicas " + replicas(PLAIN, id));
        assertThat(c.violations().get(1).message()).contains("a response output on n" + wrong);
    }

    @Test
    void theNamespaceMatters_theSameIdBytesPlaceByTheirOwnNamespace() {
        // An id of COUNTERS is judged by COUNTERS' placement, never ROOMS' (the score hashes the namespace).
        ObjectId counter = new ObjectIds("COUNTERS", ObjectWorld.SECRET).fromName("lobby");
        List<NodeId> right = new Placement(PLAIN).replicas("COUNTERS", counter);
        PlacementChecker c = new Facts().onObject(right.get(1).index(), counter.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .feed(checker(PLAIN));
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void anIdNoNamespaceMadeIsAViolation() {
        PlacementChecker c = new Facts().on(0, RuntimeTrace.RECOVER_BEGIN, "epoch=1").feed(checker(PLAIN));
        assertThat(c.violations()).extracting(Violation::message).singleElement().asString()
                .contains("an id no namespace of the deployment made");
    }

    @Test
    void locatedIds_activationsCountByLocation_andTopUpIsCountedNotCondemned() {
        ObjectIds ids = new ObjectIds("ROOMS", ObjectWorld.SECRET);
        ObjectId small = ids.fromName("lobby", "loc1"); // loc1 has n1, n3: its third replica is in loc0
        List<NodeId> r = replicas(LOCATED, small);
        assertThat(r.subList(0, 2)).containsExactlyInAnyOrder(NodeId.of(1), NodeId.of(3));
        int topUp = r.get(2).index();
        ObjectId big = ids.fromName("lobby", "loc0");
        List<NodeId> rb = replicas(LOCATED, big);
        PlacementChecker c = new Facts()
                .onObject(1, small.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .onObject(topUp, small.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=2")
                .onObject(rb.get(0).index(), big.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .feed(checker(LOCATED));
        assertThat(c.violations()).isEmpty();
        assertThat(c.locatedActivations()).isEqualTo(3);
        assertThat(c.topUpActivations()).isEqualTo(1);
        assertThat(c.activationsByLocation()).isEqualTo(Map.of("loc0", 2L, "loc1", 1L));
        assertThat(c.describe()).contains("1 outside the id's location (top-up)");
        // A located id on a member of another location that is not its top-up is misplaced.
        int wrong = outside(r);
        PlacementChecker w = new Facts().onObject(wrong, small.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=1").feed(checker(LOCATED));
        assertThat(w.violations()).extracting(Violation::message).singleElement().asString()
                .contains("located in loc1", "activated on n" + wrong);
    }

    @Test
    void manyViolationsAreCountedBeyondTheFirstTen() {
        ObjectId id = new ObjectIds("ROOMS", ObjectWorld.SECRET).fromName("lobby");
        int wrong = outside(replicas(PLAIN, id));
        Facts f = new Facts();
        for (int i = 0; i < 13; i++) f.onObject(wrong, id.hex(), RuntimeTrace.RECOVER_BEGIN, "epoch=" + i);
        PlacementChecker c = f.feed(checker(PLAIN));
        assertThat(c.violations()).hasSize(11);
        assertThat(c.violations().get(10).message()).startsWith("3 more");
    }
}
