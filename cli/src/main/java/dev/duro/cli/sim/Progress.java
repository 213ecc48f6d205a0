package dev.duro.cli.sim;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long job on stderr, so a person at a terminal sees it move: runs done of the
 * total, failures so far, the rate and the time left. On a terminal it is one line redrawn in
 * place (at most twice a second); forced onto something else ({@code --progress}) it is a line
 * every ten seconds. Off, it prints nothing. Whoever prints to stdout calls {@link #clear()} first,
 * so the redrawn line never mixes with the report.
 */
final class Progress {
    private static final long REDRAW_NANOS = 500_000_000L;
    private static final long LINE_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean enabled;
    private final boolean inPlace;
    private final LongSupplier nanos;
    private final boolean upperBound;
    private final long startNanos;
    private long lastNanos;
    private int shownWidth;

    Progress(PrintWriter err, String what, long total, boolean enabled, boolean inPlace, LongSupplier nanos) {
        this(err, what, total, enabled, inPlace, nanos, false);
    }

    /** With {@code upperBound}, the total is a most (a hunt stops at its first find): the time left is "at most". */
    Progress(PrintWriter err, String what, long total, boolean enabled, boolean inPlace, LongSupplier nanos, boolean upperBound) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.enabled = enabled;
        this.inPlace = inPlace;
        this.nanos = nanos;
        this.upperBound = upperBound;
        this.startNanos = nanos.getAsLong();
        this.lastNanos = startNanos;
    }

    /** Off, on a terminal (redrawn in place), or forced on elsewhere (lines), by the flag and the console. */
    static Progress of(Boolean flag, boolean json, PrintWriter err, String what, long total) {
        boolean terminal = Terminal.interactive();
        boolean on = flag != null ? flag : terminal && !json;
        return new Progress(err, what, total, on, terminal, WallClock::nanos);
    }

    /** The same display for another job (a progress line per bug of a hunt). */
    Progress next(String nextWhat, long nextTotal, boolean nextUpperBound) {
        clear();
        return new Progress(err, nextWhat, nextTotal, enabled, inPlace, nanos, nextUpperBound);
    }

    /** Reports {@code done} runs of the total with {@code failed} failures (-1: not counted), when the last report is old enough. */
    void update(long done, long failed) {
        if (!enabled) return;
        long now = nanos.getAsLong();
        if (now - lastNanos < (inPlace ? REDRAW_NANOS : LINE_NANOS) && done < total) return;
        lastNanos = now;
        String line = line(done, failed, now - startNanos);
        if (inPlace) {
            err.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
            shownWidth = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Erases the redrawn line (before anything else is printed). */
    void clear() {
        if (!enabled || !inPlace || shownWidth == 0) return;
        err.print("\r" + " ".repeat(shownWidth) + "\r");
        err.flush();
        shownWidth = 0;
    }

    /** {@code 120/800 runs (15%), 0 failed, 4.1 runs/s, about 2 min 46 s left}; no failures part when {@code failed < 0}. */
    String line(long done, long failed, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left = done == 0 || rate <= 0 ? "time left not known yet"
                : done >= total ? "done in " + duration(seconds)
                : (upperBound ? "at most " : "about ") + duration((total - done) / rate) + " left";
        return String.format(Locale.ROOT, "%d/%d %s (%.0f%%), %s%.1f runs/s, %s", done, total, what,
                total == 0 ? 100.0 : 100.0 * done / total, failed < 0 ? "" : failed + " failed, ", rate, left);
    }

    /** {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 10 min}, {@code 3 d 4 h}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return s / 60 + " min " + s % 60 + " s";
        if (s < 86_400) return s / 3600 + " h " + s % 3600 / 60 + " min";
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }
}
