package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.faults.NemesisPlan;
import dev.duro.runtime.PlantedBug;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.scenarios.frame.LocationSpec;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that define a run, shared by {@code sim run}, {@code sim replay} and {@code sim double-run}. */
public final class RunOptions {
    @Option(names = "--seed", required = true, paramLabel = "N",
            description = "Root seed: unsigned decimal (42) or hex with 0x (0x2a), up to 64 bits.")
    String seed;

    @Option(names = "--scenario", paramLabel = "S", description = "Scenario name (see 'duro sim scenarios'); default: ${DEFAULT-VALUE}.",
            defaultValue = ScenarioCatalogue.DEFAULT)
    String scenario;

    @Option(names = "--until-ms", paramLabel = "T", defaultValue = "0",
            description = "Simulated-time budget in ms: 0 = the scenario's default, else " + Limits.MIN_UNTIL_MS + ".."
                    + Limits.MAX_UNTIL_MS + ".")
    long untilMs;

    @Option(names = "--max-events", paramLabel = "E", defaultValue = "" + RunConfig.DEFAULT_MAX_EVENTS,
            description = "Event budget (queue entries); a run that spends it before its end is INCONCLUSIVE (exit 6); "
                    + "default: ${DEFAULT-VALUE}.")
    long maxEvents;

    @Option(names = "--faults", paramLabel = "F", defaultValue = "profiles",
            description = "profiles (the seed picks a fault profile: swarm, partition, partition-pause, crash-disk, clock, "
                    + "buggify, deep), profile:NAME (those, or mild), swarm (the seed picks each kind), none, all (every kind, "
                    + "within a fault budget that keeps a cluster's majority up), all-unbudgeted, or a comma list of: "
                    + "loss, dup, reorder, partition, clog, crash, pause, clock, buggify, disk.")
    String faults;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "0",
            description = "Runtime nodes (object scenarios): 1 = one node on its own disk log; 3 or more = a cluster with "
                    + "3 replicas per object; default 0 = the scenario's own (a 5-node cluster).")
    int nodes;

    @Option(names = "--bug", paramLabel = "NAME",
            description = "Plant a runtime bug by name (repeatable; object scenarios only); 'duro sim bugs' lists them.")
    List<String> bugs = new ArrayList<>();

    @Option(names = "--clock-drift-beyond-bound",
            description = "Draw clock drift far beyond the cluster's bound (" + NemesisPlan.BEYOND_BOUND_DRIFT_PPM / 2 + " to "
                    + NemesisPlan.BEYOND_BOUND_DRIFT_PPM + " ppm either way), on purpose: shows "
                    + "which guarantee the bound buys (single activation, P3; see docs/cluster.md).")
    boolean clockDriftBeyondBound;

    @Option(names = "--locations", paramLabel = "SPEC",
            description = "Give the cluster's members locations (object scenarios on a cluster): a count K splits them "
                    + "round-robin into loc0..loc(K-1); or label=i,j;label=k,... names every member once (quote it: "
                    + "'weur=0,1,2;enam=3,4'). Each object is located by a draw from the seed and its name.")
    String locations = "";

    /** Parses {@code 42} or {@code 0x2a}; anything else is a one-line user error. */
    public static long parseSeed(String text) {
        String t = text.trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                String hex = t.substring(2);
                if (hex.isEmpty() || hex.length() > 16) throw new NumberFormatException();
                return Long.parseUnsignedLong(hex, 16);
            }
            if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) throw new NumberFormatException();
            return Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new UserError("malformed --seed '" + text + "': expected an unsigned decimal (42) or 0x-hex (0x2a) of at most 64 bits");
        }
    }

    Scenario scenario() {
        return ScenarioCatalogue.find(scenario).orElseThrow(() -> new UserError("unknown scenario '" + scenario
                + "' (known: " + String.join(", ", ScenarioCatalogue.names()) + ")"));
    }

    RunConfig config() {
        long s = parseSeed(seed);
        scenario(); // validate the name first: the clearest error wins
        Limits.untilMs(untilMs);
        Limits.maxEvents(maxEvents);
        FaultSelection selection = Limits.faults(faults);
        RunConfig config = new RunConfig(s, scenario, untilMs, maxEvents, selection, RunConfig.DEFAULT_RING);
        return platformSettings(scenario(), config, nodes, bugs, clockDriftBeyondBound, locations);
    }

    /**
     * Adds {@code --nodes}, {@code --bug} and {@code --clock-drift-beyond-bound} to {@code config},
     * checking them against {@code target}: one line naming what was wrong otherwise.
     */
    static RunConfig platformSettings(Scenario target, RunConfig config, int nodes, List<String> bugs, boolean beyondBound) {
        return platformSettings(target, config, nodes, bugs, beyondBound, "");
    }

    /** As above, with {@code --locations} ({@code ""}: none), parsed against the run's node count. */
    static RunConfig platformSettings(Scenario target, RunConfig config, int nodes, List<String> bugs, boolean beyondBound,
                                      String locations) {
        boolean platform = target instanceof ObjectScenario;
        boolean located = locations != null && !locations.isEmpty();
        Limits.nodes(nodes);
        if (!platform && (nodes != 0 || !bugs.isEmpty() || beyondBound || located)) {
            throw new UserError("scenario '" + target.name() + "' does not run the platform, so it takes no --nodes, --bug, "
                    + "--clock-drift-beyond-bound or --locations; use an object scenario (kv, counter, bank, chat, rate-limiter, "
                    + "scheduler)");
        }
        for (String b : bugs) {
            try {
                PlantedBug.byName(b);
            } catch (IllegalArgumentException e) {
                throw new UserError("--bug: " + e.getMessage() + " ('duro sim bugs' describes them)");
            }
        }
        int resolved = nodes == 0 ? target.defaultNodes() : nodes;
        if (beyondBound && resolved < 3) {
            throw new UserError("--clock-drift-beyond-bound needs a cluster (leases exist only there): use --nodes 3 or more");
        }
        String spec = located ? locations.trim() : "";
        if (located) {
            if (resolved < 2) {
                throw new UserError("--locations needs a cluster (one node has no members to locate): use --nodes 3 or more, "
                        + "or leave --nodes out (the scenario's " + target.defaultNodes() + " nodes)");
            }
            if (spec.chars().anyMatch(Character::isWhitespace)) {
                throw new UserError("malformed --locations '" + locations + "': no spaces (e.g. 2, or 'weur=0,1,2;enam=3,4')");
            }
            try {
                LocationSpec.parse(spec, resolved);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        return config.withNodes(nodes).withBugs(bugs).withClockDriftBeyondBound(beyondBound).withLocations(spec);
    }
}
