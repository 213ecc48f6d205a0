package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
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
            description = "Simulated-time budget in ms; 0 = the scenario's default.")
    long untilMs;

    @Option(names = "--max-events", paramLabel = "E", defaultValue = "" + RunConfig.DEFAULT_MAX_EVENTS,
            description = "Event budget (queue entries); default: ${DEFAULT-VALUE}.")
    long maxEvents;

    @Option(names = "--faults", paramLabel = "F", defaultValue = "swarm",
            description = "swarm (each seed picks), none, all, or a comma list of: "
                    + "loss, dup, reorder, partition, clog, crash, pause, clock, buggify, disk.")
    String faults;

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
        if (untilMs < 0) throw new UserError("--until-ms must be >= 0 (0 = scenario default), got " + untilMs);
        if (maxEvents <= 0) throw new UserError("--max-events must be > 0, got " + maxEvents);
        FaultSelection selection;
        try {
            selection = FaultSelection.parse(faults);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        return new RunConfig(s, scenario, untilMs, maxEvents, selection, RunConfig.DEFAULT_RING);
    }
}
