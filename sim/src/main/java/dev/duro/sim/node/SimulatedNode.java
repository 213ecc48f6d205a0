package dev.duro.sim.node;

import dev.duro.model.util.Invariants;
import dev.duro.model.world.Disk;
import dev.duro.model.world.FaultPoints;
import dev.duro.model.world.NodeId;
import dev.duro.model.world.NodeProgram;
import dev.duro.model.world.TraceSink;
import dev.duro.model.world.Transport;
import dev.duro.sim.disk.DiskDevice;
import dev.duro.sim.kernel.Kernel;
import dev.duro.sim.kernel.SimulatedClock;
import dev.duro.sim.net.SimulatedNetwork;
import dev.duro.sim.random.SeededEntropy;
import dev.duro.sim.trace.EventKind;

/**
 * A simulated node process: a {@link NodeProgram}, its disk device and clock (which outlive
 * crashes), and per incarnation a loop, a network endpoint, an entropy stream and fault points.
 *
 * <p><b>Fault model.</b> {@link #crash()} kills the process at this instant: every pending task and
 * timer of the incarnation is discarded, promises it owns never complete, messages in flight to it
 * are dropped, its network handler is forgotten, and the disk device applies its crash model to
 * unsynced data. The program object may linger in memory, but nothing of it runs again: the next
 * {@link #restart()} calls {@link NodeProgram#start} with a fresh world on the same disk device, so
 * the only state that survives is what the disk kept. {@link #pause(long)} stops the process
 * without losing state: its tasks, timers and incoming messages wait until the pause ends.
 */
public final class SimulatedNode {
    private final Kernel kernel;
    private final SimulatedNetwork network;
    private final int index;
    private final NodeId id;
    private final NodeProgram program;
    private final DiskDevice device;
    private final SimulatedClock clock;
    private final SeededEntropy entropyRoot;
    private final FaultPointSettings faultPointSettings;

    private NodeState state = NodeState.NEW;
    private int incarnation;
    private SimulatedLoop loop;
    private SimulatedWorld world;

    /** Fault-point configuration shared by the nodes of a run. */
    public record FaultPointSettings(boolean enabled, long activationSeed, double activationRate, double fireRate) {
        public static final FaultPointSettings OFF = new FaultPointSettings(false, 0, 0, 0);
    }

    public SimulatedNode(Kernel kernel, SimulatedNetwork network, int index, NodeProgram program, DiskDevice device,
                         SimulatedClock clock, SeededEntropy entropyRoot, FaultPointSettings faultPointSettings) {
        Invariants.check(program != null, "node program must not be null");
        Invariants.check(device != null, "disk device must not be null");
        this.kernel = kernel;
        this.network = network;
        this.index = index;
        this.id = NodeId.of(index);
        this.program = program;
        this.device = device;
        this.clock = clock;
        this.entropyRoot = entropyRoot;
        this.faultPointSettings = faultPointSettings;
    }

    public NodeId id() {
        return id;
    }

    public int index() {
        return index;
    }

    public NodeState state() {
        return state;
    }

    public boolean isUp() {
        return state == NodeState.UP;
    }

    public boolean isPaused() {
        return state == NodeState.UP && kernel.isPaused(index);
    }

    /** Incarnation number: 1 for the first boot, +1 per restart; 0 before the first start. */
    public int incarnation() {
        return incarnation;
    }

    public SimulatedClock clock() {
        return clock;
    }

    public DiskDevice device() {
        return device;
    }

    /** The live incarnation's world, or null when down. */
    public SimulatedWorld world() {
        return state == NodeState.UP ? world : null;
    }

    /** Boots the node for the first time. */
    public void start() {
        Invariants.check(state == NodeState.NEW, "%s already started (state %s)", id, state);
        boot();
    }

    /** Boots a crashed node again, on the same disk. */
    public void restart() {
        Invariants.check(state == NodeState.DOWN, "%s can only restart when down (state %s)", id, state);
        boot();
    }

    /** Kills the process now, losing all volatile state (see the class comment). */
    public void crash() {
        Invariants.check(state == NodeState.UP, "%s can only crash when up (state %s)", id, state);
        state = NodeState.DOWN;
        kernel.trace().record(kernel.nowNanos(), index, EventKind.CRASH, incarnation, 0, 0, null, null);
        // The device applies its crash model while the dying incarnation's trace sink still
        // records, so "disk-crash" (lost and torn writes) reaches the trace; it runs no node code.
        device.crash();
        kernel.nodeState(index, incarnation, false);
        Invariants.check(!loop.alive(), "a crashed incarnation's loop must be dead");
        network.nodeDown(index);
        loop = null;
        world = null;
    }

    /**
     * The program asked to stop ({@link dev.duro.model.world.World#exit}): crash now, and let the
     * supervisor restart the node after 10 to 500 ms of simulated time, unless someone else (the
     * nemesis) restarted it first.
     */
    private void exit(int exitingIncarnation, String reason, SeededEntropy restartDelay) {
        if (state != NodeState.UP || incarnation != exitingIncarnation) return; // already gone
        Invariants.check(kernel.currentNode() == index, "%s: exit() called from outside its own loop", id);
        kernel.trace().record(kernel.nowNanos(), index, EventKind.RECORD, incarnation, 0, 0, "exit", reason);
        crash();
        long delayNanos = restartDelay.between(10_000_000L, 500_000_000L);
        kernel.scheduleAction(kernel.nowNanos() + delayNanos, Kernel.NO_NODE, Kernel.ANY_INCARNATION, seq -> {
            if (state == NodeState.DOWN && incarnation == exitingIncarnation) restart();
        });
    }

    /** Stops the process for {@code durationNanos} (a long GC): nothing of it runs meanwhile. */
    public void pause(long durationNanos) {
        pause(durationNanos, false);
    }

    /**
     * As {@link #pause(long)}; with {@code messagesFirst} the messages that arrived during the
     * pause are handed over at its end before the timers and tasks that fell due during it (the
     * order a real event loop may pick after a stall; see {@link Kernel}).
     */
    public void pause(long durationNanos, boolean messagesFirst) {
        Invariants.check(state == NodeState.UP, "%s can only pause when up (state %s)", id, state);
        Invariants.check(durationNanos > 0, "pause duration must be > 0, got %d", durationNanos);
        long until = kernel.nowNanos() + durationNanos;
        kernel.trace().record(kernel.nowNanos(), index, EventKind.PAUSE, durationNanos, messagesFirst ? 1 : 0, 0, null, null);
        long endBefore = kernel.pausedUntilNanos(index);
        kernel.pauseUntil(index, until, messagesFirst);
        if (until > endBefore) {
            // A harness entry, not the node's: queued before anything is deferred to this end, so
            // "resume" precedes the deferred work (ahead of moved deliveries too in messages-first
            // mode). Silent if the pause was extended or ended by a crash.
            int pausedIncarnation = incarnation;
            Kernel.Action resume = seq -> {
                if (kernel.isUp(index) && kernel.incarnation(index) == pausedIncarnation
                        && kernel.pausedUntilNanos(index) == kernel.nowNanos()) {
                    kernel.trace().record(kernel.nowNanos(), index, EventKind.RESUME, 0, 0, 0, null, null);
                }
            };
            if (messagesFirst) {
                kernel.scheduleActionAhead(until, resume);
            } else {
                kernel.scheduleAction(until, Kernel.NO_NODE, Kernel.ANY_INCARNATION, resume);
            }
        }
    }

    private void boot() {
        incarnation++;
        state = NodeState.UP;
        kernel.nodeState(index, incarnation, true);
        kernel.trace().record(kernel.nowNanos(), index, EventKind.START, incarnation, 0, 0, null, null);
        loop = new SimulatedLoop(kernel, clock, index, incarnation);
        int inc = incarnation;
        TraceSink sink = (kind, detail) -> {
            if (kernel.isUp(index) && kernel.incarnation(index) == inc) {
                kernel.trace().record(kernel.nowNanos(), index, EventKind.RECORD, inc, 0, 0, kind, detail);
            }
        };
        Transport transport = network.endpoint(index, incarnation);
        Disk disk = device.mount(loop, sink);
        SeededEntropy incarnationEntropy = entropyRoot.derive("incarnation/" + incarnation);
        FaultPoints faultPoints = FaultPoints.NONE;
        if (faultPointSettings.enabled()) {
            faultPoints = new SimulatedFaultPoints(faultPointSettings.activationSeed(), faultPointSettings.activationRate(),
                    faultPointSettings.fireRate(), incarnationEntropy.derive("fault-points"),
                    site -> kernel.trace().record(kernel.nowNanos(), index, EventKind.FAULT, inc, 0, 0, "fault-point", site),
                    kernel::faultPointsQuiet);
        }
        SeededEntropy restartDelay = incarnationEntropy.derive("restart-delay");
        world = new SimulatedWorld(id, clock, loop, transport, disk, incarnationEntropy.derive("program"), faultPoints, sink,
                reason -> exit(inc, reason, restartDelay));
        SimulatedWorld started = world;
        loop.execute(() -> program.start(started));
    }

    @Override
    public String toString() {
        return id + "[" + state + " inc " + incarnation + (isPaused() ? " paused" : "") + "]";
    }
}
