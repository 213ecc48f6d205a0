package dev.duro.deploy;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test helpers that hand work to a node's loop and wait, always with a bound and a message. */
public final class OnLoop {
    private OnLoop() {
    }

    /** Runs {@code action} on {@code loop} and waits for its promise to complete (either way). */
    public static <T> Promise<T> await(Loop loop, Supplier<Promise<T>> action, long timeoutMillis, String what) {
        CompletableFuture<Promise<T>> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                Promise<T> p = action.get();
                p.whenComplete((v, e) -> done.complete(p));
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        return get(done, timeoutMillis, what);
    }

    /** Runs {@code action} on {@code loop} and returns its result. */
    public static <T> T call(Loop loop, Supplier<T> action, long timeoutMillis, String what) {
        CompletableFuture<T> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                done.complete(action.get());
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        return get(done, timeoutMillis, what);
    }

    /** Polls {@code condition} every 10 ms until it holds; fails with {@code what} after the bound. */
    public static void waitUntil(BooleanSupplier condition, long timeoutMillis, Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("not within " + timeoutMillis + " ms: " + what.get());
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what.get());
            }
        }
    }

    private static <T> T get(CompletableFuture<T> f, long timeoutMillis, String what) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no outcome within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": threw " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted");
        }
    }
}
