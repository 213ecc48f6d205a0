package dev.duro.cli.check;

import dev.duro.cli.UserError;
import dev.duro.model.check.CheckResult;
import dev.duro.model.check.Counterexample;
import dev.duro.model.check.LinearizabilityChecker;
import dev.duro.model.check.Model;
import dev.duro.model.check.Models;
import dev.duro.model.check.Verdict;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import dev.duro.model.history.Json;
import dev.duro.model.history.Operation;
import dev.duro.reports.lin.LinearizabilityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * some violation, 3 none violated but some unknown (deadline), 2 usage or input errors.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Check histories for linearizability against a sequential model.",
            "Exit codes: 0 linearizable, 1 violation (in any file), 3 unknown (deadline), 2 usage error."
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

    @Option(names = "--json", description = "Print one JSON object per file instead of text.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files.")
    List<Path> files;

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
        List<History> histories = files.stream().map(f -> HistoryFiles.load(f, fmt)).toList();
        PrintWriter out = spec.commandLine().getOut();
        boolean violation = false;
        boolean unknown = false;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            Model m = Models.create(model, initial);
            long startNanos = System.nanoTime();
            CheckResult r;
            try {
                r = LinearizabilityChecker.check(histories.get(i), m, options);
            } catch (IllegalArgumentException e) {
                throw new UserError(file + ": " + e.getMessage());
            }
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            violation |= r.verdict() == Verdict.VIOLATION;
            unknown |= r.verdict() == Verdict.UNKNOWN;
            if (json) out.println(jsonLine(file, r, millis));
            else printText(out, file, r, millis);
            if (html != null) writeHtml(file, histories.get(i), r);
        }
        out.flush();
        if (violation) return Verdict.VIOLATION.exitCode();
        return unknown ? Verdict.UNKNOWN.exitCode() : Verdict.LINEARIZABLE.exitCode();
    }

    static String verdictName(Verdict v) {
        return v.name().toLowerCase(Locale.ROOT);
    }

    private static String jsonLine(Path file, CheckResult r, long millis) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", file.toString());
        o.put("verdict", verdictName(r.verdict()));
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
        return Json.write(o);
    }

    private static void printText(PrintWriter out, Path file, CheckResult r, long millis) {
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

    private void writeHtml(Path file, History history, CheckResult r) {
        Path target = html;
        if (files.size() > 1) {
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
