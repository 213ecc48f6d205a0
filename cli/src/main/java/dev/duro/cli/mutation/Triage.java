package dev.duro.cli.mutation;

import dev.duro.cli.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The triage of surviving mutants (docs/mutation-triage.tsv): one line per survivor that no test
 * kills, {@code Class.method:line <TAB> Mutator <TAB> equivalent|open <TAB> reason}. An
 * {@code equivalent} mutant behaves like the original in every run that matters and leaves the
 * score's denominator; an {@code open} one is a gap the line says how to close. Lines starting with
 * {@code #} are comments.
 */
record Triage(Map<String, Entry> entries) {
    enum Verdict { EQUIVALENT, OPEN }

    record Entry(String key, Verdict verdict, String reason, int lineNumber) {
    }

    /** The key a mutant is triaged under: every mutant of one mutator on one line shares it. */
    static String keyOf(MutationReport.Mutant m) {
        return m.simpleClass() + "." + m.method() + ":" + m.line() + "\t" + m.mutatorName();
    }

    Entry of(MutationReport.Mutant m) {
        return entries.get(keyOf(m));
    }

    /** The triage lines of all {@code files} together; a mutant triaged in two of them is an error. */
    static Triage read(List<Path> files) {
        Map<String, Entry> entries = new TreeMap<>();
        for (Path f : files) {
            for (Entry e : read(f).entries().values()) {
                if (entries.put(e.key(), e) != null) {
                    throw new UserError("--triage '" + f + "' line " + e.lineNumber() + ": '" + e.key().replace('\t', ' ')
                            + "' is triaged in another file too");
                }
            }
        }
        return new Triage(Map.copyOf(entries));
    }

    static Triage read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("--triage '" + file + "': cannot read it (" + e.getMessage() + ")");
        }
        Map<String, Entry> entries = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", 4);
            String where = "--triage '" + file + "' line " + (i + 1) + ": ";
            if (f.length != 4 || !f[0].matches("[A-Za-z0-9_]+\\.[^:\\s]+:\\d+") || f[3].isBlank()) {
                throw new UserError(where + "expected 'Class.method:line<TAB>Mutator<TAB>equivalent|open<TAB>reason', got '" + line + "'");
            }
            Verdict verdict = switch (f[2]) {
                case "equivalent" -> Verdict.EQUIVALENT;
                case "open" -> Verdict.OPEN;
                default -> throw new UserError(where + "the verdict must be 'equivalent' or 'open', got '" + f[2] + "'");
            };
            String key = f[0] + "\t" + f[1];
            if (entries.put(key, new Entry(key, verdict, f[3].trim(), i + 1)) != null) {
                throw new UserError(where + "'" + f[0] + " " + f[1] + "' is triaged twice");
            }
        }
        return new Triage(Map.copyOf(entries));
    }
}
