package dev.duro.cli.sim;

import dev.duro.cli.UserError;
import dev.duro.sim.trace.TraceEvent;
import dev.duro.sim.trace.TraceJson;
import dev.duro.sim.trace.TraceListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a run's output goes: the trace file, the run folder and the JSON summary line. */
public final class OutputOptions {
    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write every trace event as JSON lines to FILE (schema in docs/simulation.md).")
    Path trace;

    @Option(names = "--json", description = "End the output with one JSON object summarizing the run.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the run's folder to DIR: summary.json, trace.jsonl.gz, history.jsonl, params.txt, "
                    + "plan.jsonl (object scenarios: the faults and operations as data, for --plan) and report.html (a page "
                    + "to open in a browser). Without it, a failing run writes its folder to "
                    + "duro-runs/<scenario>-<seed>[-<bug>...] (reran with the same seed, so the same digest).")
    Path out;

    @Option(names = "--no-report", description = "Write no folder for a failing run unless --out names one.")
    boolean noReport;

    /** A listener writing JSON lines; remembers the first I/O error instead of disturbing the run. */
    static final class TraceFile implements TraceListener, AutoCloseable {
        private final Path path;
        private final Writer out;
        private IOException error;
        private long written;

        TraceFile(Path path) {
            this.path = path;
            try {
                this.out = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8), 1 << 16);
            } catch (IOException e) {
                throw new UserError("cannot open trace file '" + path + "': " + e.getMessage());
            }
        }

        @Override
        public void onEvent(TraceEvent event) {
            if (error != null) return;
            try {
                out.write(TraceJson.line(event));
                out.write('\n');
                written++;
            } catch (IOException e) {
                error = e;
            }
        }

        long written() {
            return written;
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                if (error == null) error = e;
            }
            if (error != null) throw new UserError("cannot write trace file '" + path + "': " + error.getMessage());
        }
    }

    TraceFile openTrace() {
        return trace == null ? null : new TraceFile(trace);
    }
}
