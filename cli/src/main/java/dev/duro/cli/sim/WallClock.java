package dev.duro.cli.sim;

/** Wall time for reporting how long a run took; never reaches the simulation. */
final class WallClock {
    private WallClock() {}

    static long nanos() {
        return System.nanoTime();
    }
}
