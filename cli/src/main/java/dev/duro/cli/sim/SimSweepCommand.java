package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.reports.run.RunIndex;
import dev.duro.scenarios.ScenarioCatalogue;
import dev.duro.scenarios.frame.ObjectScenario;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code duro sim sweep}: many seeds of one scenario (or all), on every core, one line per
 * scenario with the failures by property, the first failing seed and the reproduction lines of
 * the first few failing seeds; {@code --json} ends with one summary object. The output is the
 * same whatever {@code --jobs} (results are reported in seed order), except wall times.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a range of seeds of one scenario (or 'all') on every core and tabulate the failures by property.",
                "Exit code: 0 all passed, else the most severe failure class seen (1 safety, 3 crash, 4 liveness), "
                        + "else 6 when some run was inconclusive (it ended before its workload).",
                "On a terminal, progress (runs done, failures, rate, time left) goes to stderr; --no-progress turns it off."})
public class SimSweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "S", defaultValue = "all",
            description = "Scenario name, or 'all' (every scenario; only the object scenarios with --nodes, --bug, "
                    + "--clock-drift-beyond-bound or --locations); default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--seeds", paramLabel = "A..B|N", defaultValue = "1..100",
            description = "Inclusive seed range A..B, or N for 1..N; at most " + Limits.MAX_SWEEP_RUNS
                    + " runs (seeds x scenarios) per sweep; default: ${DEFAULT-VALUE}.")
    String seeds;

    @Option(names = "--faults", paramLabel = "F", defaultValue = "profiles",
            description = "profiles (a fault profile per seed), profile:NAME, swarm, none, all (budgeted), all-unbudgeted, "
                    + "or a comma list (see 'sim run --help'); default: ${DEFAULT-VALUE}.")
    String faults;

    @Option(names = "--single-node", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --scenario all and no --nodes/--locations/--clock-drift-beyond-bound, also run every object "
                    + "scenario on one node (entries named <scenario>/1); --no-single-node: the clusters only, as before.")
    boolean singleNode;

    @Option(names = "--until-ms", paramLabel = "T", defaultValue = "0",
            description = "Simulated-time budget per run in ms: 0 = each scenario's default, else " + Limits.MIN_UNTIL_MS + ".."
                    + Limits.MAX_UNTIL_MS + ".")
    long untilMs;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "0",
            description = "Runtime nodes of object scenarios (1 = single node; default 0 = the scenario's own, a 5-node cluster).")
    int nodes;

    @Option(names = "--bug", paramLabel = "NAME", description = "Plant a runtime bug (repeatable); 'duro sim bugs' lists them.")
    List<String> bugs = new ArrayList<>();

    @Option(names = "--clock-drift-beyond-bound", description = "Draw clock drift far beyond the cluster's bound (see 'sim run --help').")
    boolean clockDriftBeyondBound;

    @Option(names = "--locations", paramLabel = "SPEC",
            description = "Give the cluster's members locations: a count K (loc0..loc(K-1), round-robin) or "
                    + "'label=i,j;label=k,...' (see 'sim run --help'); object scenarios only.")
    String locations = "";

    @Option(names = "--jobs", paramLabel = "J", defaultValue = "0",
            description = "Runs at once (threads), at most 4 per processor; default 0 = the available processors.")
    int jobs;

    @Option(names = "--json", description = "End the output with one JSON object: seeds, runs, failed, inconclusive, violations "
            + "(by property), firstFailingSeed, repro, wallMs, seedsPerHour, runsPerHour, jobs, scenarios.")
    boolean json;

    @Option(names = "--progress", negatable = true,
            description = "Show progress on stderr (default: only when stdout is a terminal and without --json).")
    Boolean progress;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write a folder per failing run (rerun with its seed; at most --out-max of them) and DIR/index.html "
                    + "listing the failures by property with links to each run's page.")
    Path outDir;

    @Option(names = "--out-max", paramLabel = "K", defaultValue = "20",
            description = "At most K run folders under --out (default: ${DEFAULT-VALUE}).")
    int outMax;

    @Option(names = "--show", paramLabel = "K", defaultValue = "5",
            description = "Reproduction lines to print per scenario; default: ${DEFAULT-VALUE}.")
    int show;

    /** Per scenario: runs, failures by property (each failing run counted once per property), first failure. */
    private static final class Tally {
        final Scenario scenario;
        /** The scenario's name, with {@code /1} for the single-node entries of {@code --scenario all}. */
        final String label;
        int runs;
        int failed;
        int inconclusive;
        long runNanos;
        final Map<String, Integer> byProperty = new TreeMap<>();
        final List<String> shown = new ArrayList<>();
        String firstFailingSeed;
        String firstRepro;
        String firstViolation;
        /** Per run, the efficiency parameter lines' figures (docs/scenarios.md, "Availability and efficiency"). */
        final Efficiency efficiency = new Efficiency();

        Tally(Scenario scenario, String label) {
            this.scenario = scenario;
            this.label = label;
        }
    }

    /** The efficiency figures of a set of runs: answered fraction, suspicions per node-minute, epochs won, messages per call. */
    static final class Efficiency {
        static final String[] KEYS = {"answered", "suspicions-per-node-minute", "epochs-won", "messages-per-call"};
        final List<List<Double>> values = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());

        void add(Map<String, String> params) {
            for (int i = 0; i < KEYS.length; i++) {
                String v = params.get(KEYS[i]);
                if (v == null || v.isEmpty()) continue;
                try {
                    values.get(i).add(Double.parseDouble(v.split(" ", 2)[0]));
                } catch (NumberFormatException e) {
                    // not a figure: left out
                }
            }
        }

        boolean isEmpty() {
            return values.getFirst().isEmpty();
        }

        /** {@code key median/best/worst} for each figure (best and worst: the answered fraction is better high, the rest low). */
        String describe() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < KEYS.length; i++) {
                List<Double> v = new ArrayList<>(values.get(i));
                if (v.isEmpty()) continue;
                v.sort(null);
                double worst = i == 0 ? v.getFirst() : v.getLast();
                if (!b.isEmpty()) b.append("; ");
                b.append(String.format(Locale.ROOT, "%s median %.3f worst %.3f", KEYS[i], v.get(v.size() / 2), worst));
            }
            return b.toString();
        }
    }

    /** Per fault profile: runs, failed runs, failures by property. */
    private static final class ProfileTally {
        int runs;
        int failed;
        final Map<String, Integer> byProperty = new TreeMap<>();
    }

    /** One line of a sweep: a scenario, on its own node count or on one node ({@code /1}). */
    record Entry(Scenario scenario, String label, int nodes) {}

    /**
     * The entries of a sweep over {@code targets}: each as given ({@code nodes}), and with {@code
     * singleNode} every object scenario once more on one node, labelled {@code <name>/1}.
     */
    static List<Entry> entries(List<Scenario> targets, int nodes, boolean singleNode) {
        List<Entry> out = new ArrayList<>();
        for (Scenario s : targets) out.add(new Entry(s, s.name(), nodes));
        if (singleNode) {
            for (Scenario s : targets) if (s instanceof ObjectScenario && s.defaultNodes() > 1) out.add(new Entry(s, s.name() + "/1", 1));
        }
        return out;
    }

    /** Whether {@code --scenario all} adds the single-node entries: only when nothing fixes the node count or needs a cluster. */
    static boolean addsSingleNode(String scenario, boolean singleNode, int nodes, boolean beyondBound, String locations) {
        return singleNode && scenario.equals("all") && nodes == 0 && !beyondBound && locations.isEmpty();
    }

    @Override
    public Integer call() {
        long[] range = parseRange(seeds);
        FaultSelection selection = Limits.faults(faults);
        Limits.untilMs(untilMs);
        int threads = Limits.jobs(jobs);
        if (show < 0) throw new UserError("--show must be >= 0, got " + show);
        if (outMax < 0 || outMax > 10_000) throw new UserError("--out-max must be 0..10000, got " + outMax);
        if (outDir != null) RunFolderOutput.prepare(outDir); // a bad folder is refused before the sweep, not after it
        boolean platform = nodes != 0 || !bugs.isEmpty() || clockDriftBeyondBound || !locations.isEmpty();
        List<Entry> entries = entries(targets(scenario, platform), nodes,
                addsSingleNode(scenario, singleNode, nodes, clockDriftBeyondBound, locations));
        long totalRuns = Limits.sweepRuns(seeds, range, entries.size());
        List<RunConfig> bases = new ArrayList<>();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Map<String, ProfileTally> profiles = new TreeMap<>();
        for (Entry e : entries) {
            tallies.put(e.label(), new Tally(e.scenario(), e.label()));
            bases.add(RunOptions.platformSettings(e.scenario(), RunConfig.of(range[0], e.scenario().name()).withUntilMs(untilMs)
                    .withFaults(selection), e.nodes(), bugs, clockDriftBeyondBound, locations));
        }
        long seedCount = range[1] - range[0] + 1;
        PrintWriter out = spec.commandLine().getOut();
        out.println("duro sim sweep: seeds " + Long.toUnsignedString(range[0]) + ".." + Long.toUnsignedString(range[1])
                + ", faults " + faults + settings() + ", " + threads + " job(s)");
        out.println(String.format(Locale.ROOT, "%-14s %6s %6s %10s  %s", "scenario", "runs", "failed", "ms/run",
                "failures by property"));
        out.flush();
        long start = WallClock.nanos();
        int[] exit = {0};
        String[] current = {null};
        long[] done = {0, 0}; // runs, failed
        Progress bar = Progress.of(progress, json, spec.commandLine().getErr(), "runs", totalRuns);
        List<SweepEngine.Outcome> failing = new ArrayList<>();
        new SweepEngine(threads).runAll(jobs(entries, bases, range), o -> {
            Tally t = tallies.get(o.job().label());
            if (current[0] != null && !current[0].equals(t.label)) {
                bar.clear();
                printTally(out, tallies.get(current[0]));
            }
            current[0] = t.label;
            ProfileTally pt = o.result() == null ? null
                    : profiles.computeIfAbsent(o.result().parameters().getOrDefault("profile", "-"), k -> new ProfileTally());
            if (pt != null) {
                pt.runs++;
                if (o.failed()) {
                    pt.failed++;
                    for (String p : new LinkedHashSet<>(o.violations().stream().map(Violation::property).toList())) {
                        pt.byProperty.merge(p, 1, Integer::sum);
                    }
                }
            }
            t.runs++;
            t.runNanos += o.wallNanos();
            if (o.result() != null) t.efficiency.add(o.result().parameters());
            done[0]++;
            if (o.failed()) done[1]++;
            bar.update(done[0], done[1]);
            if (o.inconclusive()) {
                t.inconclusive++;
                exit[0] = worse(exit[0], dev.duro.sim.run.RunResult.EXIT_INCONCLUSIVE);
                if (t.shown.size() < show) t.shown.add("  seed " + o.job().config().seedText() + ": INCONCLUSIVE ("
                        + o.result().stopReason().description() + " before the run's end)\n    repro: " + o.repro());
            }
            if (!o.failed()) return;
            if (failing.size() < outMax) failing.add(o);
            t.failed++;
            Set<String> properties = new LinkedHashSet<>();
            for (Violation v : o.violations()) properties.add(v.property());
            for (String p : properties) t.byProperty.merge(p, 1, Integer::sum);
            exit[0] = worse(exit[0], o.exitCode());
            if (t.firstFailingSeed == null) {
                t.firstFailingSeed = o.job().config().seedText();
                t.firstRepro = o.repro();
                t.firstViolation = o.violations().get(0).toString();
            }
            if (t.shown.size() < show) t.shown.add("  seed " + o.job().config().seedText() + ": " + o.violations().get(0)
                    + "\n    repro: " + o.repro());
        });
        bar.clear();
        if (current[0] != null) printTally(out, tallies.get(current[0]));
        long wallMs = (WallClock.nanos() - start) / 1_000_000;
        long runs = tallies.values().stream().mapToLong(t -> t.runs).sum();
        int failed = tallies.values().stream().mapToInt(t -> t.failed).sum();
        int inconclusive = tallies.values().stream().mapToInt(t -> t.inconclusive).sum();
        Map<String, Integer> total = new TreeMap<>();
        Tally first = null;
        for (Tally t : tallies.values()) {
            t.byProperty.forEach((p, n) -> total.merge(p, n, Integer::sum));
            if (first == null && t.firstFailingSeed != null) first = t;
        }
        // Seeds per hour counts each seed of the range once, whatever the number of scenarios it ran in.
        double runsPerHour = wallMs > 0 ? runs * 3_600_000.0 / wallMs : 0;
        double perHour = runsPerHour / entries.size();
        out.println(String.format(Locale.ROOT, "total: %d runs, %d failed %s%sin %.1f s on %d job(s) (%,.0f seeds/hour, %,.0f runs/hour)",
                runs, failed, total.isEmpty() ? "" : total + " ", inconclusive == 0 ? "" : inconclusive + " inconclusive ",
                wallMs / 1000.0, threads, perHour, runsPerHour));
        if (outDir != null) {
            String totals = String.format(Locale.ROOT, "%d runs, %d failed %s", runs, failed, total.isEmpty() ? "" : total);
            out.println("report: " + writeFolders(failing, failed, totals));
        }
        if (profiles.size() > 1 || !profiles.containsKey("-")) {
            out.println("by fault profile:");
            profiles.forEach((name, p) -> out.println(String.format(Locale.ROOT, "  %-16s %6d runs %6d failed  %s", name, p.runs,
                    p.failed, p.byProperty.isEmpty() ? "-" : p.byProperty.toString())));
        }
        if (first != null) {
            out.println("first failing: " + first.label + " seed " + first.firstFailingSeed + ": " + first.firstViolation);
            out.println("repro: " + first.firstRepro);
        }
        if (json) {
            out.println(json(range, seedCount, runs, failed, inconclusive, total, first, wallMs, perHour, runsPerHour, threads,
                    tallies, locations, profiles));
        }
        out.flush();
        return exit[0];
    }

    /** Reruns each collected failing seed into its own folder and writes the index page; returns its path. */
    private Path writeFolders(List<SweepEngine.Outcome> failing, int failed, String totals) {
        List<RunIndex.Entry> entries = new ArrayList<>();
        for (SweepEngine.Outcome o : failing) {
            RunConfig config = o.job().config();
            String name = o.job().label().replace('/', '-') + "-" + config.seedText();
            RunFolderOutput folder = RunFolderOutput.open(outDir.resolve(name));
            RunResult again;
            try {
                again = Runner.run(o.job().scenario(), config, folder.trace(), folder::afterRun);
            } finally {
                folder.trace().close();
            }
            folder.finish(again, null);
            Set<String> properties = new LinkedHashSet<>();
            for (Violation v : again.violations()) properties.add(v.property());
            entries.add(new RunIndex.Entry(o.job().label(), config.seedText(), List.copyOf(properties),
                    again.violations().isEmpty() ? "(the rerun passed: a determinism bug)" : again.violations().getFirst().toString(),
                    name, again.repro()));
        }
        Path index = outDir.resolve("index.html");
        try {
            Files.writeString(index, RunIndex.render("duro sim sweep --scenario " + scenario + " --seeds " + seeds + " --faults "
                    + faults + settings(), totals, entries, failed - entries.size()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot write " + index + ": " + e.getMessage());
        }
        return index;
    }

    private String settings() {
        StringBuilder b = new StringBuilder();
        if (nodes != 0) b.append(", nodes ").append(nodes);
        for (String bug : bugs) b.append(", bug ").append(bug);
        if (clockDriftBeyondBound) b.append(", clock drift beyond the bound");
        if (!locations.isEmpty()) b.append(", locations ").append(locations);
        return b.toString();
    }

    private void printTally(PrintWriter out, Tally t) {
        out.println(String.format(Locale.ROOT, "%-14s %6d %6d %10.1f  %s%s", t.label, t.runs, t.failed,
                t.runs == 0 ? 0.0 : t.runNanos / 1e6 / t.runs, t.byProperty.isEmpty() ? "-" : t.byProperty.toString(),
                t.inconclusive == 0 ? "" : ", " + t.inconclusive + " inconclusive (ended before the workload)"));
        if (!t.efficiency.isEmpty()) out.println("  efficiency: " + t.efficiency.describe());
        for (String line : t.shown) out.println(line);
        out.flush();
    }

    /** Every (entry, seed) in order, made lazily. */
    private static java.util.Iterator<SweepEngine.Job> jobs(List<Entry> targets, List<RunConfig> bases, long[] range) {
        return new java.util.Iterator<>() {
            int scenario;
            long seed = range[0];
            boolean exhausted = targets.isEmpty();

            @Override
            public boolean hasNext() {
                return !exhausted;
            }

            @Override
            public SweepEngine.Job next() {
                if (exhausted) throw new java.util.NoSuchElementException();
                Entry entry = targets.get(scenario);
                SweepEngine.Job job = new SweepEngine.Job(entry.scenario(), bases.get(scenario).withSeed(seed), null, entry.label());
                if (seed == range[1]) {
                    seed = range[0];
                    exhausted = ++scenario == targets.size();
                } else {
                    seed++;
                }
                return job;
            }
        };
    }

    private static String json(long[] range, long seedCount, long runs, int failed, int inconclusive, Map<String, Integer> total,
                               Tally first, long wallMs, double perHour, double runsPerHour, int threads, Map<String, Tally> tallies,
                               String locations, Map<String, ProfileTally> profiles) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"seeds\":").append(Long.toUnsignedString(seedCount))
                .append(",\"seedRange\":").append(TraceJson.quote(Long.toUnsignedString(range[0]) + ".." + Long.toUnsignedString(range[1])));
        if (!locations.isEmpty()) b.append(",\"locations\":").append(TraceJson.quote(locations)); // only when given: output as before
        b.append(",\"runs\":").append(runs)
                .append(",\"failed\":").append(failed)
                .append(",\"inconclusive\":").append(inconclusive)
                .append(",\"violations\":").append(counts(total))
                .append(",\"firstFailingSeed\":").append(first == null ? "null" : first.firstFailingSeed)
                .append(",\"firstFailingScenario\":").append(first == null ? "null" : TraceJson.quote(first.label))
                .append(",\"repro\":").append(first == null ? "null" : TraceJson.quote(first.firstRepro))
                .append(",\"wallMs\":").append(wallMs)
                .append(",\"seedsPerHour\":").append(Math.round(perHour))
                .append(",\"runsPerHour\":").append(Math.round(runsPerHour))
                .append(",\"jobs\":").append(threads)
                .append(",\"scenarios\":[");
        boolean firstEntry = true;
        for (Tally t : tallies.values()) {
            if (!firstEntry) b.append(',');
            firstEntry = false;
            b.append("{\"scenario\":").append(TraceJson.quote(t.label))
                    .append(",\"runs\":").append(t.runs)
                    .append(",\"failed\":").append(t.failed)
                    .append(",\"inconclusive\":").append(t.inconclusive)
                    .append(",\"violations\":").append(counts(t.byProperty))
                    .append(",\"firstFailingSeed\":").append(t.firstFailingSeed == null ? "null" : t.firstFailingSeed)
                    .append(",\"repro\":").append(t.firstRepro == null ? "null" : TraceJson.quote(t.firstRepro))
                    .append(",\"msPerRun\":").append(t.runs == 0 ? 0 : Math.round(t.runNanos / 1e6 / t.runs))
                    .append('}');
        }
        b.append("],\"profiles\":[");
        firstEntry = true;
        for (Map.Entry<String, ProfileTally> e : profiles.entrySet()) {
            if (!firstEntry) b.append(',');
            firstEntry = false;
            b.append("{\"profile\":").append(TraceJson.quote(e.getKey()))
                    .append(",\"runs\":").append(e.getValue().runs)
                    .append(",\"failed\":").append(e.getValue().failed)
                    .append(",\"violations\":").append(counts(e.getValue().byProperty))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    private static String counts(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            if (b.length() > 1) b.append(',');
            b.append(TraceJson.quote(e.getKey())).append(':').append(e.getValue());
        }
        return b.append('}').toString();
    }

    /** The scenarios {@code name} names; 'all' is every scenario, or every object scenario for platform settings. */
    static List<Scenario> targets(String name, boolean platformOnly) {
        List<Scenario> out = new ArrayList<>();
        if (name.equals("all")) {
            for (Scenario s : ScenarioCatalogue.all()) if (!platformOnly || s instanceof ObjectScenario) out.add(s);
        } else {
            out.add(ScenarioCatalogue.find(name).orElseThrow(() -> new UserError("unknown scenario '" + name
                    + "' (known: all, " + String.join(", ", ScenarioCatalogue.names()) + ")")));
        }
        return out;
    }

    /** Safety (1) beats crash (3) beats liveness (4) beats determinism (5) beats inconclusive (6); others pass through. */
    static int worse(int a, int b) {
        int[] order = {1, 3, 4, 5, 6};
        for (int code : order) if (a == code || b == code) return code;
        return Math.max(a, b);
    }

    /** {@code A..B} (inclusive, unsigned) or {@code N} for {@code 1..N}. */
    static long[] parseRange(String text) {
        String[] parts = text.split("\\.\\.", -1);
        try {
            if (parts.length == 1) {
                long n = RunOptions.parseSeed(parts[0]);
                if (n == 0) throw new UserError("");
                return new long[] {1, n};
            }
            long a = RunOptions.parseSeed(parts[0]);
            long b = RunOptions.parseSeed(parts[1]);
            if (parts.length > 2 || Long.compareUnsigned(a, b) > 0) throw new UserError("");
            return new long[] {a, b};
        } catch (UserError e) {
            throw new UserError("malformed --seeds '" + text + "': expected A..B with A <= B (for example 1..200), or N >= 1 for 1..N");
        }
    }
}
