package dev.duro.cli.check;

import dev.duro.cli.UserError;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import dev.duro.model.history.HistoryFormatException;
import dev.duro.model.history.Status;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reading a history file, with every problem turned into one {@link UserError} line. */
public final class HistoryFiles {
    private HistoryFiles() {}

    /** The extensions a directory's history files have, per format. */
    static List<String> extensions(HistoryFormat format) {
        return switch (format) {
            case JEPSEN_ETCD -> List.of(".log");
            case JEPSEN_KV -> List.of(".txt", ".edn");
            case KNOSSOS_EDN -> List.of(".edn");
            case DURO_JSONL -> List.of(".jsonl");
        };
    }

    /**
     * The files to check: each file as given, and for a directory the files directly inside it
     * with the format's extensions, by name (saying so on {@code out} when it is not null).
     */
    static List<Path> expand(List<Path> args, HistoryFormat format, PrintWriter out) {
        List<Path> files = new ArrayList<>();
        for (Path p : args) {
            if (!Files.isDirectory(p)) {
                files.add(p);
                continue;
            }
            List<String> exts = extensions(format);
            List<Path> inside;
            try (Stream<Path> list = Files.list(p)) {
                inside = list.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().startsWith("."))
                        .filter(f -> exts.stream().anyMatch(e -> f.getFileName().toString().endsWith(e)))
                        .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
            } catch (IOException e) {
                throw new UserError(p + ": cannot list the directory: " + e.getMessage());
            }
            String what = String.join(" or ", exts) + " files (" + format.cliName() + ")";
            if (inside.isEmpty()) throw new UserError(p + ": is a directory with no " + what + " directly inside");
            if (out != null) out.println(p + ": is a directory: checking its " + inside.size() + " " + what + "; other files and subdirectories skipped");
            files.addAll(inside);
        }
        return files;
    }

    /** Why {@code history} can give no verdict (no completed operation), or null when it can. */
    static String nothingToJudge(History history) {
        if (history.size() == 0) return "no operations in the file: nothing to judge";
        long completed = history.operations().stream().filter(op -> op.status() == Status.OK).count();
        if (completed > 0) return null;
        return "none of its " + history.size() + " operation(s) completed ok; each failed or was indeterminate: nothing to judge";
    }

    static History load(Path file, HistoryFormat format) {
        if (Files.isDirectory(file)) throw new UserError(file + ": is a directory");
        if (!Files.exists(file)) throw new UserError(file + ": no such file");
        if (!Files.isRegularFile(file)) throw new UserError(file + ": not a regular file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        History history;
        try {
            history = format.parse(text, file.toString());
        } catch (HistoryFormatException e) {
            throw new UserError(e.getMessage());
        }
        if (history.size() == 0 && !text.isBlank()) {
            // Text, but not one operation in it: most likely the wrong --format, never an empty pass.
            String[] lines = text.split("\n", -1);
            int n = 0;
            while (lines[n].isBlank()) n++;
            String first = lines[n].strip();
            if (first.length() > 60) first = first.substring(0, 60) + "...";
            throw new UserError(file + ": no line is a " + format.cliName() + " operation (line " + (n + 1) + ": '" + first
                    + "'); is --format right? (formats: " + String.join(", ", HistoryFormat.names()) + ")");
        }
        return history;
    }

    /** Parses {@code 30s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
    static long durationNanos(String text) {
        return durationNanos("--timeout", text);
    }

    /** A positive duration such as {@code 30s}, {@code 500ms}, {@code 2m} (a bare number is seconds); else a {@link UserError} naming {@code flag}. */
    public static long durationNanos(String flag, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1_000_000_000L;
        if (t.endsWith("ms")) {
            unit = 1_000_000L;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000_000_000L;
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (!(v > 0)) throw new NumberFormatException();
            return (long) Math.min(Long.MAX_VALUE / 2.0, v * unit);
        } catch (NumberFormatException e) {
            throw new UserError(flag + " must be a positive duration such as 30s, 500ms or 2m, got '" + text + "'");
        }
    }
}
