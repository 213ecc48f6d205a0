package dev.duro.model.world;

/**
 * A node's event loop: the only place the node's code runs.
 *
 * <p>Tasks run one at a time, to completion, in the order the world decides (in simulation: virtual
 * time, then submission sequence). There are no locks in runtime code because there is no
 * concurrency on a loop.
 *
 * <p>On a crash every pending task and timer of the node is discarded without running; nothing
 * submitted before the crash runs after the restart. Submitting to a crashed node's loop is a
 * silent no-op (the submitter's node is the one that is gone).
 *
 * <p><b>Threads.</b> {@link #execute(Runnable)} is the one method that may be called from any
 * thread: in deployment it is the door through which Netty I/O and the disk's sync thread hand
 * work to the node (in simulation there is only the kernel's thread). Tasks submitted from one
 * thread run in submission order. Everything else, and every task, runs on the loop.
 */
public interface Loop {
    /** Runs the task on this loop after the tasks already queued (never inline); safe from any thread. */
    void execute(Runnable task);

    /** Runs the task after at least {@code delayNanos} of this node's monotonic time. */
    TimerHandle schedule(long delayNanos, Runnable task);

    /** True when the caller is running on this loop; used by assertions, never for control flow. */
    boolean inLoop();
}
