package dev.duro.cli.check;

import dev.duro.cli.UserError;
import dev.duro.model.history.History;
import dev.duro.model.history.HistoryFormat;
import dev.duro.model.history.HistoryFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a history file, with every problem turned into one {@link UserError} line. */
final class HistoryFiles {
    private HistoryFiles() {}

    static History load(Path file, HistoryFormat format) {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        try {
            return format.parse(text, file.toString());
        } catch (HistoryFormatException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Parses {@code 30s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
    static long durationNanos(String text) {
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
            throw new UserError("--timeout must be a positive duration such as 30s, 500ms or 2m, got '" + text + "'");
        }
    }
}
