package dev.duro.scenarios;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Failures the sweeps found that come from runtime bugs not fixed yet, each reported to the owner
 * of the code with a reproduction line. A failing run is tolerated only when every one of its
 * violations matches an entry that applies to it; an entry that matched no run of a sweep is
 * reported as stale (fixed? remove it), so the list cannot outlive the bugs. Every other failure
 * fails the sweep.
 *
 * <p>Entries name a class of failures (scenario, path, and which violations), not single seeds:
 * every change to the runtime moves which seeds hit a bug, a class stays put until fixed.
 */
final class KnownRuntimeBugs {
    /**
     * @param id a short name, printed when it matched
     * @param scenarios the scenarios it applies to
     * @param nodes the runtime nodes it applies to (1 or 5)
     * @param faults the fault selection as typed, or empty for any
     * @param seeds the seeds, or empty for every seed
     * @param violation which violations it explains
     * @param alwaysShows false when whether it shows depends on more than the run (then it is never stale)
     * @param why what goes wrong and where, for whoever fixes it
     */
    record Entry(String id, Set<String> scenarios, int nodes, String faults, Set<Long> seeds, Predicate<Violation> violation,
                 boolean alwaysShows, String why) {
        boolean appliesTo(String scenario, int runNodes, String runFaults, long seed) {
            return scenarios.contains(scenario) && nodes == runNodes && (faults.isEmpty() || faults.equals(runFaults))
                    && (seeds.isEmpty() || seeds.contains(seed));
        }
    }

    private static final Set<String> ALL = ScenarioSeedsProperties.OBJECT_SCENARIOS;

    // None known now: add an entry (with its reproduction line) when a sweep finds one.
    private static final List<Entry> ENTRIES = List.of();

    private KnownRuntimeBugs() {}

    /** The entry explaining {@code v} in that run, or null. */
    static Entry explaining(String scenario, int nodes, String faults, long seed, Violation v) {
        for (Entry e : ENTRIES) if (e.appliesTo(scenario, nodes, faults, seed) && e.violation().test(v)) return e;
        return null;
    }

    static List<Entry> all() {
        return ENTRIES;
    }
}
