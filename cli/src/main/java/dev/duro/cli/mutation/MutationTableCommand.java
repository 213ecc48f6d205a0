package dev.duro.cli.mutation;

import dev.duro.cli.sim.SimBugTableCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code duro mutation table}: PIT's {@code mutations.xml} reports, one or more, as the markdown
 * table of docs/mutation.md: per package (and per class with {@code --by-class}) the mutants, how
 * many the tests detected (killed, timed out, or a crash of the test JVM), survived or never ran,
 * and the score with and without the mutants the triage file calls equivalent.
 */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Tabulate PIT mutation reports per package (markdown), scoring against the triage of survivors.",
                "REPORT is a mutations.xml or the directory PIT wrote it to; several reports are added up "
                        + "(a mutant reported twice, e.g. by two runs over one package, counts once, the later report winning)."})
public final class MutationTableCommand implements Callable<Integer> {
    static final String BEGIN = "<!-- mutation-table:begin -->";
    static final String END = "<!-- mutation-table:end -->";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REPORT", arity = "1..*", description = "PIT reports (mutations.xml or its directory).")
    List<Path> reports;

    @Option(names = "--triage", paramLabel = "FILE", description = "The triage of survivors (docs/mutation-triage-*.tsv; "
            + "repeatable): 'Class.method:line<TAB>Mutator<TAB>equivalent|open<TAB>reason' per line.")
    List<Path> triageFiles = new ArrayList<>();

    @Option(names = "--by-class", description = "Also a row per class under each package.")
    boolean byClass;

    @Option(names = "--untriaged", description = "Print the survivors the triage does not cover, as triage lines to fill in, "
            + "instead of the table.")
    boolean untriaged;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to FILE, between its '" + BEGIN
            + "' and '" + END + "' lines when it has them, else as the whole file.")
    Path outFile;

    /** Counts of one row of the table. */
    static final class Tally {
        int mutants, killed, timedOut, otherDetected, survived, noCoverage, equivalent, open, untriaged;

        void add(MutationReport.Mutant m, Triage.Entry t) {
            mutants++;
            if (m.detected()) {
                switch (m.status()) {
                    case "KILLED" -> killed++;
                    case "TIMED_OUT" -> timedOut++;
                    default -> otherDetected++;
                }
                return;
            }
            if ("NO_COVERAGE".equals(m.status())) noCoverage++;
            else survived++;
            if (t == null) untriaged++;
            else if (t.verdict() == Triage.Verdict.EQUIVALENT) equivalent++;
            else open++;
        }

        int detected() {
            return killed + timedOut + otherDetected;
        }

        String row(String name) {
            return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s |", name, mutants, killed,
                    timedOut, otherDetected, survived, noCoverage, equivalent, open, untriaged, percent(detected(), mutants),
                    percent(detected(), mutants - equivalent));
        }

        private static String percent(int part, int whole) {
            return whole == 0 ? "-" : String.format(Locale.ROOT, "%d/%d = %.1f %%", part, whole, 100.0 * part / whole);
        }
    }

    @Override
    public Integer call() {
        if (outFile != null) SimBugTableCommand.checkWritable(outFile);
        Triage triage = Triage.read(triageFiles);
        // A mutant reported by two reports (the same package measured twice) counts once: the later report wins.
        Map<String, MutationReport.Mutant> byId = new TreeMap<>();
        List<String> sources = new ArrayList<>();
        for (Path p : reports) {
            MutationReport r = MutationReport.read(p);
            sources.add(r.file().toString());
            Map<String, Integer> seen = new TreeMap<>();
            for (MutationReport.Mutant m : r.mutants()) {
                String id = m.className() + "|" + m.method() + "|" + m.line() + "|" + m.mutator() + "|" + m.description();
                int n = seen.merge(id, 1, Integer::sum);
                byId.put(id + "|" + n, m);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (untriaged) {
            Set<String> lines = new LinkedHashSet<>();
            for (MutationReport.Mutant m : byId.values()) {
                if (m.survivedOrUncovered() && triage.of(m) == null) {
                    lines.add(Triage.keyOf(m) + "\t?\t" + m.status() + ": " + m.description());
                }
            }
            lines.forEach(out::println);
            out.flush();
            return 0;
        }
        Map<String, Tally> packages = new TreeMap<>();
        Map<String, Map<String, Tally>> classes = new TreeMap<>();
        Tally total = new Tally();
        Set<String> usedTriage = new LinkedHashSet<>();
        for (MutationReport.Mutant m : byId.values()) {
            Triage.Entry t = m.survivedOrUncovered() ? triage.of(m) : null;
            if (t != null) usedTriage.add(t.key());
            packages.computeIfAbsent(m.packageName(), k -> new Tally()).add(m, t);
            classes.computeIfAbsent(m.packageName(), k -> new TreeMap<>()).computeIfAbsent(m.simpleClass(), k -> new Tally()).add(m, t);
            total.add(m, t);
        }
        StringBuilder md = new StringBuilder();
        md.append("<!-- Generated by: ./duro mutation table");
        for (Path t : triageFiles) md.append(" --triage ").append(t);
        md
                .append(byClass ? " --by-class" : "").append(" REPORT... over ").append(sources.size()).append(" report(s). -->\n\n");
        md.append("| package | mutants | killed | timed out | other detected | survived | no coverage | equivalent | open | untriaged "
                + "| detected of all | detected of non-equivalent |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (var e : packages.entrySet()) {
            md.append(e.getValue().row("**" + e.getKey() + "**")).append('\n');
            if (byClass) {
                for (var c : classes.get(e.getKey()).entrySet()) md.append(c.getValue().row(c.getKey())).append('\n');
            }
        }
        if (packages.size() > 1) md.append(total.row("**all**")).append('\n');
        String table = md.toString();
        out.print(table);
        List<String> stale = new ArrayList<>();
        for (Triage.Entry t : triage.entries().values()) {
            if (!usedTriage.contains(t.key())) stale.add(t.key().replace('\t', ' ') + " (line " + t.lineNumber() + ")");
        }
        if (!stale.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("duro: " + stale.size() + " triage line(s) match no surviving mutant (killed since, or the code moved): "
                    + String.join(", ", stale.subList(0, Math.min(10, stale.size()))) + (stale.size() > 10 ? ", ..." : ""));
            err.flush();
        }
        if (outFile != null) SimBugTableCommand.write(outFile, table, BEGIN, END);
        out.flush();
        return 0;
    }
}
