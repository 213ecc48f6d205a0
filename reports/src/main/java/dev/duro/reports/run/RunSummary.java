package dev.duro.reports.run;

import dev.duro.model.history.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * A run's summary as {@code duro sim run --json} prints it (its last line), the report's header.
 *
 * @param seed the seed as given
 * @param scenario scenario name
 * @param faults the fault selection
 * @param digest the trace digest
 * @param verdict {@code PASS} or {@code FAIL}
 * @param exitCode the run's exit code
 * @param stopReason which budget ended the run
 * @param simTimeMs virtual time reached
 * @param parameters every drawn parameter, in print order
 * @param violations violated properties, in the order the run reported them
 * @param repro the reproduction command
 */
public record RunSummary(String seed, String scenario, String faults, String digest, String verdict, int exitCode,
                         String stopReason, long simTimeMs, SequencedMap<String, String> parameters,
                         List<ViolationLine> violations, String repro) {

    /** One violated property. */
    public record ViolationLine(String property, String failureClass, String message) {}

    public RunSummary {
        parameters = new LinkedHashMap<>(parameters);
        violations = List.copyOf(violations);
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    /** Parses the summary JSON object. */
    public static RunSummary parse(String json, String source) {
        if (!(Json.parse(json.strip(), source, 1) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(source + ": the summary must be one JSON object");
        }
        SequencedMap<String, String> params = new LinkedHashMap<>();
        if (m.get("parameters") instanceof Map<?, ?> p) {
            for (Map.Entry<?, ?> e : p.entrySet()) params.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        List<ViolationLine> violations = new ArrayList<>();
        if (m.get("violations") instanceof List<?> vs) {
            for (Object o : vs) {
                if (o instanceof Map<?, ?> v) {
                    violations.add(new ViolationLine(str(v, "property"), str(v, "class"), str(v, "message")));
                }
            }
        }
        return new RunSummary(str(m, "seed"), str(m, "scenario"), str(m, "faults"), str(m, "digest"), str(m, "verdict"),
                (int) num(m, "exitCode"), str(m, "stopReason"), num(m, "simTimeMs"), params, violations, str(m, "repro"));
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : String.valueOf(v);
    }

    private static long num(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
