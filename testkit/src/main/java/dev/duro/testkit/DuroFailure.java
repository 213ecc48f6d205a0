package dev.duro.testkit;

import dev.duro.model.history.Json;
import dev.duro.reports.run.RunFolder;
import dev.duro.scenarios.testkit.ClusterTestKit;
import dev.duro.sim.trace.TraceJson;
import dev.duro.sim.trace.TraceListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A check that failed on a {@link ClusterTestKit}: the failure's own message, then Duro's repro
 * line, e.g. {@code duro repro: seed=7 nodes=5 faults="crash n2 at 500ms for 3000ms"}. The
 * failure is the cause. It can run the same check again on an identical kit to write a run folder
 * ({@link #writeRunFolder}): the simulation is deterministic, so the rerun fails the same way.
 */
public final class DuroFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final String repro;
    private final long seed;
    private final String faults;
    private final String digest;
    private final long simTimeMs;
    private final transient ClusterTestKit.Builder builder;
    private final transient KitBody body;

    DuroFailure(Throwable failure, ClusterTestKit kit, ClusterTestKit.Builder builder, KitBody body) {
        super(String.valueOf(failure.getMessage()).strip() + "\nduro repro: " + kit.repro() + " (at " + kit.nowMillis()
                + "ms virtual, trace digest " + kit.traceDigest() + ")", failure);
        this.repro = kit.repro();
        this.seed = kit.seed();
        this.faults = kit.faults().toString();
        this.digest = kit.traceDigest();
        this.simTimeMs = kit.nowMillis();
        this.builder = builder;
        this.body = body;
    }

    /** {@code original} with {@code more} lines after its message (the same cause, repro and rerun). */
    DuroFailure(DuroFailure original, String more) {
        super(original.getMessage() + more, original.getCause());
        this.repro = original.repro;
        this.seed = original.seed;
        this.faults = original.faults;
        this.digest = original.digest;
        this.simTimeMs = original.simTimeMs;
        this.builder = original.builder;
        this.body = original.body;
    }

    /** The kit's settings in the builder's words: {@code seed=S nodes=N faults="..."}. */
    public String repro() {
        return repro;
    }

    /** The trace digest when the check failed. */
    public String digest() {
        return digest;
    }

    /**
     * Runs the check again on an identical kit, recording its trace, and writes a run folder in
     * {@code dir} (docs/reports.md: {@code summary.json}, {@code trace.jsonl.gz}, {@code params.txt},
     * {@code report.html}); returns the report page. Says so in {@code params.txt} if the rerun
     * did not fail as the first run did (user code that is not deterministic).
     */
    public Path writeRunFolder(Path dir, String name) {
        if (builder == null) throw new IllegalStateException("a deserialized failure cannot run again");
        try {
            Files.createDirectories(dir);
            Throwable again = null;
            String digestAgain;
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(dir.resolve(RunFolder.TRACE), StandardCharsets.UTF_8), 1 << 16)) {
                TraceListener file = event -> {
                    try {
                        out.write(TraceJson.line(event));
                        out.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
                ClusterTestKit kit = builder.traceListener(file).build();
                try {
                    body.run(kit);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) {
                    again = t;
                }
                digestAgain = kit.traceDigest();
            } finally {
                builder.traceListener(TraceListener.NONE);
            }
            String message = String.valueOf(getCause().getMessage()).strip();
            List<String> params = List.of(
                    "check: " + name,
                    "kit: " + repro,
                    "failure: " + message.replace('\n', ' '),
                    again == null ? "note: the rerun for this folder passed: the check is not deterministic (its trace is here)"
                            : "rerun: failed again, digest " + digestAgain + (digestAgain.equals(digest) ? " (the same)" : " (differs)"));
            Files.write(dir.resolve(RunFolder.PARAMS), params, StandardCharsets.UTF_8);
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("kit", repro);
            parameters.put("faults", faults);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("seed", Long.toString(seed));
            summary.put("scenario", name);
            summary.put("faults", faults);
            summary.put("digest", digest);
            summary.put("verdict", "FAIL");
            summary.put("exitCode", 1);
            summary.put("stopReason", "check failed");
            summary.put("simTimeMs", simTimeMs);
            summary.put("parameters", parameters);
            summary.put("violations", List.of(Map.of("property", name, "class", "CHECK", "message", message)));
            summary.put("repro", "duro repro: " + repro);
            Files.writeString(dir.resolve(RunFolder.SUMMARY), Json.write(summary) + "\n", StandardCharsets.UTF_8);
            return RunFolder.finish(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot write the run folder: " + e.getMessage(), e);
        }
    }
}
