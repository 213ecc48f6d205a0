package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.runtime.PlantedBug;
import dev.duro.scenarios.BugHunts;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code duro sim bug-table}: for each planted bug, sweeps the scenario and fault mix of its hunt
 * ({@link BugHunts}) from seed 1 until the first run with a violation that the same run without
 * the bug does not have (the control: failures the bug did not cause do not count), at most
 * {@code --seeds},
 * and tabulates whether it was found, after how many seeds and how much wall time, and by which
 * property. The figures the project tracks to show the testbed has teeth.
 */
@Command(name = "bug-table", mixinStandardHelpOptions = true,
        description = {"For each planted bug, sweep its natural scenario until the first violation and tabulate "
                + "found?, seeds and wall time to the first detection, and the property that caught it (markdown).",
                "A detection counts when a property the bug is expected to break fails in a run and not in the same run "
                    + "without the bug.", "Exit code: 0 when every bug was found, 1 when some was not.",
                "On a terminal, progress (seeds tried, rate, time left) goes to stderr; --no-progress turns it off."})
public class SimBugTableCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1000",
            description = "Most seeds to try per bug (from seed 1), 1.." + Limits.MAX_HUNT_SEEDS + "; default: ${DEFAULT-VALUE}.")
    int maxSeeds;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table, with how it was made, to FILE "
            + "(markdown): between its '" + "<!-- bug-table:begin -->" + "' and '" + "<!-- bug-table:end -->" + "' lines when it has them, else the whole file.")
    Path outFile;

    @Option(names = "--bug", paramLabel = "NAME", description = "Only these bugs (repeatable); default: every planted bug.")
    List<String> only = new ArrayList<>();

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "0",
            description = "Runtime nodes (default 0 = the scenarios' own, a 5-node cluster; 1 = single node).")
    int nodes;

    @Option(names = "--faults", paramLabel = "F",
            description = "Override every hunt's fault mix (e.g. swarm, the default sweep); default: each hunt's own.")
    String faults;

    @Option(names = "--default-sweep", description = "Hunt each bug with the default sweep instead of its own hunt: every object "
            + "scenario (and each on one node, unless --nodes or --no-single-node), seed by seed, under --faults (default "
            + "profiles); a detection is any violation the same run without the bug does not have.")
    boolean defaultSweep;

    @Option(names = "--single-node", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --default-sweep: also the single-node entries (default); --no-single-node: clusters only.")
    boolean singleNode;

    @Option(names = "--until-ms", paramLabel = "T", defaultValue = "0", description = "Simulated time per run in ms: 0 = the "
            + "scenario's default, else " + Limits.MIN_UNTIL_MS + ".." + Limits.MAX_UNTIL_MS + ".")
    long untilMs;

    @Option(names = "--jobs", paramLabel = "J", defaultValue = "0",
            description = "Runs at once, at most 4 per processor; default 0 = the processors.")
    int jobs;

    @Option(names = "--progress", negatable = true,
            description = "Show progress on stderr (default: only when stdout is a terminal).")
    Boolean progress;

    /**
     * One row: found (by an expected property), after how many seeds and how long, by which
     * property; and the first detection by another property on the way, if any (a note: such a
     * failure may be the bug's, or a failure the bug's changed trace merely happened to hit).
     */
    record Row(BugHunts.Hunt hunt, String scenario, String faults, boolean found, long seeds, long wallMs, String property,
               String repro, String violation, String otherFirst) {}

    @Override
    public Integer call() {
        if (maxSeeds < 1 || maxSeeds > Limits.MAX_HUNT_SEEDS) {
            throw new UserError("--seeds must be 1.." + Limits.MAX_HUNT_SEEDS + " per bug, got " + maxSeeds);
        }
        int threads = Limits.jobs(jobs);
        Limits.untilMs(untilMs);
        Limits.nodes(nodes);
        FaultSelection override = faults == null ? (defaultSweep ? FaultSelection.PROFILES : null) : Limits.faults(faults);
        if (outFile != null) checkWritable(outFile); // before the hunt, not after it
        List<BugHunts.Hunt> hunts = new ArrayList<>();
        if (only.isEmpty()) {
            hunts.addAll(BugHunts.all());
        } else {
            for (String name : only) {
                try {
                    hunts.add(BugHunts.of(PlantedBug.byName(name)));
                } catch (IllegalArgumentException e) {
                    throw new UserError("--bug: " + e.getMessage());
                }
            }
        }
        // Every hunt's settings are checked before the first run, so a bad flag never costs a hunt.
        for (BugHunts.Hunt h : hunts) huntConfig(h, override == null ? h.faults() : override);
        PrintWriter out = spec.commandLine().getOut();
        out.println("duro sim bug-table: up to " + maxSeeds + " seeds per bug, " + threads + " job(s)"
                + (nodes != 0 ? ", nodes " + nodes : "") + (override != null ? ", faults " + override : ""));
        out.flush();
        List<Row> rows = new ArrayList<>();
        Progress bar = Progress.of(progress, false, spec.commandLine().getErr(), "", 0);
        for (BugHunts.Hunt h : hunts) {
            bar = bar.next("seeds of " + h.bug().cliName() + " (bug " + (rows.size() + 1) + " of " + hunts.size() + ")", maxSeeds, true);
            Row row = defaultSweep ? sweepHunt(h, override, threads, bar) : hunt(h, override == null ? h.faults() : override, threads, bar);
            bar.clear();
            rows.add(row);
            out.println(String.format(Locale.ROOT, "%-24s %-10s %-22s %s", h.bug().cliName(), row.scenario(), row.faults(),
                    (row.found() ? "found at seed " + row.seeds() + " in " + row.wallMs() + " ms by " + row.property()
                            + "\n    " + row.violation() + "\n    repro: " + row.repro()
                            : "NOT found in " + row.seeds() + " seeds (" + row.wallMs() + " ms)")
                            + (row.otherFirst().isEmpty() ? "" : "\n    before that, another property: " + row.otherFirst())));
            out.flush();
        }
        String table = table(rows);
        out.println();
        out.print(table);
        out.flush();
        if (outFile != null) write(outFile, document(rows, table, threads));
        return rows.stream().allMatch(Row::found) ? 0 : 1;
    }

    /** The control config of a hunt (its runs without the bug), with every flag checked against its scenario. */
    private RunConfig huntConfig(BugHunts.Hunt h, FaultSelection selection) {
        Scenario s = ScenarioCatalogue.find(h.scenario()).orElseThrow();
        return RunOptions.platformSettings(s, RunConfig.of(1, s.name()).withUntilMs(untilMs).withFaults(selection),
                nodes, List.of(), false);
    }

    private Row hunt(BugHunts.Hunt h, FaultSelection selection, int threads, Progress bar) {
        Scenario s = ScenarioCatalogue.find(h.scenario()).orElseThrow();
        RunConfig control = huntConfig(h, selection);
        RunConfig base = control.withBugs(List.of(h.bug().cliName()));
        Iterator<SweepEngine.Job> seeds = new Iterator<>() {
            long next = 1;

            @Override
            public boolean hasNext() {
                return next <= maxSeeds;
            }

            @Override
            public SweepEngine.Job next() {
                if (!hasNext()) throw new NoSuchElementException();
                long seed = next++;
                return new SweepEngine.Job(s, base.withSeed(seed), control.withSeed(seed));
            }
        };
        long start = WallClock.nanos();
        SweepEngine.Outcome[] hit = {null};
        String[] other = {""};
        long[] done = {0};
        int tried = new SweepEngine(threads).runUntil(seeds, o -> {
            bar.update(++done[0], -1); // a hunt stops at its first find: there is no failure count to show
            List<Violation> caused = o.newViolations();
            Violation expected = pick(caused, h.expected());
            if (expected == null) {
                if (!caused.isEmpty() && other[0].isEmpty()) {
                    other[0] = "seed " + o.job().config().seedText() + ": " + caused.get(0).property();
                }
                return false;
            }
            hit[0] = o;
            return true;
        });
        long wallMs = (WallClock.nanos() - start) / 1_000_000;
        if (hit[0] == null) return new Row(h, h.scenario(), selection.toString(), false, tried, wallMs, "-", "-", "-", other[0]);
        Violation v = pick(hit[0].newViolations(), h.expected());
        return new Row(h, h.scenario(), selection.toString(), true, hit[0].job().config().seed(), wallMs, v.property(),
                hit[0].repro(), v.toString(), other[0]);
    }

    /**
     * The bug hunted by the default sweep: for each seed from 1, every entry of {@code --scenario
     * all} over the object scenarios (single-node ones included), until a run has a violation its
     * control run does not.
     */
    private Row sweepHunt(BugHunts.Hunt h, FaultSelection selection, int threads, Progress bar) {
        List<SimSweepCommand.Entry> entries = SimSweepCommand.entries(SimSweepCommand.targets("all", true), nodes,
                SimSweepCommand.addsSingleNode("all", singleNode, nodes, false, ""));
        List<RunConfig> controls = new ArrayList<>();
        for (SimSweepCommand.Entry e : entries) {
            controls.add(RunOptions.platformSettings(e.scenario(), RunConfig.of(1, e.scenario().name()).withUntilMs(untilMs)
                    .withFaults(selection), e.nodes(), List.of(), false));
        }
        List<String> bug = List.of(h.bug().cliName());
        Iterator<SweepEngine.Job> jobs = new Iterator<>() {
            long seed = 1;
            int entry;

            @Override
            public boolean hasNext() {
                return seed <= maxSeeds;
            }

            @Override
            public SweepEngine.Job next() {
                if (!hasNext()) throw new NoSuchElementException();
                SimSweepCommand.Entry e = entries.get(entry);
                RunConfig control = controls.get(entry).withSeed(seed);
                SweepEngine.Job job = new SweepEngine.Job(e.scenario(), control.withBugs(bug), control, e.label());
                if (++entry == entries.size()) {
                    entry = 0;
                    seed++;
                }
                return job;
            }
        };
        long start = WallClock.nanos();
        SweepEngine.Outcome[] hit = {null};
        long[] done = {0};
        new SweepEngine(threads).runUntil(jobs, o -> {
            if (o.job().label().equals(entries.get(entries.size() - 1).label())) bar.update(++done[0], -1);
            if (o.newViolations().isEmpty()) return false;
            hit[0] = o;
            return true;
        });
        long wallMs = (WallClock.nanos() - start) / 1_000_000;
        String faultsText = selection.toString();
        if (hit[0] == null) return new Row(h, "all", faultsText, false, maxSeeds, wallMs, "-", "-", "-", "");
        Violation v = hit[0].newViolations().get(0);
        return new Row(h, hit[0].job().label(), faultsText, true, hit[0].job().config().seed(), wallMs, v.property(),
                hit[0].repro(), v.toString(), "");
    }

    /** The first violation of an expected property (in the hunt's order of preference), or null. */
    private static Violation pick(List<Violation> vs, List<String> expected) {
        for (String p : expected) for (Violation v : vs) if (v.property().equals(p)) return v;
        return null;
    }

    static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| bug | scenario | faults | found | seeds to first detection | wall time to first detection | property |"
                + " other property first |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append("| `").append(r.hunt().bug().cliName()).append("` | ").append(r.scenario()).append(" | ")
                    .append(r.faults()).append(" | ").append(r.found() ? "yes" : "**no**").append(" | ")
                    .append(r.found() ? String.valueOf(r.seeds()) : "> " + r.seeds()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f s", r.wallMs() / 1000.0)).append(" | ")
                    .append(r.found() ? r.property() : "-").append(" | ")
                    .append(r.otherFirst().isEmpty() ? "-" : r.otherFirst()).append(" |\n");
        }
        return b.toString();
    }

    private String document(List<Row> rows, String table, int threads) {
        StringBuilder b = new StringBuilder();
        b.append("<!-- Generated by: ").append(commandLine()).append(" --out FILE (").append(threads)
                .append(" job(s)); wall times depend on the machine. -->\n\n");
        b.append(table).append('\n');
        b.append("First detections (reproduce each with its line):\n\n");
        for (Row r : rows) {
            if (!r.found()) continue;
            b.append("- `").append(r.hunt().bug().cliName()).append("`: ").append(r.violation().replace("|", "\\|")).append("\n  `")
                    .append(r.repro()).append("`\n");
        }
        return b.toString();
    }

    /** The command that makes this table again: every flag that changes a run or the set of bugs. */
    String commandLine() {
        StringBuilder b = new StringBuilder("./duro sim bug-table --seeds ").append(maxSeeds);
        for (String bug : only) b.append(" --bug ").append(bug);
        if (nodes != 0) b.append(" --nodes ").append(nodes);
        if (defaultSweep) b.append(" --default-sweep");
        if (defaultSweep && !singleNode) b.append(" --no-single-node");
        if (faults != null) b.append(" --faults ").append(faults);
        if (untilMs != 0) b.append(" --until-ms ").append(untilMs);
        return b.toString();
    }

    /** Refuses an {@code --out} that could not be written, before hours of hunting. */
    public static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) throw new UserError("--out '" + file + "' is a directory: give a file such as " + file.resolve("bug-detection.md"));
        if (dir == null || !Files.isDirectory(dir)) throw new UserError("--out '" + file + "': no such directory '" + dir + "' (create it first)");
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            throw new UserError("--out '" + file + "': not writable");
        }
    }

    static final String BEGIN = "<!-- bug-table:begin -->";
    static final String END = "<!-- bug-table:end -->";

    /**
     * Writes {@code text} between the file's {@code bug-table:begin/end} markers when it has them
     * (so the prose around the table stays), else as the whole file, inside the markers.
     */
    private static void write(Path file, String text) {
        write(file, text, BEGIN, END);
    }

    /** Writes {@code text} between the file's {@code begin}/{@code end} marker lines, as above. */
    public static void write(Path file, String text, String begin, String end) {
        try {
            String block = begin + "\n" + text + end + "\n";
            String now = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            int b = now.indexOf(begin);
            int e = now.indexOf(end);
            String next = b >= 0 && e > b ? now.substring(0, b) + block + now.substring(e + end.length()).replaceFirst("^\n", "")
                    : block;
            Files.writeString(file, next, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot write '" + file + "': " + e.getMessage());
        }
    }
}
