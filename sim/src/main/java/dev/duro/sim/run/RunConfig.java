package dev.duro.sim.run;

import dev.duro.model.util.Invariants;

/**
 * Everything that determines a run: with the same {@code RunConfig} a scenario produces the same
 * trace and digest on any machine.
 *
 * @param seed the root seed
 * @param scenario scenario name
 * @param untilMs simulated-time budget in milliseconds; 0 means the scenario's default
 * @param maxEvents event budget (queue entries)
 * @param faults which fault kinds may be used
 * @param ringCapacity how many recent trace events to keep in memory (does not change the run)
 */
public record RunConfig(long seed, String scenario, long untilMs, long maxEvents, FaultSelection faults, int ringCapacity) {
    public static final long DEFAULT_MAX_EVENTS = 20_000_000L;
    public static final int DEFAULT_RING = 1024;

    public RunConfig {
        Invariants.check(scenario != null && !scenario.isEmpty(), "scenario must be named");
        Invariants.check(untilMs >= 0, "untilMs must be >= 0 (0 = scenario default), got %d", untilMs);
        Invariants.check(maxEvents > 0, "maxEvents must be > 0, got %d", maxEvents);
        Invariants.check(faults != null, "faults must be set");
        Invariants.check(ringCapacity > 0, "ring capacity must be > 0");
    }

    public static RunConfig of(long seed, String scenario) {
        return new RunConfig(seed, scenario, 0, DEFAULT_MAX_EVENTS, FaultSelection.SWARM, DEFAULT_RING);
    }

    public RunConfig withUntilMs(long ms) {
        return new RunConfig(seed, scenario, ms, maxEvents, faults, ringCapacity);
    }

    public RunConfig withMaxEvents(long events) {
        return new RunConfig(seed, scenario, untilMs, events, faults, ringCapacity);
    }

    public RunConfig withFaults(FaultSelection selection) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, selection, ringCapacity);
    }

    public RunConfig withRingCapacity(int capacity) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, faults, capacity);
    }

    /** The seed as the CLI prints and parses it (unsigned decimal). */
    public String seedText() {
        return Long.toUnsignedString(seed);
    }

    /** The command line that reproduces this run, with every setting that changes it. */
    public String repro(long resolvedUntilMs) {
        return "./duro sim run --seed " + seedText() + " --scenario " + scenario + " --until-ms " + resolvedUntilMs
                + " --max-events " + maxEvents + " --faults " + faults;
    }
}
