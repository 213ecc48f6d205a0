package dev.duro.testkit;

import dev.duro.scenarios.testkit.Fault;
import dev.duro.scenarios.testkit.FaultPlan;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;
import java.util.TreeSet;

/**
 * jqwik arbitraries for {@link dev.duro.scenarios.testkit.ClusterTestKit}'s fault plans. A plan
 * is a list of faults, each a crash, a pause or a partition of a minority of the runtime nodes,
 * starting within the window and lasting a while; jqwik shrinks a failing plan toward fewer
 * faults, each earlier and shorter, on lower-numbered nodes, and smaller partitions.
 */
public final class DuroArbitraries {
    /** The shortest fault (ms): what durations shrink to. */
    public static final long MIN_FAULT_MS = 100;
    /** Faults in a plan unless said otherwise. */
    public static final int DEFAULT_MAX_FAULTS = 3;

    private DuroArbitraries() {
    }

    /** Plans of 0 to {@value #DEFAULT_MAX_FAULTS} faults on {@code nodes} runtime nodes, each starting in {@code [0, windowMs)}. */
    public static Arbitrary<FaultPlan> faultPlans(int nodes, long windowMs) {
        return faultPlans(nodes, windowMs, DEFAULT_MAX_FAULTS);
    }

    /**
     * Plans of 0 to {@code maxFaults} faults on {@code nodes} runtime nodes, each starting in
     * {@code [0, windowMs)} and lasting {@value #MIN_FAULT_MS} ms to half the window; faults may
     * overlap (two crashes at once can leave an object without a quorum for a while: calls then
     * fail, and must not lie).
     */
    public static Arbitrary<FaultPlan> faultPlans(int nodes, long windowMs, int maxFaults) {
        Arbitrary<List<Fault>> list = faults(nodes, windowMs).list().ofMaxSize(maxFaults);
        // Combined, not mapped: jqwik 1.9.3's shrinker "shrinks one parameter and grows another", and
        // grows a list with the elements another list parameter shed (a workload's List<Op>), whatever
        // their type; a combined shrinkable does not offer to grow, so the plan only ever holds faults.
        return Combinators.combine(List.of(list)).as(parts -> new FaultPlan(parts.getFirst()));
    }

    /** One fault: a crash, a pause, or a partition cutting off a minority (1 to (nodes-1)/2 nodes). */
    public static Arbitrary<Fault> faults(int nodes, long windowMs) {
        if (nodes < 3) throw new IllegalArgumentException("a cluster kit has 3 or more nodes, got " + nodes);
        if (windowMs <= MIN_FAULT_MS) throw new IllegalArgumentException("the window must be longer than " + MIN_FAULT_MS + " ms");
        Arbitrary<Integer> node = Arbitraries.integers().between(0, nodes - 1);
        Arbitrary<Long> at = Arbitraries.longs().between(0, windowMs - 1);
        Arbitrary<Long> duration = Arbitraries.longs().between(MIN_FAULT_MS, Math.max(MIN_FAULT_MS, windowMs / 2));
        Arbitrary<Fault> crash = Combinators.combine(node, at, duration).as(Fault.Crash::new);
        Arbitrary<Fault> pause = Combinators.combine(node, at, duration).as(Fault.Pause::new);
        Arbitrary<Fault> partition = Combinators.combine(node.set().ofMinSize(1).ofMaxSize((nodes - 1) / 2), at, duration)
                .as((side, a, d) -> new Fault.Partition(new TreeSet<>(side), a, d));
        return Arbitraries.oneOf(crash, pause, partition);
    }
}
