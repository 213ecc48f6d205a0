package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.runtime.PlantedBug;
import dev.duro.scenarios.BugHunts;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duro sim minimize-table}: {@code sim minimize} on every planted bug's first detection
 * (docs/bug-detection.md: its hunt's scenario and faults, at the seed the bug table caught it),
 * tabulated: the property, fault events and operations before and after, the other sizes after,
 * candidate runs and wall time.
 */
@Command(name = "minimize-table", mixinStandardHelpOptions = true,
        description = {"Minimize every planted bug's first detection (docs/bug-detection.md) and tabulate fault events and "
                + "operations before and after, and the wall time (markdown).",
                "Exit code: 0 when every minimized plan was verified, 1 otherwise."})
public class SimMinimizeTableCommand implements Callable<Integer> {
    /**
     * The seed at which {@code duro sim bug-table} first caught each bug under its hunt (the table
     * in docs/bug-detection.md; PlantedBugsTest pins the same seeds).
     */
    static final Map<PlantedBug, Long> FIRST_DETECTION = Map.ofEntries(
            Map.entry(PlantedBug.OUTPUT_GATE_OPEN_EARLY, 1L),
            Map.entry(PlantedBug.INPUT_GATE_OPEN, 1L),
            Map.entry(PlantedBug.ALARM_CLEARED_BEFORE_HANDLER, 3L),
            Map.entry(PlantedBug.LOG_ACK_BEFORE_FSYNC, 1L),
            Map.entry(PlantedBug.ACK_BEFORE_QUORUM, 27L),
            Map.entry(PlantedBug.STALE_EPOCH, 3L),
            Map.entry(PlantedBug.READ_WITHOUT_LEASE, 3L),
            Map.entry(PlantedBug.DROP_ALARM_ON_FAILOVER, 2L),
            Map.entry(PlantedBug.REPLAY_OUT_OF_ORDER, 4L),
            Map.entry(PlantedBug.NO_CHECKSUM, 38L),
            Map.entry(PlantedBug.SPLIT_BRAIN_AFTER_HEAL, 92L),
            Map.entry(PlantedBug.RELABEL_AFTER_REFUSED_APPEND, 161L));

    static final String BEGIN = "<!-- minimize-table:begin -->";
    static final String END = "<!-- minimize-table:end -->";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to FILE (markdown), between its '"
            + BEGIN + "' and '" + END + "' lines when it has them, else the whole file.")
    Path outFile;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "duro-runs/minimize",
            description = "Where each bug's run folder goes (DIR/<bug>); default: ${DEFAULT-VALUE}.")
    Path runs;

    @Option(names = "--bug", paramLabel = "NAME", description = "Only these bugs (repeatable); default: every planted bug.")
    List<String> only = new ArrayList<>();

    @Option(names = "--max-time", paramLabel = "S", defaultValue = "120",
            description = "Wall-time limit per bug in seconds; default: ${DEFAULT-VALUE}.")
    long maxTimeS;

    @Override
    public Integer call() {
        if (maxTimeS < 1 || maxTimeS > SimMinimizeCommand.MAX_TIME_S) {
            throw new UserError("--max-time must lie in 1.." + SimMinimizeCommand.MAX_TIME_S + " s, got " + maxTimeS);
        }
        if (outFile != null) SimBugTableCommand.checkWritable(outFile);
        List<BugHunts.Hunt> hunts = new ArrayList<>();
        for (BugHunts.Hunt h : BugHunts.all()) if (only.isEmpty() || only.contains(h.bug().cliName())) hunts.add(h);
        for (String name : only) {
            if (hunts.stream().noneMatch(h -> h.bug().cliName().equals(name))) {
                throw new UserError("--bug: unknown planted bug '" + name + "' ('duro sim bugs' lists them)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> rows = new ArrayList<>();
        List<String> repros = new ArrayList<>();
        boolean allVerified = true;
        for (BugHunts.Hunt h : hunts) {
            long seed = FIRST_DETECTION.get(h.bug());
            RunConfig config = RunConfig.of(seed, h.scenario()).withFaults(h.faults()).withBugs(List.of(h.bug().cliName()));
            StringWriter quiet = new StringWriter();
            SimMinimizeCommand.Report r = SimMinimizeCommand.minimize(ScenarioCatalogue.find(h.scenario()).orElseThrow(), config,
                    h.expected(), runs.resolve(h.bug().cliName()), maxTimeS, 100_000, (what, now) -> { }, new PrintWriter(quiet));
            allVerified &= r.verified();
            // The control: the same plan without the bug must not fail the property, or the smaller run shows
            // something other than the bug.
            Scenario scenario = ScenarioCatalogue.find(h.scenario()).orElseThrow();
            Minimizer control = new Minimizer(scenario, r.property(), Long.MAX_VALUE, 1, (what, now) -> { });
            Minimizer.Tried without = control.run(new Minimizer.Candidate(r.best().config().withBugs(List.of()), r.best().plan()));
            String controlled = without == null ? "cannot run" : control.failsSame(without.result()) ? "**fails too**" : "passes";
            String row = String.format(Locale.ROOT, "| `%s` | %s %d | %s | %d → %d | %d → %d | %d → %d | %s | %d | %.0f s | %s | %s | %s |",
                    h.bug().cliName(), h.scenario(), seed, r.property(), r.before().faults(), r.after().faults(), r.before().ops(),
                    r.after().ops(), r.before().standing(), r.after().standing(), r.after().clients() + " clients, "
                            + r.after().objects() + " objects, " + r.after().nodes() + " nodes, " + r.after().untilMs() + " ms",
                    r.runs(), r.seconds(), r.stoppedBy(), r.verified() ? "yes" : "**no**", controlled);
            rows.add(row);
            repros.add("- `" + h.bug().cliName() + "`: `" + r.repro() + "`");
            out.println(row);
            out.flush();
        }
        StringBuilder t = new StringBuilder();
        t.append("<!-- Generated by: ").append(commandLine()).append(" (wall times depend on the machine). -->\n\n");
        t.append("| bug | scenario, seed | property | fault events | operations | standing faults | after: clients, objects, nodes, "
                + "length | candidate runs | wall time | stopped by | verified | same plan without the bug |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String row : rows) t.append(row).append('\n');
        t.append("\nThe minimized runs (each line replays its plan once the table command has written it):\n\n");
        for (String line : repros) t.append(line).append('\n');
        if (outFile != null) SimBugTableCommand.write(outFile, t.toString(), BEGIN, END);
        return allVerified ? 0 : 1;
    }

    String commandLine() {
        StringBuilder b = new StringBuilder("./duro sim minimize-table");
        for (String bug : only) b.append(" --bug ").append(bug);
        if (maxTimeS != 120) b.append(" --max-time ").append(maxTimeS);
        if (!runs.equals(Path.of("duro-runs/minimize"))) b.append(" --runs ").append(runs);
        return b.append(" --out FILE").toString();
    }
}
