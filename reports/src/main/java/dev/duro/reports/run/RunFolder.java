package dev.duro.reports.run;

import dev.duro.model.history.DuroJsonLines;
import dev.duro.model.history.History;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One run, one folder: {@code summary.json} (what {@code --json} prints), {@code trace.jsonl.gz},
 * {@code history.jsonl} (the clients' operations, Duro's JSON-lines history format, when the
 * scenario records them), {@code params.txt}, {@code plan.jsonl} (the run's faults and
 * operations as data, for object scenarios) and {@code report.html}. The CLI writes the summary, the parameters and the
 * plain trace; {@link #finish(Path)} compresses the trace and renders the page from those files,
 * so a page can always be made again from the folder alone.
 */
public final class RunFolder {
    private RunFolder() {}

    public static final String SUMMARY = "summary.json";
    public static final String TRACE = "trace.jsonl";
    public static final String TRACE_GZ = "trace.jsonl.gz";
    public static final String PARAMS = "params.txt";
    public static final String HISTORY = "history.jsonl";
    public static final String REPORT = "report.html";
    /** The faults and operations the run executed, as a plan {@code duro sim run --plan} replays. */
    public static final String PLAN = "plan.jsonl";

    /** Compresses the plain trace (if present) and writes {@code report.html}; returns the page's path. */
    public static Path finish(Path dir) {
        try {
            Path plain = dir.resolve(TRACE);
            Path gz = dir.resolve(TRACE_GZ);
            if (Files.exists(plain)) {
                Path tmp = dir.resolve(TRACE_GZ + ".tmp");
                try (InputStream in = Files.newInputStream(plain);
                     OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                    in.transferTo(out);
                }
                Files.move(tmp, gz, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.delete(plain);
            }
            return render(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the run folder: " + e.getMessage(), e);
        }
    }

    /** (Re)renders {@code report.html} from the folder's summary and trace. */
    public static Path render(Path dir) throws IOException {
        Path summaryFile = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            throw new IOException(summaryFile + " is missing: not a run folder (duro sim run --out DIR writes one)");
        }
        RunSummary summary = RunSummary.parse(Files.readString(summaryFile, StandardCharsets.UTF_8), summaryFile.toString());
        List<TraceLine> trace = readTrace(dir);
        Path historyFile = dir.resolve(HISTORY);
        History history = Files.isRegularFile(historyFile)
                ? DuroJsonLines.parse(Files.readString(historyFile, StandardCharsets.UTF_8), historyFile.toString()) : null;
        List<String> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(REPORT)).sorted().forEach(files::add);
        }
        Path page = dir.resolve(REPORT);
        Files.writeString(page, RunReport.render(summary, trace, history, files), StandardCharsets.UTF_8);
        return page;
    }

    /** The trace lines from {@code trace.jsonl.gz} or {@code trace.jsonl}; empty when the folder has none. */
    static List<TraceLine> readTrace(Path dir) throws IOException {
        Path gz = dir.resolve(TRACE_GZ);
        Path plain = dir.resolve(TRACE);
        Path source = Files.exists(gz) ? gz : plain;
        if (!Files.exists(source)) return List.of();
        List<TraceLine> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(source);
             InputStream in = source == gz ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isBlank()) out.add(TraceLine.parse(line, source.getFileName().toString(), n));
            }
        }
        return out;
    }
}
