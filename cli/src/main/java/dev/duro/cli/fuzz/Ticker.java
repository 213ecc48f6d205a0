package dev.duro.cli.fuzz;

import java.io.PrintWriter;

/** Inputs sent so far, redrawn on stderr at most once a second when a person is watching. */
final class Ticker {
    private final PrintWriter err;
    private final boolean on;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastNanos;

    Ticker(PrintWriter err, boolean on, long total) {
        this.err = err;
        this.on = on;
        this.total = total;
    }

    synchronized void update(long done) {
        long now = System.nanoTime();
        if (!on || now - lastNanos < 1_000_000_000L) return;
        lastNanos = now;
        double rate = done / Math.max(1e-9, (now - startNanos) / 1e9);
        err.printf("\r%,d/%,d inputs, %,.0f/s, about %d s left   ", done, total, rate, (long) ((total - done) / Math.max(1, rate)));
        err.flush();
    }

    synchronized void clear() {
        if (on) {
            err.print("\r" + " ".repeat(70) + "\r");
            err.flush();
        }
    }
}
