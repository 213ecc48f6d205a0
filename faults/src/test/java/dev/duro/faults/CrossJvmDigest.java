package dev.duro.faults;

import dev.duro.sim.Simulation;
import dev.duro.sim.trace.TraceListener;

/**
 * Prints {@code seed digest} for each seed given: a {@link NemesisRig} run with every fault on,
 * through the heal and on. {@link CrossJvmDeterminismTest} runs it in JVMs with different execution
 * modes and compares the lines.
 */
public final class CrossJvmDigest {
    static final int NODES = 5;
    static final long HEAL_AT_MS = 2_000;
    static final long UNTIL_MS = 3_000;

    private CrossJvmDigest() {}

    public static void main(String[] args) {
        for (String arg : args) System.out.println(line(Long.parseLong(arg)));
    }

    static String line(long seed) {
        NemesisRig rig = new NemesisRig(seed, NODES, HEAL_AT_MS, TraceListener.NONE);
        rig.sim.run(Simulation.millis(UNTIL_MS), 2_000_000);
        return seed + " " + rig.sim.trace().digestHex() + " " + rig.sim.trace().count();
    }
}
