package dev.duro.scenarios.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The faults a {@link ClusterTestKit} applies, as plain data: each one at a virtual time after the
 * kit started, on named runtime nodes. Unlike the scenarios' nemesis, nothing is drawn: the plan is
 * the whole fault schedule, so a property-testing library can generate and shrink it (fewer faults,
 * earlier, shorter) and a failure can print it. Its text form round-trips through {@link #parse}:
 * {@code "crash n2 at 1200ms for 3000ms; partition {n0,n1} at 500ms for 2000ms"}.
 *
 * @param faults the faults, kept in start-time order
 */
public record FaultPlan(List<Fault> faults) {
    private static final Pattern ONE = Pattern.compile(
            "(crash|pause) n(\\d+) at (\\d+)ms for (\\d+)ms|partition \\{([n0-9,\\s]+)} at (\\d+)ms for (\\d+)ms");

    public FaultPlan {
        List<Fault> sorted = new ArrayList<>(faults);
        sorted.sort(Comparator.comparingLong(Fault::atMs)); // stable: equal times keep their order
        faults = List.copyOf(sorted);
    }

    /** No faults. */
    public static FaultPlan none() {
        return new FaultPlan(List.of());
    }

    public static FaultPlan of(Fault... faults) {
        return new FaultPlan(List.of(faults));
    }

    /** When the last fault is over (0 without faults), in virtual ms after the kit started. */
    public long endMs() {
        long end = 0;
        for (Fault f : faults) end = Math.max(end, f.endMs());
        return end;
    }

    /** Fails unless every fault names runtime nodes {@code 0..nodes-1}, and no partition cuts off every node. */
    public void checkFits(int nodes) {
        for (Fault f : faults) {
            if (f.nodes().last() >= nodes) {
                throw new IllegalArgumentException("fault '" + f + "' names a node beyond n" + (nodes - 1) + " (the cluster has "
                        + nodes + " runtime nodes)");
            }
            if (f instanceof Fault.Partition && f.nodes().size() >= nodes) {
                throw new IllegalArgumentException("partition '" + f + "' puts every node on one side: nothing is cut");
            }
        }
    }

    /** Reads the text form ({@link #toString()}); faults separated by {@code ;}; {@code "none"} or blank is no faults. */
    public static FaultPlan parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.equals("none")) return none();
        List<Fault> out = new ArrayList<>();
        for (String part : t.split(";")) {
            Matcher m = ONE.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("cannot read fault '" + part.strip() + "': expected 'crash nI at Tms for Dms', "
                        + "'pause nI at Tms for Dms' or 'partition {nI,nJ} at Tms for Dms'");
            }
            if (m.group(1) != null) {
                int node = Integer.parseInt(m.group(2));
                long at = Long.parseLong(m.group(3));
                long duration = Long.parseLong(m.group(4));
                out.add(m.group(1).equals("crash") ? new Fault.Crash(node, at, duration) : new Fault.Pause(node, at, duration));
            } else {
                SortedSet<Integer> side = new TreeSet<>();
                for (String n : m.group(5).split(",")) side.add(Integer.parseInt(n.strip().substring(1)));
                out.add(new Fault.Partition(side, Long.parseLong(m.group(6)), Long.parseLong(m.group(7))));
            }
        }
        return new FaultPlan(out);
    }

    @Override
    public String toString() {
        if (faults.isEmpty()) return "none";
        StringBuilder b = new StringBuilder();
        for (Fault f : faults) {
            if (!b.isEmpty()) b.append("; ");
            b.append(f);
        }
        return b.toString();
    }
}
