package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.model.history.DuroJsonLines;
import dev.duro.model.history.History;
import dev.duro.model.history.Operation;
import dev.duro.reports.run.RunFolder;
import dev.duro.sim.plan.RunPlan;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.ScenarioRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one run's folder ({@link RunFolder}): the trace while the run goes, then the summary, the
 * parameters, the clients' histories and the page. Checks the directory before the run starts, so
 * a bad path costs nothing.
 */
final class RunFolderOutput {
    private final Path dir;
    private final OutputOptions.TraceFile trace;
    private List<Operation> operations = List.of();
    private String historyProblem;
    /** What the run executed (object scenarios), written as {@link RunFolder#PLAN}. */
    private RunPlan plan;

    private RunFolderOutput(Path dir) {
        this.dir = dir;
        this.trace = new OutputOptions.TraceFile(dir.resolve(RunFolder.TRACE));
    }

    /** Creates (or reuses) {@code dir} and starts its trace file. */
    static RunFolderOutput open(Path dir) {
        prepare(dir);
        return new RunFolderOutput(dir);
    }

    /** Creates (or reuses) {@code dir}; a file in the way or an unwritable place is a one-line error. */
    static void prepare(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("--out " + dir + " is a file, not a directory; name a directory for the run's files");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create the run folder '" + dir + "': " + e.getMessage());
        }
        if (!Files.isWritable(dir)) throw new UserError("cannot write into the run folder '" + dir + "'");
    }

    /** Where a failing run's folder goes when the user named none: {@code duro-runs/<scenario>-<seed>[-<bugs>]}. */
    static Path defaultDir(RunConfig config) {
        StringBuilder name = new StringBuilder(config.scenario()).append('-').append(config.seedText());
        for (String bug : config.bugs()) name.append('-').append(bug);
        // Tests point duro.runs.dir into target/ so that failing runs they provoke leave the tree clean.
        return Path.of(System.getProperty("duro.runs.dir", "duro-runs"), name.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    OutputOptions.TraceFile trace() {
        return trace;
    }

    /** Reads the clients' histories from the finished run (before its memory is dropped). */
    void afterRun(ScenarioRun run) {
        plan = run.executedPlan();
        List<Operation> ops = new ArrayList<>();
        try {
            for (History h : run.histories().values()) ops.addAll(h.operations());
            operations = ops;
        } catch (RuntimeException e) {
            historyProblem = e.getMessage();
        }
    }

    /**
     * Writes the summary, parameters and history, and renders the page; returns the page. A run that
     * replayed a plan is reproduced by that plan, not by its seed: {@code planFile} (null for a seeded
     * run) ends its reproduction line. The folder's own {@link RunFolder#PLAN} is what the run
     * executed, the same run but not always the same digest (it leaves out ticks the given plan
     * listed past the workload's stop, and the run's parameters count them).
     */
    Path finish(RunResult result, Path planFile) {
        String repro = planFile == null ? result.repro() : result.repro() + " --plan " + planFile;
        try {
            Files.writeString(dir.resolve(RunFolder.SUMMARY), result.toJson(repro) + "\n", StandardCharsets.UTF_8);
            Files.write(dir.resolve(RunFolder.PARAMS), result.lines(repro), StandardCharsets.UTF_8);
            Files.deleteIfExists(dir.resolve(RunFolder.PLAN));
            if (plan != null) {
                PlanFile.save(dir.resolve(RunFolder.PLAN),
                        PlanFile.write(plan, result.config(), result.untilMs(), result.config().nodes()));
            }
            Path history = dir.resolve(RunFolder.HISTORY);
            Files.deleteIfExists(history);
            if (!operations.isEmpty()) {
                String text;
                try {
                    text = DuroJsonLines.write(History.of(operations));
                } catch (RuntimeException e) {
                    text = null;
                    historyProblem = e.getMessage();
                }
                if (text != null) Files.writeString(history, text, StandardCharsets.UTF_8);
            }
            if (historyProblem != null) {
                Files.writeString(dir.resolve(RunFolder.PARAMS), String.format(Locale.ROOT,
                        "note: no history.jsonl: %s%n", historyProblem), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            }
            return RunFolder.finish(dir);
        } catch (IOException e) {
            throw new UserError("cannot write the run folder '" + dir + "': " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
