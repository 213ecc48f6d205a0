package dev.duro.scenarios.frame;

import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.sim.Simulation;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A closed-loop workload client: one operation at a time, a random pause between them, nothing
 * new after the stop; the final reader also makes the final reads. A subclass says what one
 * operation is ({@link #next()}, ending in {@link #done()}) and what the final reads are.
 */
public abstract class LoopClient extends ClientProgram {
    /**
     * The loop's timing: an operation every {@code intervalNanos} on average (half to one and a
     * half of it), none after {@code stopAtNanos}; final reads from {@code finalReadAtNanos} when
     * {@code finalReader}.
     */
    public record Pace(long intervalNanos, long stopAtNanos, long finalReadAtNanos, boolean finalReader) {
        /** The pace of client {@code index} in a run with this timeline; client 0 makes the final reads. */
        public static Pace of(long intervalMs, Timeline timeline, int index) {
            return new Pace(Simulation.millis(intervalMs), Simulation.millis(timeline.stopAtMs()),
                    Simulation.millis(timeline.finalReadAtMs()), index == 0);
        }
    }

    protected final Pace pace;
    private int answered;
    /** Ticks of the loop so far: an operation's number in a plan. */
    private int ticks;

    protected LoopClient(String name, int index, LongSupplier virtualNanos, long timeoutNanos, Pace pace) {
        super(name, index, virtualNanos, timeoutNanos);
        this.pace = pace;
    }

    @Override
    protected final void begin() {
        long first = entropy.nextLong(pace.intervalNanos()) + 1;
        if (workload.replaying()) {
            replayNext(first);
        } else {
            after(first, this::tick);
        }
        if (pace.finalReader()) at(pace.finalReadAtNanos(), this::finalReads);
    }

    private void tick() {
        if (stopped()) return;
        workload.issue(index(), ticks++, now(), this::next);
    }

    /**
     * Replaying a plan: the ticks it leaves out before its next listed one are drawn dry at once
     * (each with its pause, so the stream stays where it was when the plan was recorded), and the
     * listed one is issued at its recorded time, or at once if the previous operation ended later.
     * Operations keep their times whichever others a plan leaves out.
     */
    private void replayNext(long delayNanos) {
        while (!workload.listed(index(), ticks)) {
            if (!workload.listedFrom(index(), ticks)) {
                // Nothing more to issue; the loop's next wake-up stays (it finds the workload stopped, as when recorded).
                after(delayNanos, () -> { });
                return;
            }
            ticks++;
            workload.dry(this::next);
            delayNanos = pauseNanos();
        }
        long at = workload.plannedAtNanos(index(), ticks);
        at(Math.max(at, now()), this::tick);
    }

    /** The pause after an operation, drawn from the client's stream. */
    private long pauseNanos() {
        return pace.intervalNanos() / 2 + entropy.nextLong(pace.intervalNanos());
    }

    /** Starts one operation (only before the stop); calls {@link #done()} when it is over. */
    protected abstract void next();

    /** The final reads (final reader only), typically with {@link #untilAnswered}. */
    protected abstract void finalReads();

    /** The current operation is over: the next one after a random pause. */
    protected final void done() {
        long pause = pauseNanos();
        if (workload.replaying()) {
            replayNext(pause);
        } else {
            after(pause, this::tick);
        }
    }

    /** True from the stop on: nothing new starts, and answers no longer count as acknowledgements. */
    protected final boolean stopped() {
        return now() >= pace.stopAtNanos();
    }

    /**
     * Calls, resending the same request while {@code settled} rejects the outcome and the workload
     * has not stopped, {@code attempts} times in all (only for requests the object applies once);
     * {@code then} gets the last outcome.
     */
    protected final void callResending(String namespace, String objectName, Request request, int attempts,
                                       Predicate<Outcome> settled, Consumer<Outcome> then) {
        call(namespace, objectName, request, o -> {
            if (!settled.test(o) && attempts > 1 && !stopped()) {
                callResending(namespace, objectName, request, attempts - 1, settled, then);
            } else {
                then.accept(o);
            }
        });
    }

    /** True for a 2xx answer. */
    protected static boolean ok(Outcome o) {
        return o instanceof Outcome.Answer a && a.response().isOk();
    }

    /**
     * For an operation in a history: a 2xx answer before the stop, counted as answered; anything
     * else leaves the operation open (indeterminate: it may take effect at any later time) and
     * retires this client's process.
     */
    protected final Optional<Response> acknowledged(Outcome o) {
        if (ok(o) && !stopped()) {
            answered++;
            return Optional.of(((Outcome.Answer) o).response());
        }
        retireProcess();
        return Optional.empty();
    }

    /** Operations {@link #acknowledged} so far. */
    public int answered() {
        return answered;
    }
}
