package dev.duro.cli.sim;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import dev.duro.sim.trace.TraceListener;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Runs many independent simulation runs on a plain thread pool and hands their results back in
 * the order they were asked for, so a sweep's output does not depend on the number of threads or
 * on which run finished first. Each run is built and stepped on one worker thread (the kernel is
 * confined to the thread that created it) and is deterministic on its own; only the wall times
 * differ between sweeps.
 */
public final class SweepEngine {
    /**
     * One run to make; with a {@code control}, a failing run is also made under the control config
     * (the same run without a planted bug), to tell what the bug broke from what was broken anyway.
     */
    public record Job(Scenario scenario, RunConfig config, RunConfig control, String label) {
        public Job(Scenario scenario, RunConfig config) {
            this(scenario, config, null);
        }

        public Job(Scenario scenario, RunConfig config, RunConfig control) {
            this(scenario, config, control, scenario.name());
        }
    }

    /**
     * What one run gave: its result, or the exception that escaped it (a scenario that could not
     * even be built), and the wall time it took on its worker.
     */
    public record Outcome(Job job, RunResult result, Throwable error, long wallNanos, RunResult control) {
        /**
         * The violations whose property the control run (if any) did not report: what the
         * difference between the two configs broke.
         */
        List<Violation> newViolations() {
            if (control == null) return violations();
            java.util.Set<String> before = new java.util.TreeSet<>();
            for (Violation v : control.violations()) before.add(v.property());
            return violations().stream().filter(v -> !before.contains(v.property())).toList();
        }

        /** The violations, with an escaped exception as a crash. */
        List<Violation> violations() {
            if (error != null) {
                return List.of(new Violation("crash", FailureClass.CRASH, "the run threw " + error.getClass().getSimpleName() + ": "
                        + error.getMessage()));
            }
            return result.violations();
        }

        public boolean failed() {
            return !violations().isEmpty();
        }

        /** No violation, but no verdict: the run ended before its workload (see {@link dev.duro.sim.run.Verdict#INCONCLUSIVE}). */
        public boolean inconclusive() {
            return result != null && result.verdict() == dev.duro.sim.run.Verdict.INCONCLUSIVE;
        }

        int exitCode() {
            return error != null ? FailureClass.CRASH.exitCode() : result.exitCode();
        }

        String repro() {
            return result != null ? result.repro() : job.config().repro(Runner.resolvedUntilMs(job.scenario(), job.config()));
        }
    }

    private final int threads;

    public SweepEngine(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
    }

    /** Runs every job; {@code sink} sees each outcome in job order. */
    public void runAll(Iterator<Job> jobs, java.util.function.Consumer<Outcome> sink) {
        runUntil(jobs, o -> {
            sink.accept(o);
            return false;
        });
    }

    /**
     * Runs jobs in order, at most a few per thread ahead of the first unfinished one (jobs are
     * drawn from the iterator lazily, so a sweep of millions of seeds holds only those), handing
     * each outcome to {@code stop} in job order until it returns true; jobs after that one are not
     * started (those already running are finished and ignored). Returns how many outcomes
     * {@code stop} saw.
     */
    int runUntil(Iterator<Job> jobs, Predicate<Outcome> stop) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "duro-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
            ConcurrentHashMap<Long, Outcome> finished = new ConcurrentHashMap<>();
            int window = threads * 2; // ahead of the next outcome to report: keeps memory bounded
            long submitted = 0;
            long next = 0;
            while (true) {
                while (jobs.hasNext() && submitted - next < window) {
                    Job job = jobs.next();
                    long slot = submitted++;
                    done.submit(() -> {
                        finished.put(slot, runOne(job));
                        return null;
                    });
                }
                if (next == submitted) return Math.toIntExact(next); // nothing left
                done.take().get();
                Outcome o;
                while ((o = finished.remove(next)) != null) {
                    next++;
                    if (stop.test(o)) return Math.toIntExact(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a sweep worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome runOne(Job job) {
        long start = WallClock.nanos();
        RunResult r;
        try {
            r = Runner.run(job.scenario(), job.config(), TraceListener.NONE);
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(job, null, e, WallClock.nanos() - start, null);
        }
        RunResult control = null;
        if (job.control() != null && !r.violations().isEmpty()) {
            try {
                control = Runner.run(job.scenario(), job.control(), TraceListener.NONE);
            } catch (RuntimeException | StackOverflowError e) {
                control = null; // no control: every violation counts
            }
        }
        return new Outcome(job, r, null, WallClock.nanos() - start, control);
    }

    /** Available processors: what {@code --jobs} defaults to. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
