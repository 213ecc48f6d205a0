package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import java.util.Locale;

/**
 * The ranges of the flags that size a run or a sweep, checked before anything runs, each refusal
 * one line naming the limit and why (a value outside them used to end in a stack trace deep in a
 * scenario, or in a run that silently proved nothing).
 */
final class Limits {
    private Limits() {}

    /**
     * The shortest {@code --until-ms}: every scenario splits its run into phases by percent (faults
     * until 60%, heal, restart, workload stop near 66%, final reads, end), and below this they
     * collapse onto one another.
     */
    static final long MIN_UNTIL_MS = 100;
    /**
     * The longest {@code --until-ms}, about 11.6 simulated days: the clock counts nanoseconds in 64
     * bits and the phases and deadlines are computed from the budget with room to spare.
     */
    static final long MAX_UNTIL_MS = 1_000_000_000L;
    /** The most runs one sweep makes; a longer hunt is split into several sweeps. */
    static final long MAX_SWEEP_RUNS = 10_000_000L;
    /** The most seeds a bug-table hunt tries per bug. */
    static final int MAX_HUNT_SEEDS = 1_000_000;

    /** {@code --until-ms}: 0 (the scenario's default) or within the limits above. */
    static long untilMs(long untilMs) {
        if (untilMs == 0 || (untilMs >= MIN_UNTIL_MS && untilMs <= MAX_UNTIL_MS)) return untilMs;
        String why = untilMs < MIN_UNTIL_MS
                ? "shorter runs leave no room for a scenario's phases (faults, heal, restart, workload stop, final reads)"
                : "longer ones overflow the simulated nanosecond clock";
        throw new UserError("--until-ms must be 0 (the scenario's default) or " + MIN_UNTIL_MS + ".." + MAX_UNTIL_MS
                + " simulated ms, got " + untilMs + ": " + why);
    }

    /** {@code --max-events}: at least 1 (a budget too small for the run makes it INCONCLUSIVE, not a pass). */
    static long maxEvents(long maxEvents) {
        if (maxEvents < 1) throw new UserError("--max-events must be at least 1, got " + maxEvents);
        return maxEvents;
    }

    /** {@code --faults}: an empty value is refused rather than read as swarm. */
    static FaultSelection faults(String text) {
        if (text == null || text.isBlank()) {
            throw new UserError("--faults is empty: give profiles, profile:NAME, swarm, none, all, all-unbudgeted, or a comma "
                    + "list such as crash,disk,partition");
        }
        try {
            FaultSelection selection = FaultSelection.parse(text);
            if (selection.mode() == FaultSelection.Mode.PROFILE) {
                dev.duro.faults.FaultProfile.byName(selection.names().iterator().next()); // an unknown profile fails here
            }
            return selection;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** {@code --nodes}: 0 (the scenario's default), 1 (one node) or a cluster of 3 or more. */
    static int nodes(int nodes) {
        if (nodes == 0 || nodes == 1 || (nodes >= 3 && nodes <= RunConfig.MAX_NODES)) return nodes;
        throw new UserError("--nodes must be 1 (one node on its own disk log) or 3.." + RunConfig.MAX_NODES
                + " (a cluster: every object's log has 3 replicas), or 0 for the scenario's default; got " + nodes
                + (nodes == 2 ? " (two nodes cannot hold 3 replicas)" : ""));
    }

    /** {@code --jobs}: 0 (the processors) up to four threads per processor; more only add memory. */
    static int jobs(int jobs) {
        int max = maxJobs();
        if (jobs < 0 || jobs > max) {
            throw new UserError("--jobs must be 0 (the " + SweepEngine.defaultThreads() + " available processors) or 1.." + max
                    + " (4 per processor: each run holds a whole simulated cluster in memory), got " + jobs);
        }
        return jobs == 0 ? SweepEngine.defaultThreads() : jobs;
    }

    static int maxJobs() {
        return 4 * SweepEngine.defaultThreads();
    }

    /** The number of seeds in an inclusive unsigned range, or -1 when it does not fit in a signed long. */
    static long seedCount(long[] range) {
        long span = range[1] - range[0]; // unsigned
        return Long.compareUnsigned(span, Long.MAX_VALUE - 1) >= 0 ? -1 : span + 1;
    }

    /** Refuses a sweep of more than {@link #MAX_SWEEP_RUNS} runs, saying how to split it. */
    static long sweepRuns(String seedsFlag, long[] range, int scenarios) {
        long seeds = seedCount(range);
        if (seeds > 0 && seeds <= MAX_SWEEP_RUNS / scenarios) return seeds * scenarios;
        long perSweep = MAX_SWEEP_RUNS / scenarios;
        String count = seeds > 0 ? String.valueOf(seeds) : Long.toUnsignedString(range[1] - range[0]) + "+1";
        throw new UserError(String.format(Locale.ROOT, "--seeds %s is %s seeds x %d scenario(s); one sweep makes at most %d runs: "
                        + "split it into sweeps of at most %d seeds, e.g. --seeds %s..%s, then --seeds %s..%s", seedsFlag, count,
                scenarios, MAX_SWEEP_RUNS, perSweep, Long.toUnsignedString(range[0]), Long.toUnsignedString(range[0] + perSweep - 1),
                Long.toUnsignedString(range[0] + perSweep), Long.toUnsignedString(atMost(range[0] + 2 * perSweep - 1, range[1]))));
    }

    /** The unsigned smaller of the two (a suggested range must not wrap past the end of the asked one). */
    private static long atMost(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
