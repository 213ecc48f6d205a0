package dev.duro.scenarios.check;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.RuntimeTrace;
import dev.duro.runtime.cluster.Placement;
import dev.duro.runtime.config.ClusterConfig;
import dev.duro.runtime.ids.ObjectIds;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P3-placement: every activation ({@code obj-recover-begin}) and every output ({@code obj-output})
 * of an object happens on a member of its replica set, {@link Placement#replicas} over the run's
 * {@link ClusterConfig} (docs/cluster.md: "the owner is always one of the replicas", so it holds a
 * local copy of the log; with locations the set is the id's location, topped up from elsewhere
 * when the location has fewer members than replicas). An owner outside the set would serve from a
 * log no quorum of the object's replicas stands behind, which single activation (P3) rests on.
 *
 * <p>The namespace an id belongs to is found by its MAC ({@link ObjectIds#belongs}); an id that no
 * namespace of the deployment made is a violation too (the runtime activated something no client
 * could name). Also counts, for located ids, activations by location and those outside the id's
 * location: only the top-up path puts them there, so a sweep can show it ran.
 *
 * <p>Not checked: that the owner is the <em>preferred</em> replica (any replica may own after a
 * failover, as the failure detector's view decides); crashes change nothing (placement is a
 * function of the id and the static membership).
 */
public final class PlacementChecker implements FactChecker {
    public static final String PROPERTY = "P3-placement";

    /** What placement says about one object id. */
    private record Placed(String namespace, List<NodeId> replicas, String home) {}

    private final ClusterConfig cluster;
    private final Placement placement;
    private final List<ObjectIds> namespaces = new ArrayList<>();
    private final Map<String, Placed> byId = new TreeMap<>();
    private final CappedViolations violations = new CappedViolations(PROPERTY, FailureClass.SAFETY,
            "activations or outputs outside their objects' replica sets");
    private final Map<String, Long> activationsByLocation = new TreeMap<>();
    private long judged;
    private long activations;
    private long locatedActivations;
    private long topUpActivations;

    /**
     * @param cluster the run's cluster (members, replicas, locations)
     * @param deploymentSecret the secret ids are made with
     * @param namespaceNames every namespace of the deployment
     */
    public PlacementChecker(ClusterConfig cluster, byte[] deploymentSecret, List<String> namespaceNames) {
        this.cluster = cluster;
        this.placement = new Placement(cluster);
        for (String ns : namespaceNames) namespaces.add(new ObjectIds(ns, deploymentSecret));
    }

    @Override
    public void onFact(RuntimeFact f) {
        boolean activation = f.kind().equals(RuntimeTrace.RECOVER_BEGIN);
        if (!activation && !f.kind().equals(RuntimeTrace.OUTPUT)) return;
        Placed p = byId.computeIfAbsent(f.id(), this::place);
        judged++;
        NodeId node = NodeId.of(f.node());
        if (activation) {
            activations++;
            if (p != null && p.home() != null) {
                locatedActivations++;
                String at = cluster.locationOf(node).orElse("-");
                activationsByLocation.merge(at, 1L, Long::sum);
                if (!at.equals(p.home())) topUpActivations++;
            }
        }
        if (p == null) {
            violations.add(f.shortId() + ": " + f.kind() + " on n" + f.node() + " at " + f.where() + " of an id no namespace of the"
                    + " deployment made (its MAC verifies in none)");
        } else if (!p.replicas().contains(node)) {
            violations.add("object " + f.shortId() + " of " + p.namespace() + (p.home() == null ? "" : " located in " + p.home())
                    + ": " + (activation ? "activated" : "a " + f.text("kind") + " output") + " on n" + f.node() + " at "
                    + f.where() + ", which is not one of its replicas " + p.replicas() + " (an owner outside the replica set)");
        }
    }

    private Placed place(String hex) {
        ObjectId id;
        try {
            id = ObjectId.of(HexFormat.of().parseHex(hex), null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a runtime fact names a malformed object id '" + hex + "': " + e.getMessage(), e);
        }
        for (ObjectIds ns : namespaces) {
            if (ns.belongs(id)) return new Placed(ns.namespace(), placement.replicas(ns.namespace(), id), placement.locationOf(id));
        }
        return null;
    }

    @Override
    public void onCrash(int node) {
        // Placement is a function of the id and the static membership: nothing to forget.
    }

    @Override
    public List<Violation> violations() {
        return violations.all();
    }

    /** Activations and outputs judged (a checker that judged nothing proves nothing). */
    public long judged() {
        return judged;
    }

    /** Activations seen, of any id. */
    public long activations() {
        return activations;
    }

    /** Activations of ids located in one of the cluster's locations. */
    public long locatedActivations() {
        return locatedActivations;
    }

    /** Activations of located ids on a member outside the id's location: the top-up path. */
    public long topUpActivations() {
        return topUpActivations;
    }

    /** Activations of located ids by the location of the member they ran on, labels sorted. */
    public Map<String, Long> activationsByLocation() {
        return new TreeMap<>(activationsByLocation);
    }

    /** One line for the parameters: what was judged and, for located ids, where they ran. */
    public String describe() {
        String s = judged + " activations and outputs placement-checked (" + activations + " activations)";
        if (cluster.located()) {
            s += "; located ids: " + locatedActivations + " activations " + activationsByLocation + ", " + topUpActivations
                    + " outside the id's location (top-up)";
        }
        return s;
    }
}
