package dev.duro.runtime.cluster;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.ids.ObjectIds;
import dev.duro.sim.Simulation;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/cluster.md "Locations": in a cluster whose members have locations, an id minted by an
 * object lives where that object ran, a hinted id where the hint says, and failover keeps a
 * located object inside its location while the location has enough members.
 */
class LocationsTest {
    private static final ObjectIds IDS = new ObjectIds(ClusterRig.NS, ClusterRig.SECRET);

    /** n0..n5, interleaved: even members in weur, odd ones in enam; 3 replicas. */
    private static ClusterConfig twoLocations() {
        Map<NodeId, String> at = new TreeMap<>();
        for (int i = 0; i < 6; i++) at.put(NodeId.of(i), i % 2 == 0 ? "weur" : "enam");
        return ClusterConfig.of(6).withLocations(at);
    }

    @Test
    void anIdMintedByAnObjectLivesInTheLocationWhereThatObjectRan() {
        ClusterRig rig = new ClusterRig(601, twoLocations(), new SharedLogs().factory());
        TreeSet<String> homes = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
            String minter = "minter-" + i; // an unlocated name: placed by hashing over all members
            NodeId ranAt = rig.replicas(minter).getFirst();
            String home = rig.cluster.locationOf(ranAt).orElseThrow();
            ObjectId minted = IDS.parse(rig.text(minter, "/mint"));
            assertThat(rig.nodesOf("obj-event-begin", minter)).as("seed 601: %s ran at its owner", minter).containsOnly(ranAt);
            assertThat(minted.bytes()[0]).isEqualTo(ObjectIds.KIND_UNIQUE_LOCATED);
            assertThat(rig.placement.locationOf(minted)).as("seed 601: minted near %s", ranAt).isEqualTo(home);

            assertThat(fetchById(rig, minted, "/inc")).isEqualTo("1");
            assertThat(ranFor(rig, minted)).as("seed 601: the minted object runs at its first replica, in %s", home)
                    .containsOnly(rig.placement.replicas(ClusterRig.NS, minted).getFirst());
            assertThat(rig.cluster.locationOf(ranFor(rig, minted).getFirst())).contains(home);
            homes.add(home);
        }
        assertThat(homes).as("seed 601: the location follows the caller, it is not a constant").containsExactly("enam", "weur");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {611, 612, 613})
    void afterTheOwnerOfALocatedObjectCrashesItsNextReplicaInTheLocationServesTheDurableState(long seed) {
        ClusterRig rig = ClusterRig.onLocatedDisks(seed, twoLocations());
        ObjectId id = IDS.newUnique(rig.sim.entropy("test/ids"), "enam"); // as a node mints it
        List<NodeId> replicas = rig.placement.replicas(ClusterRig.NS, id);
        assertThat(replicas).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(rig.cluster.membersIn("enam"));
        for (int i = 1; i <= 3; i++) assertThat(fetchById(rig, id, "/inc")).isEqualTo(Integer.toString(i));

        rig.server(replicas.getFirst()).crash();
        long crashed = rig.sim.nowNanos();
        List<DuroException> failures = new ArrayList<>();
        String answer = null;
        for (int attempt = 0; attempt < 30 && answer == null; attempt++) {
            Promise<Response> p = rig.await(() -> rig.client().fetchById(ClusterRig.NS, id.hex(), Request.get("/inc"), Simulation.millis(1_000)));
            if (p.isSucceeded()) answer = p.value().bodyText();
            else failures.add((DuroException) p.failure());
        }
        assertThat(answer).as("seed %d: served again (failures %s)", seed, failures).isNotNull();
        // calls that timed out may have run (they are indeterminate), so 4 or more
        assertThat(Integer.parseInt(answer)).as("seed %d: acknowledged writes survived", seed).isBetween(4, 4 + failures.size());
        assertThat(failures).as("seed %d", seed).allMatch(DuroException::isRetryable);
        assertThat(rig.sim.nowNanos() - crashed).as("seed %d: within 8 s of the crash", seed).isLessThan(Simulation.millis(8_000));
        assertThat(ranFor(rig, id).getLast()).as("seed %d: the second replica took over", seed).isEqualTo(replicas.get(1));
        assertThat(nodesMentioning(rig, id)).as("seed %d: every node that ran, stored or routed the object is in enam", seed)
                .isSubsetOf(rig.cluster.membersIn("enam"));
    }

    @Test
    void aLocationWithTooFewMembersIsToppedUpAndFailoverLeavesItOnlyWhenItMust() {
        // weur = {n0, n2}, enam = {n1, n3, n4}: a weur object's third replica is in enam
        ClusterConfig cluster = ClusterConfig.of(5).withLocations(Map.of(NodeId.of(0), "weur", NodeId.of(1), "enam",
                NodeId.of(2), "weur", NodeId.of(3), "enam", NodeId.of(4), "enam"));
        ClusterRig rig = new ClusterRig(621, cluster, new SharedLogs().factory());
        ObjectId id = IDS.fromName("small", "weur");
        List<NodeId> replicas = rig.placement.replicas(ClusterRig.NS, id);
        assertThat(replicas.subList(0, 2)).containsExactlyInAnyOrder(NodeId.of(0), NodeId.of(2));
        assertThat(rig.cluster.locationOf(replicas.get(2))).contains("enam");
        assertThat(fetchById(rig, id, "/inc")).isEqualTo("1");

        rig.server(replicas.get(0)).crash();
        rig.runMillis(1_000); // suspected
        assertThat(fetchByIdRetrying(rig, id, "/inc")).isEqualTo("2");
        assertThat(ranFor(rig, id).getLast()).as("seed 621: the other weur member").isEqualTo(replicas.get(1));

        rig.server(replicas.get(1)).crash();
        rig.runMillis(1_000);
        assertThat(fetchByIdRetrying(rig, id, "/inc")).isEqualTo("3");
        assertThat(ranFor(rig, id).getLast()).as("seed 621: weur is down, the top-up replica serves").isEqualTo(replicas.get(2));
    }

    @Test
    void hintsNameALocationTheClusterHasOrFailNamingTheOnesItHas() {
        ClusterRig rig = new ClusterRig(631, twoLocations(), new SharedLogs().factory());
        DuroException e = rig.error(() -> rig.client().fetchLocated(ClusterRig.NS, "x", "apac", Request.get("/get"),
                ClusterRig.CALL_TIMEOUT_NANOS));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LOCATION);
        assertThat(e.getMessage()).isEqualTo("unknown location hint 'apac': this cluster's locations are [enam, weur]");
        assertThat(rig.text("minter", "/mint?at=apac"))
                .isEqualTo("INVALID_LOCATION: unknown location hint 'apac': this cluster's locations are [enam, weur]");

        // an object may place a new id elsewhere than where it runs
        NodeId ranAt = rig.replicas("minter").getFirst();
        String elsewhere = rig.cluster.locationOf(ranAt).orElseThrow().equals("weur") ? "enam" : "weur";
        ObjectId hinted = IDS.parse(rig.text("minter", "/mint?at=" + elsewhere));
        assertThat(rig.placement.locationOf(hinted)).isEqualTo(elsewhere);

        // a located name is another object than the unlocated name, and lives in its location
        ObjectId alice = IDS.fromName("alice", "weur");
        assertThat(alice).isNotEqualTo(rig.id("alice"));
        assertThat(rig.value(() -> rig.client().fetchLocated(ClusterRig.NS, "alice", "weur", Request.get("/inc"),
                ClusterRig.CALL_TIMEOUT_NANOS)).bodyText()).as("the gateway makes the located id").isEqualTo("1");
        assertThat(rig.text("alice", "/get")).as("the unlocated alice is another object").isEqualTo("0");
        assertThat(rig.cluster.locationOf(ranFor(rig, alice).getFirst())).contains("weur");
    }

    @Test
    void withoutLocationsAnObjectMintsUnlocatedIdsAsBefore() {
        ClusterRig rig = new ClusterRig(641, 5, new SharedLogs());
        ObjectId minted = IDS.parse(rig.text("minter", "/mint"));
        assertThat(minted.bytes()[0]).isEqualTo(ObjectIds.KIND_UNIQUE);
        assertThat(rig.text("minter", "/mint?at=weur"))
                .startsWith("INVALID_LOCATION: unknown location hint 'weur': this cluster has no locations");
    }

    private static String fetchById(ClusterRig rig, ObjectId id, String path) {
        return rig.value(() -> rig.client().fetchById(ClusterRig.NS, id.hex(), Request.get(path), ClusterRig.CALL_TIMEOUT_NANOS)).bodyText();
    }

    /** Sent again after UNAVAILABLE (the client's first choice may be the dead node), up to 5 times. */
    private static String fetchByIdRetrying(ClusterRig rig, ObjectId id, String path) {
        for (int attempt = 0; ; attempt++) {
            Promise<Response> p = rig.await(() -> rig.client().fetchById(ClusterRig.NS, id.hex(), Request.get(path), ClusterRig.CALL_TIMEOUT_NANOS));
            if (p.isSucceeded()) return p.value().bodyText();
            if (!(p.failure() instanceof DuroException e && e.code() == ErrorCode.UNAVAILABLE) || attempt == 4) {
                throw new AssertionError("failed (seed " + rig.seed + "): " + p.failure(), p.failure());
            }
        }
    }

    /** Nodes that began an event of the object, in order. */
    private static List<NodeId> ranFor(ClusterRig rig, ObjectId id) {
        List<NodeId> out = new ArrayList<>();
        for (TraceEvent e : rig.events) {
            if (e.kind() == EventKind.RECORD && "obj-event-begin".equals(e.label()) && e.detail().contains("id=" + id.hex())) {
                out.add(NodeId.of(e.node()));
            }
        }
        return out;
    }

    /** Nodes at which anything was recorded about the object. */
    private static TreeSet<NodeId> nodesMentioning(ClusterRig rig, ObjectId id) {
        TreeSet<NodeId> out = new TreeSet<>();
        for (TraceEvent e : rig.events) {
            boolean member = e.node() < rig.cluster.members().size(); // not the client's node
            if (member && e.kind() == EventKind.RECORD && e.detail().contains(id.hex())) out.add(NodeId.of(e.node()));
        }
        return out;
    }
}
