package dev.duro.sim.run;

import dev.duro.model.util.Invariants;
import java.util.List;
import java.util.TreeSet;

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
 * @param nodes runtime nodes for scenarios that run the platform; 0 means the scenario's default
 *     (object scenarios: a 5-node cluster; 1 is the single-node path)
 * @param bugs planted runtime bugs by their CLI names ({@code ack-before-quorum}, ...), sorted and
 *     distinct; the scenario maps and validates them (this module does not know the runtime)
 * @param clockDriftBeyondBound when true the nemesis draws clock drift far beyond the cluster's
 *     configured bound, on purpose, to show which guarantee the bound buys
 * @param locations the cluster members' locations as the CLI's {@code --locations} spec ({@code 2},
 *     or {@code weur=0,1,2;enam=3,4}); empty for none (the default, every run as before). The
 *     scenario parses and validates it against its node count (this module does not know the runtime)
 */
public record RunConfig(long seed, String scenario, long untilMs, long maxEvents, FaultSelection faults, int ringCapacity,
                        int nodes, List<String> bugs, boolean clockDriftBeyondBound, String locations) {
    public static final long DEFAULT_MAX_EVENTS = 20_000_000L;
    public static final int DEFAULT_RING = 1024;
    /** The most runtime nodes a run may have. */
    public static final int MAX_NODES = 9;

    public RunConfig {
        Invariants.check(scenario != null && !scenario.isEmpty(), "scenario must be named");
        Invariants.check(untilMs >= 0, "untilMs must be >= 0 (0 = scenario default), got %d", untilMs);
        Invariants.check(maxEvents > 0, "maxEvents must be > 0, got %d", maxEvents);
        Invariants.check(faults != null, "faults must be set");
        Invariants.check(ringCapacity > 0, "ring capacity must be > 0");
        Invariants.check(nodes >= 0 && nodes <= MAX_NODES, "nodes must be in 0..%d (0 = scenario default), got %d",
                MAX_NODES, nodes);
        Invariants.check(bugs != null, "bugs must be set (empty for none)");
        for (String b : bugs) Invariants.check(b != null && !b.isBlank() && !b.contains(" "), "bad bug name '%s'", b);
        bugs = List.copyOf(new TreeSet<>(bugs));
        Invariants.check(locations != null, "locations must be set (empty for none)");
        Invariants.check(locations.chars().noneMatch(Character::isWhitespace), "bad locations spec '%s': no spaces", locations);
    }

    /** Without the cluster settings: the scenario's default node count, no planted bug, drift within the bound. */
    public RunConfig(long seed, String scenario, long untilMs, long maxEvents, FaultSelection faults, int ringCapacity) {
        this(seed, scenario, untilMs, maxEvents, faults, ringCapacity, 0, List.of(), false, "");
    }

    public static RunConfig of(long seed, String scenario) {
        return new RunConfig(seed, scenario, 0, DEFAULT_MAX_EVENTS, FaultSelection.SWARM, DEFAULT_RING);
    }

    public RunConfig withSeed(long s) {
        return new RunConfig(s, scenario, untilMs, maxEvents, faults, ringCapacity, nodes, bugs, clockDriftBeyondBound, locations);
    }

    public RunConfig withScenario(String name) {
        return new RunConfig(seed, name, untilMs, maxEvents, faults, ringCapacity, nodes, bugs, clockDriftBeyondBound, locations);
    }

    public RunConfig withUntilMs(long ms) {
        return new RunConfig(seed, scenario, ms, maxEvents, faults, ringCapacity, nodes, bugs, clockDriftBeyondBound, locations);
    }

    public RunConfig withMaxEvents(long events) {
        return new RunConfig(seed, scenario, untilMs, events, faults, ringCapacity, nodes, bugs, clockDriftBeyondBound, locations);
    }

    public RunConfig withFaults(FaultSelection selection) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, selection, ringCapacity, nodes, bugs, clockDriftBeyondBound, locations);
    }

    public RunConfig withRingCapacity(int capacity) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, faults, capacity, nodes, bugs, clockDriftBeyondBound, locations);
    }

    /** {@code n} runtime nodes (0: the scenario's default). */
    public RunConfig withNodes(int n) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, faults, ringCapacity, n, bugs, clockDriftBeyondBound, locations);
    }

    /** Planted bugs by CLI name. */
    public RunConfig withBugs(List<String> names) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, faults, ringCapacity, nodes, names, clockDriftBeyondBound, locations);
    }

    public RunConfig withClockDriftBeyondBound(boolean on) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, faults, ringCapacity, nodes, bugs, on, locations);
    }

    /** Members' locations as a {@code --locations} spec (empty: none). */
    public RunConfig withLocations(String spec) {
        return new RunConfig(seed, scenario, untilMs, maxEvents, faults, ringCapacity, nodes, bugs, clockDriftBeyondBound, spec);
    }

    /** True when the run's cluster members have locations. */
    public boolean located() {
        return !locations.isEmpty();
    }

    /** The node count this run uses: the config's, or {@code scenarioDefault} when it says 0. */
    public int nodesOr(int scenarioDefault) {
        return nodes > 0 ? nodes : scenarioDefault;
    }

    /**
     * For scenarios that do not run the platform (no runtime nodes to count, no runtime to plant
     * bugs in): rejects the settings that would silently do nothing, saying why.
     */
    public void requireNoPlatformSettings(String why) {
        if (nodes != 0 || !bugs.isEmpty() || clockDriftBeyondBound || located()) {
            throw new IllegalArgumentException("scenario '" + scenario + "' takes no --nodes, --bug, --clock-drift-beyond-bound or --locations ("
                    + why + "); use an object scenario (kv, counter, bank, chat, rate-limiter, scheduler)");
        }
    }

    /** The seed as the CLI prints and parses it (unsigned decimal). */
    public String seedText() {
        return Long.toUnsignedString(seed);
    }

    /** The command line that reproduces this run, with every setting that changes it. */
    public String repro(long resolvedUntilMs) {
        StringBuilder b = new StringBuilder("./duro sim run --seed ").append(seedText()).append(" --scenario ").append(scenario)
                .append(" --until-ms ").append(resolvedUntilMs).append(" --max-events ").append(maxEvents)
                .append(" --faults ").append(faults);
        if (nodes > 0) b.append(" --nodes ").append(nodes);
        for (String bug : bugs) b.append(" --bug ").append(bug);
        if (clockDriftBeyondBound) b.append(" --clock-drift-beyond-bound");
        // quoted when it holds more than letters and digits: ';' would end the command in a shell
        if (located()) b.append(" --locations ").append(locations.matches("[A-Za-z0-9]+") ? locations : "'" + locations + "'");
        return b.toString();
    }
}
