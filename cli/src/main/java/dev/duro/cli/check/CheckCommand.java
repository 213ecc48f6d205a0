package dev.duro.cli.check;

import dev.duro.cli.UserError;
import dev.duro.model.check.CheckResult;
import dev.duro.model.check.Counterexample;
import dev.duro.model.check.LinearizabilityChecker;
import dev.duro.model.check.Model;
import dev.duro.model.check.Models;
import dev.duro.model.check.Verdict;
import dev.duro.model.history.DuroJsonLines;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import dev.duro.model.history.Json;
import dev.duro.model.history.Operation;
import dev.duro.reports.Html;
import dev.duro.reports.lin.LinearizabilityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code duro check}: is each history linearizable under the model? Exit 0 all linearizable, 1
 * some violation, 3 none violated but some unknown (deadline, step budget, or a history with no
 * completed operation: no evidence is no verdict), 2 usage or input errors. A directory argument
 * stands for the history files directly inside it.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Check histories for linearizability against a sequential model.",
            "Exit codes: 0 linearizable, 1 violation (in any file), 3 unknown (deadline, step budget, or no completed "
                    + "operation to judge), 2 usage or input error."
        })
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "cas-register, counter, kv, list-append, multi-register, mutex, register, set")
    String model;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "jepsen-etcd, jepsen-kv, knossos-edn, duro-jsonl")
    String format;

    @Option(names = "--initial", paramLabel = "EDN", description = "Initial model state as EDN (e.g. nil, 0, \"\"); default per model.")
    String initial;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "Per-file deadline (30s, 500ms, 2m); past it the verdict is unknown. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--max-steps", paramLabel = "N", description = "Per-file search step budget (deterministic unknown).")
    Long maxSteps;

    @Option(names = "--no-partition", description = "Check the whole history at once instead of per key.")
    boolean noPartition;

    @Option(names = "--html", paramLabel = "OUT",
            description = "Write an HTML view: a file for one history, a directory (one FILE.html each) for several.")
    Path html;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write a folder: summary.json (what --json prints), and per history file (DIR itself for one, "
                    + "DIR/<file>/ for several) history.jsonl (in Duro's format), summary.json and report.html.")
    Path outDir;

    @Option(names = "--json", description = "Print one JSON object instead of text: the overall verdict and exit code, "
            + "counts, and one object per file in 'results'.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "History files; a directory stands for the files directly inside it with the format's extension.")
    List<Path> files;

    /** One file's verdict: the checker's result, or UNKNOWN with the reason there was nothing to judge. */
    private record FileResult(Path file, Verdict verdict, String reason, CheckResult result, long millis) {}

    @Override
    public Integer call() {
        HistoryFormat fmt;
        try {
            fmt = HistoryFormat.byName(format);
            Models.create(model, initial);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        LinearizabilityChecker.Options options = LinearizabilityChecker.Options.unbounded()
                .withPartition(!noPartition)
                .withDeadline(HistoryFiles.durationNanos(timeout), System::nanoTime);
        if (maxSteps != null) {
            if (maxSteps <= 0) throw new UserError("--max-steps must be positive");
            options = options.withMaxSteps(maxSteps);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Path> paths = HistoryFiles.expand(files, fmt, json ? null : out);
        if (html != null && paths.size() == 1) {
            Path dir = html.toAbsolutePath().getParent();
            if (Files.isDirectory(html)) throw new UserError("--html " + html + " is a directory: for one history give a file name");
            if (dir == null || !Files.isDirectory(dir)) throw new UserError("--html " + html + ": no such directory '" + dir + "'");
        }
        if (outDir != null) prepareOut();
        List<History> histories = paths.stream().map(f -> HistoryFiles.load(f, fmt)).toList();
        boolean violation = false;
        boolean unknown = false;
        List<FileResult> results = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            Path file = paths.get(i);
            FileResult fr = checkOne(file, histories.get(i), options);
            results.add(fr);
            violation |= fr.verdict() == Verdict.VIOLATION;
            unknown |= fr.verdict() == Verdict.UNKNOWN;
            if (!json) printText(out, fr);
            if (html != null && fr.result() != null) writeHtml(file, histories.get(i), fr.result(), paths.size());
        }
        int exit = violation ? Verdict.VIOLATION.exitCode() : unknown ? Verdict.UNKNOWN.exitCode() : Verdict.LINEARIZABLE.exitCode();
        if (json) out.println(summaryJson(results, exit));
        if (outDir != null) out.println("report: " + writeOut(results, histories, exit));
        out.flush();
        return exit;
    }

    private void prepareOut() {
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new UserError("--out " + outDir + " is a file, not a directory; name a directory for the check's files");
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UserError("cannot create --out directory '" + outDir + "': " + e.getMessage());
        }
    }

    /** The folder of {@code --out}; returns the page to open (the one history's, or the index). */
    private Path writeOut(List<FileResult> results, List<History> histories, int exit) {
        try {
            Files.writeString(outDir.resolve("summary.json"), summaryJson(results, exit) + "\n", StandardCharsets.UTF_8);
            StringBuilder index = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<title>duro check</title></head><body style=\"font-family:sans-serif\"><h1>duro check: model "
                    + Html.esc(model) + "</h1><ul>\n");
            for (int i = 0; i < results.size(); i++) {
                FileResult fr = results.get(i);
                String name = fr.file().getFileName().toString();
                Path dir = results.size() == 1 ? outDir : outDir.resolve(name);
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("summary.json"), Json.write(fileJson(fr)) + "\n", StandardCharsets.UTF_8);
                try {
                    Files.writeString(dir.resolve("history.jsonl"), DuroJsonLines.write(histories.get(i)), StandardCharsets.UTF_8);
                } catch (RuntimeException e) {
                    Files.writeString(dir.resolve("history-not-written.txt"), "The history could not be written in Duro's "
                            + "format: " + e.getMessage() + "\n", StandardCharsets.UTF_8);
                }
                if (fr.result() != null) {
                    Files.writeString(dir.resolve("report.html"), LinearizabilityReport.render(fr.file().toString(), model,
                            histories.get(i), fr.result()), StandardCharsets.UTF_8);
                }
                index.append("<li><a href=\"").append(Html.esc(name)).append("/report.html\">").append(Html.esc(name))
                        .append("</a>: ").append(verdictName(fr.verdict())).append("</li>\n");
            }
            if (results.size() == 1) return outDir.resolve("report.html");
            Path page = outDir.resolve("index.html");
            Files.writeString(page, index.append("</ul></body></html>\n").toString(), StandardCharsets.UTF_8);
            return page;
        } catch (IOException e) {
            throw new UserError("cannot write into --out directory '" + outDir + "': " + e.getMessage());
        }
    }

    private FileResult checkOne(Path file, History history, LinearizabilityChecker.Options options) {
        Model m = Models.create(model, initial);
        long startNanos = System.nanoTime();
        CheckResult r;
        try {
            r = LinearizabilityChecker.check(history, m, options);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        // The checker ran first for what it validates (every op is one the model knows); a history
        // with no completed operation is trivially linearizable, and that is no evidence.
        String nothing = HistoryFiles.nothingToJudge(history);
        if (nothing != null && r.verdict() == Verdict.LINEARIZABLE) return new FileResult(file, Verdict.UNKNOWN, nothing, null, 0);
        return new FileResult(file, r.verdict(), r.reason(), r, (System.nanoTime() - startNanos) / 1_000_000);
    }

    static String verdictName(Verdict v) {
        return v.name().toLowerCase(Locale.ROOT);
    }

    /** The one line of {@code --json}: the overall verdict, the counts, and every file's object. */
    private static String summaryJson(List<FileResult> results, int exit) {
        Map<String, Object> o = new LinkedHashMap<>();
        Verdict overall = exit == Verdict.VIOLATION.exitCode() ? Verdict.VIOLATION
                : exit == Verdict.UNKNOWN.exitCode() ? Verdict.UNKNOWN : Verdict.LINEARIZABLE;
        o.put("verdict", verdictName(overall));
        o.put("exitCode", (long) exit);
        o.put("files", (long) results.size());
        for (Verdict v : Verdict.values()) {
            o.put(verdictName(v), results.stream().filter(r -> r.verdict() == v).count());
        }
        List<Object> each = new ArrayList<>();
        for (FileResult r : results) each.add(fileJson(r));
        o.put("results", each);
        return Json.write(o);
    }

    private static Map<String, Object> fileJson(FileResult fr) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", fr.file().toString());
        o.put("verdict", verdictName(fr.verdict()));
        CheckResult r = fr.result();
        if (r == null) {
            o.put("ops", 0L);
            o.put("reason", fr.reason());
            return o;
        }
        long millis = fr.millis();
        o.put("ops", (long) r.ops());
        o.put("partitions", (long) r.partitions());
        o.put("millis", millis);
        o.put("steps", r.steps());
        o.put("memoSaturated", r.memoSaturated());
        if (!r.reason().isEmpty()) o.put("reason", r.reason());
        Counterexample c = r.counterexample();
        if (c != null) {
            o.put("partition", c.partitionName());
            o.put("failingOp", c.failing().describe());
            if (c.failing().line() > 0) o.put("failingLine", (long) c.failing().line());
            o.put("linearizedPrefix", (long) c.linearized().size());
            o.put("stateBefore", c.stateBeforeFailing());
        }
        return o;
    }

    private static void printText(PrintWriter out, FileResult fr) {
        Path file = fr.file();
        CheckResult r = fr.result();
        if (r == null) {
            out.printf("%s: UNKNOWN (%s)%n", file, fr.reason());
            return;
        }
        long millis = fr.millis();
        out.printf("%s: %s (%d ops, %d partitions, %d ms, %d steps)%n", file, verdictName(r.verdict()).toUpperCase(Locale.ROOT),
                r.ops(), r.partitions(), millis, r.steps());
        if (!r.reason().isEmpty()) out.println("  " + r.reason());
        Counterexample c = r.counterexample();
        if (c == null) return;
        out.printf("  partition %s: no linearization reaches past %s%s%n", c.partitionName(), c.failing().describe(),
                c.failing().line() > 0 ? " (line " + c.failing().line() + ")" : "");
        out.printf("  longest partial linearization: %d of %d ops; state then: %s%n", c.linearized().size(),
                c.partitionOps().size(), c.stateBeforeFailing());
        int from = Math.max(0, c.linearized().size() - 5);
        for (int i = from; i < c.linearized().size(); i++) {
            Operation op = c.linearized().get(i);
            out.printf("    %3d. %-40s => %s%n", i + 1, op.describe(), c.statesAfter().get(i));
        }
    }

    private void writeHtml(Path file, History history, CheckResult r, int fileCount) {
        Path target = html;
        if (fileCount > 1) {
            try {
                Files.createDirectories(html);
            } catch (IOException e) {
                throw new UserError(html + ": cannot create directory: " + e.getMessage());
            }
            target = html.resolve(file.getFileName() + ".html");
        }
        try {
            Files.writeString(target, LinearizabilityReport.render(file.toString(), model, history, r),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(target + ": cannot write: " + e.getMessage());
        }
    }
}
