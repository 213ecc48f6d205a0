package dev.duro.scenarios.testkit;

import dev.duro.model.async.Promise;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.node.SimulatedNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How the kits drive a simulation from a test: run code on a node's loop now, run until a promise
 * or condition completes (bounded in virtual time), advance time. Shared by {@link ObjectTestKit}
 * and {@link ClusterTestKit}, so both wait, give up and rethrow alike.
 */
final class SimDriver {
    private final Simulation sim;
    private final long maxWaitNanos;
    private final long settleNanos;
    private final SimulatedNode clientNode;

    SimDriver(Simulation sim, SimulatedNode clientNode, long maxWaitNanos, long settleNanos) {
        this.sim = sim;
        this.clientNode = clientNode;
        this.maxWaitNanos = maxWaitNanos;
        this.settleNanos = settleNanos;
    }

    /** Runs {@code action} on the client's loop now, then lets the settle time pass. */
    void onClientAndSettle(Runnable action) {
        onClient(() -> {
            action.run();
            return null;
        });
        advanceNanos(settleNanos);
    }

    /** Runs {@code action} on the client's loop now (and the tasks due now), returning its result. */
    <T> T onClient(Supplier<T> action) {
        return runOn(clientNode, action);
    }

    <T> T runOn(SimulatedNode node, Supplier<T> action) {
        List<T> holder = new ArrayList<>(1);
        Throwable[] thrown = new Throwable[1];
        node.world().loop().execute(() -> {
            try {
                holder.add(action.get());
            } catch (RuntimeException | Error e) {
                thrown[0] = e;
                holder.add(null);
            }
        });
        check(sim.run(sim.nowNanos(), Long.MAX_VALUE));
        if (thrown[0] != null) throw rethrow(thrown[0]);
        if (holder.isEmpty()) throw new IllegalStateException("the action did not run on " + node);
        return holder.getFirst();
    }

    /** Starts {@code action} on the client and runs until its promise completes. */
    <T> T await(Supplier<Promise<T>> action) {
        return await(Objects.requireNonNull(onClient(action), "the action returned no promise"));
    }

    <T> T await(Promise<T> promise) {
        runUntil(promise::isDone, "waiting for an answer");
        if (promise.isFailed()) throw rethrow(promise.failure());
        return promise.value();
    }

    void runUntil(BooleanSupplier done, String what) {
        long deadline = sim.nowNanos() + maxWaitNanos;
        while (!done.getAsBoolean()) {
            if (sim.nowNanos() >= deadline) {
                throw new IllegalStateException("gave up " + what + " after " + maxWaitNanos / 1_000_000
                        + " ms of virtual time (raise Builder.maxWait if that is expected)");
            }
            // Run in small slices so the loop notices completion without a hook into every promise.
            long sliceEnd = Math.min(deadline, sim.nowNanos() + Simulation.millis(1));
            sim.at(sliceEnd, () -> { });
            check(sim.run(sliceEnd, Long.MAX_VALUE));
        }
    }

    void advanceNanos(long nanos) {
        long until = sim.nowNanos() + nanos;
        sim.at(until, () -> { });
        check(sim.run(until, Long.MAX_VALUE));
    }

    private void check(StopReason reason) {
        if (reason == StopReason.FAILURE) {
            throw new IllegalStateException("a task in the simulation threw: " + sim.kernel().failure(), sim.kernel().failure());
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }
}
