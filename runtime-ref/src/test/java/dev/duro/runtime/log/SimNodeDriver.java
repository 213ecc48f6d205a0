package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.random.SeededEntropy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives one simulated node from a test, for the rigs of the node's log ({@link LogRig}) and of
 * its replica store: runs virtual time, waits for a promise made on the node's loop, crashes the
 * node at drawn instants, and encodes the toy snapshot images the durability workloads write.
 */
public final class SimNodeDriver {
    private SimNodeDriver() {
    }

    /** Runs the simulation {@code ms} of virtual time further. */
    public static void runMillis(Simulation sim, long ms) {
        long until = sim.nowNanos() + Simulation.millis(ms);
        sim.at(until, () -> { });
        sim.run(until, Long.MAX_VALUE);
    }

    /** Runs {@code action} on the node's loop and the simulation until its promise completes (or 10 s pass). */
    public static <T> Promise<T> await(Simulation sim, World world, Supplier<Promise<T>> action) {
        @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: one slot the lambda fills
        Promise<T>[] holder = new Promise[1];
        world.loop().execute(() -> holder[0] = action.get());
        for (int i = 0; i < 10_000 && (holder[0] == null || !holder[0].isDone()); i++) runMillis(sim, 1);
        assertThat(holder[0]).as("action ran").isNotNull();
        return holder[0];
    }

    /** As {@link #await}, and returns the value; a failure or a promise still pending fails the test. */
    public static <T> T awaitValue(Simulation sim, World world, Supplier<Promise<T>> action) {
        Promise<T> p = await(sim, world, action);
        assertThat(p.isDone()).as("completed").isTrue();
        if (p.isFailed()) throw new AssertionError("failed: " + p.failure(), p.failure());
        return p.value();
    }

    /** Crashes the node if it is up, restarts it on the same disk and runs 1 ms. */
    public static void crashAndRestart(Simulation sim, SimulatedNode node) {
        if (node.isUp()) node.crash();
        node.restart();
        runMillis(sim, 1);
    }

    /**
     * Crashes {@code node} {@code count} times at instants drawn in the next {@code windowMillis}
     * (from 2 ms on), each time restarting it 1-21 ms later; {@code onCrash} runs at each crash.
     */
    public static void scheduleCrashes(Simulation sim, SimulatedNode node, SeededEntropy draws, int count,
                                       long windowMillis, Runnable onCrash) {
        for (int i = 0; i < count; i++) {
            long at = sim.nowNanos() + Simulation.millis(2) + draws.nextLong(Simulation.millis(windowMillis));
            long downNanos = Simulation.millis(1) + draws.nextLong(Simulation.millis(20));
            sim.at(at, () -> {
                if (!node.isUp()) return;
                node.crash();
                onCrash.run();
                sim.after(downNanos, () -> {
                    if (!node.isUp()) node.restart();
                });
            });
        }
    }

    /** A toy snapshot image: the payloads of batches 1..n. */
    public static byte[] encodeImage(List<byte[]> payloads) {
        int size = 4;
        for (byte[] p : payloads) size += 4 + p.length;
        ByteBuffer buf = ByteBuffer.allocate(size).putInt(payloads.size());
        for (byte[] p : payloads) buf.putInt(p.length).put(p);
        return buf.array();
    }

    public static List<byte[]> decodeImage(byte[] image) {
        ByteBuffer buf = ByteBuffer.wrap(image);
        int n = buf.getInt();
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[buf.getInt()];
            buf.get(p);
            out.add(p);
        }
        return out;
    }
}
