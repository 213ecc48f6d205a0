package dev.duro.scenarios.frame;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.ids.ObjectIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The members' locations of a simulated cluster, from the {@code --locations} spec
 * (docs/scenarios.md): a count {@code K} splits members {@code n0..n(N-1)} round-robin into
 * {@code loc0..loc(K-1)} (5 members, {@code 2}: {@code loc0 = n0,n2,n4}, {@code loc1 = n1,n3});
 * or explicit groups {@code weur=0,1,2;enam=3,4} that name every member exactly once.
 *
 * @param byMember every member's label, for {@code ClusterConfig.withLocations}
 */
public record LocationSpec(SortedMap<NodeId, String> byMember) {
    public LocationSpec {
        Invariants.check(!byMember.isEmpty(), "a location spec places at least one member");
        byMember = Collections.unmodifiableSortedMap(new TreeMap<>(byMember));
    }

    /**
     * Parses {@code spec} for a cluster of {@code members} members. Throws
     * {@link IllegalArgumentException} naming what is wrong and what a spec looks like.
     */
    public static LocationSpec parse(String spec, int members) {
        Invariants.check(members >= 1, "members must be >= 1, got %d", members);
        if (spec == null || spec.isBlank()) throw bad(spec, "it is empty");
        String s = spec.trim();
        return s.chars().allMatch(c -> c >= '0' && c <= '9') ? count(s, members) : groups(s, members);
    }

    private static LocationSpec count(String s, int members) {
        int k;
        try {
            k = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(s, "the count is too large");
        }
        if (k < 1 || k > members) {
            throw bad(s, "a count must be 1.." + members + " (every location needs a member of the " + members + ")");
        }
        SortedMap<NodeId, String> out = new TreeMap<>();
        for (int i = 0; i < members; i++) out.put(NodeId.of(i), "loc" + (i % k));
        return new LocationSpec(out);
    }

    private static LocationSpec groups(String s, int members) {
        SortedMap<NodeId, String> out = new TreeMap<>();
        Map<String, Boolean> labels = new LinkedHashMap<>();
        for (String group : s.split(";", -1)) {
            int eq = group.indexOf('=');
            if (eq < 0) throw bad(s, "group '" + group + "' has no '=' (write label=i,j,...)");
            String label = group.substring(0, eq);
            try {
                ObjectIds.checkLocation(label);
            } catch (RuntimeException e) {
                throw bad(s, "bad label '" + label + "': " + e.getMessage());
            }
            if (labels.put(label, true) != null) throw bad(s, "location '" + label + "' is given twice");
            String list = group.substring(eq + 1);
            if (list.isEmpty()) throw bad(s, "location '" + label + "' has no members");
            for (String m : list.split(",", -1)) {
                int index;
                try {
                    index = Integer.parseInt(m);
                } catch (NumberFormatException e) {
                    throw bad(s, "member '" + m + "' of location '" + label + "' is not a node index 0.." + (members - 1));
                }
                if (index < 0 || index >= members) {
                    throw bad(s, "member " + index + " of location '" + label + "' is not one of the " + members
                            + " members 0.." + (members - 1));
                }
                String before = out.put(NodeId.of(index), label);
                if (before != null) throw bad(s, "member " + index + " is in both '" + before + "' and '" + label + "'");
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < members; i++) if (!out.containsKey(NodeId.of(i))) missing.add(i);
        if (!missing.isEmpty()) throw bad(s, "members " + missing + " have no location (name every member 0.." + (members - 1) + " once)");
        return new LocationSpec(out);
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("malformed --locations '" + spec + "': " + why + "; expected a count K (members split"
                + " round-robin into loc0..loc(K-1)) or label=i,j;label=k,... naming every member once (e.g. weur=0,1,2;enam=3,4)");
    }

    /** The labels, sorted. */
    public List<String> names() {
        return List.copyOf(new java.util.TreeSet<>(byMember.values()));
    }

    /** Each location with its members, labels sorted: {@code loc0=[n0, n2, n4]}. */
    public SequencedMap<String, List<NodeId>> members() {
        SequencedMap<String, List<NodeId>> out = new LinkedHashMap<>();
        for (String name : names()) {
            List<NodeId> in = new ArrayList<>();
            byMember.forEach((node, label) -> {
                if (label.equals(name)) in.add(node);
            });
            out.put(name, List.copyOf(in));
        }
        return out;
    }
}
