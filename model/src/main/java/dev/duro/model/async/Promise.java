package dev.duro.model.async;

import dev.duro.model.world.Loop;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A deterministic future owned by one {@link Loop}.
 *
 * <p>Its state changes only on its owning loop: a completion from elsewhere (a test, an I/O
 * thread in deployment) hops onto the loop first. Callbacks never run inline: each is submitted
 * to the owning loop as its own task, in registration order, so the order in which code runs is a
 * function of the loop's queue alone. {@code CompletableFuture} offers none of these guarantees
 * (callbacks run on whichever thread completes it), which is why the runtime does not use it.
 *
 * <p>A promise completes at most once; later completions return false and change nothing. When
 * the owning node crashes its pending callbacks vanish with its loop.
 */
public final class Promise<T> {
    private enum State { PENDING, SUCCEEDED, FAILED }

    private final Loop loop;
    private State state = State.PENDING;
    private T value;
    private Throwable failure;
    private List<BiConsumer<? super T, Throwable>> callbacks = new ArrayList<>(2);

    private Promise(Loop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** A pending promise owned by {@code loop}. */
    public static <T> Promise<T> on(Loop loop) {
        return new Promise<>(loop);
    }

    public static <T> Promise<T> succeeded(Loop loop, T value) {
        Promise<T> p = new Promise<>(loop);
        p.state = State.SUCCEEDED;
        p.value = value;
        return p;
    }

    public static <T> Promise<T> failed(Loop loop, Throwable failure) {
        Promise<T> p = new Promise<>(loop);
        p.state = State.FAILED;
        p.failure = Objects.requireNonNull(failure, "failure");
        return p;
    }

    public Loop loop() {
        return loop;
    }

    /**
     * Completes with {@code result}. Returns false if already complete. From outside the owning
     * loop, the completion is scheduled on it and this returns true if it was pending at the call.
     */
    public boolean complete(T result) {
        if (!loop.inLoop()) {
            boolean pending = state == State.PENDING;
            loop.execute(() -> complete(result));
            return pending;
        }
        if (state != State.PENDING) return false;
        state = State.SUCCEEDED;
        value = result;
        fire();
        return true;
    }

    /** Fails with {@code cause}. Same rules as {@link #complete(Object)}. */
    public boolean fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        if (!loop.inLoop()) {
            boolean pending = state == State.PENDING;
            loop.execute(() -> fail(cause));
            return pending;
        }
        if (state != State.PENDING) return false;
        state = State.FAILED;
        failure = cause;
        fire();
        return true;
    }

    public boolean isDone() {
        return state != State.PENDING;
    }

    public boolean isSucceeded() {
        return state == State.SUCCEEDED;
    }

    public boolean isFailed() {
        return state == State.FAILED;
    }

    /** The value of a succeeded promise; throws otherwise. */
    public T value() {
        if (state != State.SUCCEEDED) {
            throw new IllegalStateException("promise is " + state + ", has no value", failure);
        }
        return value;
    }

    /** The cause of a failed promise; throws otherwise. */
    public Throwable failure() {
        if (state != State.FAILED) throw new IllegalStateException("promise is " + state + ", has no failure");
        return failure;
    }

    /** Calls {@code callback(value, null)} or {@code callback(null, failure)} on the owning loop. */
    public void whenComplete(BiConsumer<? super T, Throwable> callback) {
        Objects.requireNonNull(callback, "callback");
        if (state == State.PENDING) {
            callbacks.add(callback);
        } else {
            dispatch(callback);
        }
    }

    public void onSuccess(Consumer<? super T> callback) {
        whenComplete((v, e) -> {
            if (e == null) callback.accept(v);
        });
    }

    public void onFailure(Consumer<Throwable> callback) {
        whenComplete((v, e) -> {
            if (e != null) callback.accept(e);
        });
    }

    /** A promise of {@code fn(value)}; a thrown exception fails it. */
    public <U> Promise<U> map(Function<? super T, ? extends U> fn) {
        Promise<U> next = new Promise<>(loop);
        whenComplete((v, e) -> {
            if (e != null) {
                next.fail(e);
                return;
            }
            U mapped;
            try {
                mapped = fn.apply(v);
            } catch (RuntimeException | Error thrown) {
                next.fail(thrown);
                return;
            }
            next.complete(mapped);
        });
        return next;
    }

    /** A promise that follows {@code fn(value)}. */
    public <U> Promise<U> flatMap(Function<? super T, Promise<U>> fn) {
        Promise<U> next = new Promise<>(loop);
        whenComplete((v, e) -> {
            if (e != null) {
                next.fail(e);
                return;
            }
            Promise<U> inner;
            try {
                inner = Objects.requireNonNull(fn.apply(v), "flatMap function returned null");
            } catch (RuntimeException | Error thrown) {
                next.fail(thrown);
                return;
            }
            inner.whenComplete((u, e2) -> {
                if (e2 != null) next.fail(e2);
                else next.complete(u);
            });
        });
        return next;
    }

    /** A promise that turns a failure into a value with {@code fn}. */
    public Promise<T> recover(Function<Throwable, ? extends T> fn) {
        Promise<T> next = new Promise<>(loop);
        whenComplete((v, e) -> {
            if (e == null) {
                next.complete(v);
                return;
            }
            T recovered;
            try {
                recovered = fn.apply(e);
            } catch (RuntimeException | Error thrown) {
                next.fail(thrown);
                return;
            }
            next.complete(recovered);
        });
        return next;
    }

    /** Succeeds with every value in order once all succeed; fails with the first failure. */
    public static <T> Promise<List<T>> all(Loop loop, List<Promise<T>> promises) {
        Promise<List<T>> result = new Promise<>(loop);
        int n = promises.size();
        if (n == 0) {
            result.complete(List.of());
            return result;
        }
        List<T> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) values.add(null);
        int[] remaining = {n};
        for (int i = 0; i < n; i++) {
            int index = i;
            promises.get(i).whenComplete((v, e) -> {
                if (e != null) {
                    result.fail(e);
                    return;
                }
                values.set(index, v);
                if (--remaining[0] == 0) result.complete(values);
            });
        }
        return result;
    }

    private void fire() {
        List<BiConsumer<? super T, Throwable>> pending = callbacks;
        callbacks = List.of();
        for (BiConsumer<? super T, Throwable> callback : pending) dispatch(callback);
    }

    private void dispatch(BiConsumer<? super T, Throwable> callback) {
        T v = value;
        Throwable e = failure;
        loop.execute(() -> callback.accept(v, e));
    }

    @Override
    public String toString() {
        return switch (state) {
            case PENDING -> "Promise[pending]";
            case SUCCEEDED -> "Promise[ok " + value + "]";
            case FAILED -> "Promise[failed " + failure + "]";
        };
    }
}
