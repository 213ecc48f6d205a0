package dev.duro.faults;

import dev.duro.model.util.Invariants;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.ReadFaultRule;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.net.SimulatedNetwork;
import dev.duro.sim.node.NodeState;
import dev.duro.sim.node.SimulatedNode;
import dev.duro.sim.plan.FaultEvent;
import dev.duro.sim.plan.PlanRecorder;
import dev.duro.sim.random.SeededEntropy;
import java.util.ArrayList;
import java.util.List;

/**
 * Strikes the faults of a {@link NemesisPlan} at random times during the fault phase
 * {@code [0, healAtNanos)}, then heals everything at {@code healAtNanos}: links open, clogs end,
 * network faults off, drift back to zero, every crashed node restarted. Each fault kind runs on
 * its own entropy stream and its own chain of harness actions, spaced by exponential intervals
 * around the plan's mean.
 *
 * <p>Fault model covered: partitions (isolate one node, halves, majority/minority, bridge,
 * one-way), clogged nodes and links, crash-restart, pauses, clock drift changes and wall-clock
 * jumps, plus the network's loss/duplication/reordering knobs, and on the targets' disks: torn and
 * corrupt unsynced sectors on crash, failed fsyncs (standing rate and bursts), slow-fsync windows.
 * With a cluster plan ({@link NemesisPlan#forCluster}) it also strikes what only replicas
 * survive, on the plan's one faulty-disk node: bit flips in synced data, windows of read errors,
 * and the loss of the whole disk while the node is down; and partitions take shapes among the
 * cluster's members only (clients still reaching every node), may single out the node the
 * scenario names as an object's current owner ({@link #withFocus}), and include one-way links in
 * either direction.
 *
 * <p>With full-disk strikes on ({@link #withFullDiskStrikes}) and disk faults in the plan, some
 * installs also meet a full disk: when a replica records {@code repl-extend} (it is about to bring
 * its log up to a new owner's install by appends and a relabel, docs/cluster.md "Relabel"), its
 * disk is full, with the run's drawn chance, for a window of 20 µs to 1.5 ms, which mostly ends
 * between two of the store calls the install queued (the first append is refused, a later call
 * finds room again). In runs with crashes, half of those strikes also crash the installing owner
 * within 40 ms, before it resends: its election dies half-way, the case docs/cluster.md's
 * "Relabel" invariants exist for.
 *
 * <p>Under a fault budget ({@link NemesisPlan.Shape#budgeted()}, on a cluster of 3 or more) a
 * crash, pause or partition that would leave more than a minority of the members down, paused or
 * cut off is skipped (a partition counts the members its shape cuts off from the largest side).
 * With deep strikes ({@link NemesisPlan.Shape#deepEveryMs()}) the nemesis composes a sequence the
 * independent strikes rarely do: the owner isolated with one replica while clients still reach it,
 * then crashed, a short tenure elsewhere ended by crashing the new owner, and the first owner back
 * on its stale state.
 *
 * <p>Every fault it executes goes to a {@link PlanRecorder} as a {@link FaultEvent}, when one is
 * given ({@link #withRecorder}). Given a list of events instead ({@link #withReplay}), it draws no
 * strikes: it executes exactly those events at their times (those before the heal, on its
 * targets), and the heal as usual.
 */
public final class Nemesis {
    private final Simulation sim;
    private final NemesisPlan plan;
    private final long healAtNanos;
    private final SeededEntropy entropy;
    /** Faults strike nodes n0..n(targets-1) only; later nodes (clients, observers) are left alone. */
    private final int targets;
    /** Counts partition strikes; a scheduled heal applies only to the strike it was drawn for. */
    private long partitionShape;
    /** The targets' simulated disks, by node index; empty when the nodes have none. */
    private final List<SimDiskDevice> disks;
    /** Draws whether a crash of the faulty-disk node also loses its disk (its own stream: crash draws stay put). */
    private final SeededEntropy wipes;
    /** Whether a pause ends messages-first (see {@link SimulatedNode#pause(long, boolean)}). */
    private final SeededEntropy pauseOrder;
    /** Whether disk strikes include windows of full disk; off for targets written before that fault existed. */
    private boolean fullDiskStrikes;
    /** Fact a replica records just before it extends its log for an install (the store calls follow at once). */
    static final String EXTEND_FACT = "repl-extend";
    /** Longest full-disk window at an install: about the time from the first queued store call to the relabel. */
    static final long INSTALL_FULL_MAX_NANOS = 1_500_000L;
    static final long INSTALL_FULL_MIN_NANOS = 20_000L;
    /** An owner crashed at an install dies before its first resend (the protocol resends after 50 ms at most). */
    static final long INSTALL_OWNER_CRASH_MAX_NANOS = 40_000_000L;
    /** Members the current partition cuts off from the largest side (0: none), for the fault budget. */
    private int partitionCost;
    /** Strikes skipped to stay within the fault budget, and deep sequences begun (for the params). */
    private long skipped;
    private long deepSequences;
    /** The node the scenario sees serving an object now (−1: none known); isolation strikes prefer it. */
    private java.util.function.IntSupplier focus = () -> -1;
    /** Where executed faults are recorded (a recorder that nobody reads when none is given). */
    private PlanRecorder recorder = new PlanRecorder();
    /** The events to execute instead of drawn strikes; null: draw from the seed. */
    private List<FaultEvent> replay;
    /** The shape of the latest cluster partition, for its recorded event. */
    private String shapeLabel = "";

    public Nemesis(Simulation sim, NemesisPlan plan, long healAtNanos) {
        this(sim, plan, healAtNanos, sim.nodes().size(), List.of());
    }

    /**
     * A nemesis for nodes {@code n0..n(targets-1)} whose disks are {@code disks} (one per target,
     * or none): the plan's standing disk rates are applied to them at once, and its disk strikes
     * hit them during the fault phase.
     */
    public Nemesis(Simulation sim, NemesisPlan plan, long healAtNanos, int targets, List<SimDiskDevice> disks) {
        Invariants.check(healAtNanos >= 0, "heal time must be >= 0");
        Invariants.check(targets >= 1 && targets <= sim.nodes().size(), "targets %d out of range 1..%d",
                targets, sim.nodes().size());
        this.sim = sim;
        this.plan = plan;
        this.healAtNanos = healAtNanos;
        this.entropy = sim.entropy("nemesis");
        this.targets = targets;
        Invariants.check(disks.isEmpty() || disks.size() == targets, "need one disk per target, got %d for %d",
                disks.size(), targets);
        this.disks = List.copyOf(disks);
        this.wipes = entropy.derive("wipe");
        this.pauseOrder = entropy.derive("pause-order");
    }

    /**
     * Lets disk strikes also fill a disk for a window (writes that grow a file fail with
     * {@code NO_SPACE}). For targets whose code handles a full disk (the runtime's log does; the
     * demo log does not). Call before {@link #install()}.
     */
    public Nemesis withFullDiskStrikes() {
        this.fullDiskStrikes = true;
        return this;
    }

    /**
     * Names the node isolation strikes should prefer (half of them, in cluster plans): typically the
     * node that last produced output for an object, i.e. its owner. A value outside the targets
     * means "none known". Call before {@link #install()}.
     */
    public Nemesis withFocus(java.util.function.IntSupplier focusNode) {
        this.focus = java.util.Objects.requireNonNull(focusNode, "focusNode");
        return this;
    }

    /** Records every fault executed into {@code log}. Call before {@link #install()}. */
    public Nemesis withRecorder(PlanRecorder log) {
        this.recorder = java.util.Objects.requireNonNull(log, "log");
        return this;
    }

    /**
     * Executes exactly {@code events} (in time order) instead of drawing strikes; events at or
     * after the heal are left out. Every node they name must be a target (partitions: any node), else
     * an {@link IllegalArgumentException} names the event. Call before {@link #install()}.
     */
    public Nemesis withReplay(List<FaultEvent> events) {
        for (FaultEvent ev : events) {
            // Partitions may cut clients off too; every other fault strikes targets only.
            int bound = ev instanceof FaultEvent.Partition ? sim.nodes().size() : targets;
            for (int node : ev.nodesNamed()) {
                if (node >= bound) {
                    throw new IllegalArgumentException(ev.kind() + " event at " + ev.atNanos() + " ns names n" + node
                            + ", but this run's " + ev.kind() + " events may name n0..n" + (bound - 1) + " only");
                }
            }
        }
        this.replay = List.copyOf(events);
        return this;
    }

    /** Installs the schedule; call once, after the nodes were added and before running. */
    public void install() {
        sim.network().configure(plan.network());
        if (replay != null) {
            installReplay();
            return;
        }
        if (plan.driftMaxPpm() > 0) {
            SeededEntropy drift = entropy.derive("initial-drift");
            for (int i = 0; i < targets; i++) {
                sim.node(i).clock().setDriftPpm(drawDrift(drift));
                recorder.fault(new FaultEvent.Drift(sim.nowNanos(), i, sim.node(i).clock().driftPpm()));
            }
        }
        chain("partition", plan.partitionEveryMs(), this::partition);
        chain("clog", plan.clogEveryMs(), this::clog);
        chain("crash", plan.crashEveryMs(), this::crash);
        chain("pause", plan.pauseEveryMs(), this::pause);
        chain("clock", plan.driftMaxPpm() > 0 ? plan.clockEveryMs() : 0, this::clock);
        for (SimDiskDevice disk : disks) disk.reconfigure(plan.disk());
        chain("disk", disks.isEmpty() ? 0 : plan.diskEveryMs(), this::disk);
        chain("deep", plan.cluster().isCluster() && targets >= 3 ? plan.shape().deepEveryMs() : 0, this::deep);
        if (fullDiskStrikes && !disks.isEmpty() && plan.diskEveryMs() > 0) fullDiskAtInstalls();
        NemesisPlan.ClusterFaults cf = plan.cluster();
        if (cf.faultyDisk() >= 0 && !disks.isEmpty()) {
            Invariants.check(cf.faultyDisk() < targets, "faulty disk n%d is not a target", cf.faultyDisk());
            chain("bit-flip", cf.bitFlipEveryMs(), this::bitFlip);
            chain("read-error", cf.readErrorEveryMs(), this::readErrors);
        }
        sim.at(healAtNanos, this::healAll);
    }

    /**
     * Replay: the standing disk rates, every listed event before the heal at its time (those at
     * time 0, like the initial clock drift, at once), then the heal.
     */
    private void installReplay() {
        for (SimDiskDevice disk : disks) disk.reconfigure(plan.disk());
        for (FaultEvent ev : replay) {
            if (ev.atNanos() >= healAtNanos) continue;
            if (ev.atNanos() <= sim.nowNanos()) {
                execute(ev);
            } else {
                sim.at(ev.atNanos(), () -> execute(ev));
            }
        }
        sim.at(healAtNanos, this::healAll);
    }

    /** Executes one listed fault, and records it when it took effect (a crash of a node already down does not). */
    private void execute(FaultEvent ev) {
        SimulatedNode node = sim.node(ev.node());
        boolean done = switch (ev) {
            case FaultEvent.Crash c -> {
                if (!node.isUp()) yield false;
                node.crash();
                if (c.wipeDisk() && !disks.isEmpty()) wipe(c.node());
                if (c.downNanos() >= 0) {
                    sim.after(clampToHeal(c.downNanos()), () -> {
                        if (!node.isUp()) node.restart();
                    });
                }
                yield true;
            }
            case FaultEvent.Pause p -> {
                if (!node.isUp()) yield false;
                node.pause(clampToHeal(p.durationNanos()), p.messagesFirst());
                yield true;
            }
            case FaultEvent.Partition p -> {
                SimulatedNetwork net = sim.network();
                net.heal(); // one partition at a time: the new shape replaces the old
                long strike = ++partitionShape;
                if (p.links().isEmpty()) yield true;
                int all = sim.nodes().size();
                boolean[] cut = new boolean[all * all];
                for (FaultEvent.Link l : p.links()) cut[l.from() * all + l.to()] = true;
                net.blockWhere(all, p.label(), (a, b) -> cut[a * all + b]);
                sim.after(clampToHeal(p.durationNanos()), () -> {
                    if (partitionShape == strike) net.heal();
                });
                yield true;
            }
            case FaultEvent.Clog c -> {
                if (c.peer() < 0) {
                    sim.network().clogNode(c.node(), clampToHeal(c.durationNanos()));
                } else {
                    sim.network().clogLink(c.node(), c.peer(), clampToHeal(c.durationNanos()));
                }
                yield true;
            }
            case FaultEvent.Drift d -> {
                node.clock().setDriftPpm(d.ppm());
                if (d.atNanos() > 0) traceClock(node);
                yield true;
            }
            case FaultEvent.ClockJump j -> {
                node.clock().jumpWall(j.offsetNanos());
                traceClock(node);
                yield true;
            }
            case FaultEvent.SyncFailures f -> {
                if (disks.isEmpty()) yield false;
                disks.get(f.node()).failNextSyncs(f.count());
                yield true;
            }
            case FaultEvent.SlowFsync f -> {
                if (disks.isEmpty()) yield false;
                SimDiskDevice disk = disks.get(f.node());
                disk.slowFsync(f.factor());
                sim.after(clampToHeal(f.durationNanos()), () -> disk.slowFsync(1));
                yield true;
            }
            case FaultEvent.DiskFull f -> {
                if (disks.isEmpty() || disks.get(f.node()).isFull()) yield false;
                SimDiskDevice disk = disks.get(f.node());
                disk.setFull(true);
                sim.after(clampToHeal(f.durationNanos()), () -> disk.setFull(false));
                yield true;
            }
            case FaultEvent.BitFlip f -> {
                if (disks.isEmpty()) yield false;
                int flipped = disks.get(f.node()).injectBitFlips(f.bits()).size();
                sim.note("disk-bit-flip", "n" + f.node() + " " + flipped + " bit(s) of synced data flipped");
                yield true;
            }
            case FaultEvent.ReadErrors r -> {
                if (disks.isEmpty()) yield false;
                SimDiskDevice disk = disks.get(r.node());
                ReadFaultRule rule = r.prefixBytes() < 0 ? ReadFaultRule.everything() : new ReadFaultRule("", 0, r.prefixBytes());
                disk.failReads(rule);
                sim.note("disk-read-errors", "n" + r.node() + " " + rule);
                sim.after(clampToHeal(r.durationNanos()), disk::clearReadFaults);
                yield true;
            }
        };
        if (done) recorder.fault(ev);
    }

    /** A listed duration, ending at the heal at the latest (what a drawn one does). */
    private long clampToHeal(long durationNanos) {
        return Math.max(1, Math.min(durationNanos, healAtNanos - sim.nowNanos()));
    }

    /** One fault strike, drawing from the kind's own stream. */
    private interface Strike {
        void strike(SeededEntropy e);
    }

    private void chain(String kind, long everyMs, Strike strike) {
        if (everyMs <= 0) return;
        SeededEntropy e = entropy.derive(kind);
        scheduleNext(e, everyMs, strike, 0);
    }

    private void scheduleNext(SeededEntropy e, long everyMs, Strike strike, long fromNanos) {
        // Exponential spacing; StrictMath so the same bits come out on every JVM.
        double u = e.nextDouble();
        long gap = 1 + (long) Math.min(-Simulation.millis(everyMs) * StrictMath.log1p(-u), 20.0 * Simulation.millis(everyMs));
        long at = fromNanos + gap;
        if (at >= healAtNanos) return;
        sim.at(at, () -> {
            strike.strike(e);
            scheduleNext(e, everyMs, strike, at);
        });
    }

    private long untilHeal(SeededEntropy e, long maxMs) {
        long d = e.between(Simulation.millis(1), Simulation.millis(maxMs));
        return Math.max(1, Math.min(d, healAtNanos - sim.nowNanos()));
    }

    private void partition(SeededEntropy e) {
        SimulatedNetwork net = sim.network();
        int n = targets;
        if (n < 2) return;
        net.heal(); // one partition at a time: the new shape replaces the old
        partitionCost = 0;
        int cost;
        if (plan.cluster().isCluster()) {
            cost = clusterPartition(e, net, n);
        } else {
            classicPartition(e, net, n);
            cost = 1;
        }
        long duration = untilHeal(e, plan.partitionMaxMs());
        long strike = ++partitionShape;
        if (overBudget(cost)) {
            // This shape would cut off a majority with the nodes already down: it replaces the old one with none.
            net.heal();
            sim.note("partition-strike", "strike " + strike + " over the fault budget, healed at once: lasts 0ns");
            recorder.fault(new FaultEvent.Partition(sim.nowNanos(), 1, "over the fault budget: healed", List.of()));
            return;
        }
        partitionCost = cost;
        recorder.fault(new FaultEvent.Partition(sim.nowNanos(), duration, plan.cluster().isCluster() ? shapeLabel : "partition",
                blockedLinks()));
        sim.note("partition-strike", "strike " + strike + " lasts " + duration + "ns");
        // Only this shape's own heal ends it: a newer partition must last its full drawn time.
        sim.after(duration, () -> {
            if (partitionShape == strike) {
                net.heal();
                partitionCost = 0;
            }
        });
    }

    /**
     * True (and counted) when a strike impairing {@code more} members would leave fewer than a
     * majority up and connected, under a fault budget on a cluster of 3 or more.
     */
    private boolean overBudget(int more) {
        if (!plan.shape().budgeted() || targets < 3) return false;
        int impaired = partitionCost;
        for (int i = 0; i < targets; i++) {
            SimulatedNode node = sim.node(i);
            if (!node.isUp() || node.isPaused()) impaired++;
        }
        if (impaired + more <= (targets - 1) / 2) return false;
        skipped++;
        return true;
    }

    /** Strikes skipped to stay within the fault budget so far. */
    public long skippedByBudget() {
        return skipped;
    }

    /** Deep sequences begun so far. */
    public long deepSequences() {
        return deepSequences;
    }

    /**
     * One composed sequence (class comment): isolate the owner (the focus, else a random member)
     * with one replica, clients spared; after half a lease to two, heal and crash it; after a short
     * tenure elsewhere (half a lease to two) crash whoever serves then, if another node, and bring
     * the first owner back on its stale state; the second node returns a little later. Only on a
     * healthy cluster, never past the heal.
     */
    private void deep(SeededEntropy e) {
        int n = targets;
        long lease = Simulation.millis(plan.cluster().leaseMs());
        int focused = focus.getAsInt();
        int owner = focused >= 0 && focused < n ? focused : e.nextInt(n);
        int partner = (owner + 1 + e.nextInt(n - 1)) % n;
        long isolated = e.between(lease / 2, 2 * lease);
        long tenure = e.between(lease / 2, 2 * lease);
        long back = e.between(Simulation.millis(100), lease);
        for (int i = 0; i < n; i++) if (!sim.node(i).isUp() || sim.node(i).isPaused()) return; // one at a time, healthy
        if (sim.nowNanos() + isolated + tenure >= healAtNanos) return;
        deepSequences++;
        SimulatedNetwork net = sim.network();
        net.heal();
        long strike = ++partitionShape;
        partitionCost = 2;
        String label = "deep: isolate n" + owner + " with n" + partner + " (clients spared)";
        net.blockWhere(n, label, (a, b) -> (a == owner || a == partner) != (b == owner || b == partner));
        recorder.fault(new FaultEvent.Partition(sim.nowNanos(), isolated, label, blockedLinks()));
        sim.note("deep-strike", "isolate n" + owner + " with n" + partner + " for " + isolated + "ns, then crash it");
        SimulatedNode first = sim.node(owner);
        sim.after(isolated, () -> {
            if (partitionShape == strike) {
                net.heal();
                partitionCost = 0;
            }
            long crashedAt = sim.nowNanos();
            int crashed = -1;
            if (first.isUp()) {
                first.crash();
                crashed = recorder.fault(new FaultEvent.Crash(crashedAt, owner, -1, false));
            }
            int firstCrash = crashed;
            sim.after(tenure, () -> {
                int now = focus.getAsInt();
                if (now >= 0 && now < n && now != owner && sim.node(now).isUp() && sim.nowNanos() < healAtNanos) {
                    SimulatedNode second = sim.node(now);
                    sim.note("deep-strike", "crash n" + now + " after a short tenure; n" + owner + " returns on its stale state");
                    second.crash();
                    long down = Math.max(1, Math.min(back, healAtNanos - sim.nowNanos()));
                    recorder.fault(new FaultEvent.Crash(sim.nowNanos(), now, down, false));
                    sim.after(down, () -> {
                        if (!second.isUp()) second.restart();
                    });
                }
                if (!first.isUp()) {
                    first.restart();
                    // The first crash's end is known only now.
                    if (firstCrash >= 0) recorder.replace(firstCrash, new FaultEvent.Crash(crashedAt, owner,
                            Math.max(1, sim.nowNanos() - crashedAt), false));
                }
            });
        });
    }

    /**
     * Shapes among the cluster's members. Half the time the clients are spared (they still reach
     * every member: an owner cut off from its peers keeps hearing clients, the case leases exist
     * for), otherwise clients fall on the side the shape puts them (the side without the cut-off
     * nodes, for isolation and minorities).
     */
    private int clusterPartition(SeededEntropy e, SimulatedNetwork net, int n) {
        // Beyond the drift bound, on purpose: always spare the clients, the case that shows what leases protect.
        boolean spareClients = e.chance(0.5) || plan.cluster().beyondBound();
        int members = spareClients ? n : sim.nodes().size();
        int shape = e.nextInt(7);
        int focused = focus.getAsInt();
        int one = focused >= 0 && focused < n && e.chance(0.5) ? focused : e.nextInt(n);
        String who = spareClients ? " (clients spared)" : "";
        // Returns the members cut off from the largest side, for the fault budget.
        switch (shape) {
            case 0 -> {
                blockShape(net, members, "isolate n" + one + who, (a, b) -> a == one || b == one);
                return 1;
            }
            case 1 -> {
                blockShape(net, members, "halves of the members" + who, (a, b) -> side(a, n) != side(b, n));
                return n / 2;
            }
            case 2 -> {
                boolean[] in = new boolean[sim.nodes().size()];
                for (int k : randomSubset(e, n, Math.max(1, (n - 1) / 2))) in[k] = true; // a minority
                blockShape(net, members, "minority " + describe(in) + who, (a, b) -> in[a] != in[b]);
                return Math.max(1, (n - 1) / 2);
            }
            case 3 -> {
                // Two groups that reach each other only through one bridge node.
                int bridge = e.nextInt(n);
                boolean[] left = new boolean[sim.nodes().size()];
                for (int k = 0; k < n; k++) if (k != bridge && e.chance(0.5)) left[k] = true;
                blockShape(net, members, "bridge via n" + bridge + " left " + describe(left) + who,
                        (a, b) -> a != bridge && b != bridge && left[a] != left[b]);
                int leftCount = 0;
                for (int k = 0; k < n; k++) if (left[k]) leftCount++;
                return Math.min(leftCount, n - 1 - leftCount);
            }
            case 4 -> {
                blockShape(net, members, "one-way: n" + one + " cannot send" + who, (a, b) -> a == one);
                return 1;
            }
            case 5 -> {
                blockShape(net, members, "one-way: n" + one + " cannot receive" + who, (a, b) -> b == one);
                return 1;
            }
            default -> {
                int other = (one + 1 + e.nextInt(n - 1)) % n;
                blockShape(net, members, "link n" + one + "->n" + other + who, (a, b) -> a == one && b == other);
                return 1;
            }
        }
    }

    /** Blocks {@code cut} among {@code members}, remembering the shape's label for the recorded event. */
    private void blockShape(SimulatedNetwork net, int members, String label, java.util.function.BiPredicate<Integer, Integer> cut) {
        shapeLabel = label;
        net.blockWhere(members, label, cut);
    }

    /** The links blocked now, among every node of the simulation. */
    private List<FaultEvent.Link> blockedLinks() {
        SimulatedNetwork net = sim.network();
        int all = sim.nodes().size();
        List<FaultEvent.Link> out = new ArrayList<>();
        for (int a = 0; a < all; a++) {
            for (int b = 0; b < all; b++) if (a != b && net.isBlocked(a, b)) out.add(new FaultEvent.Link(a, b));
        }
        return out;
    }

    /** Lower half of the members (0) or the upper half and every client (1). */
    private static int side(int node, int members) {
        return node < members / 2 ? 0 : 1;
    }

    private static String describe(boolean[] in) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < in.length; i++) {
            if (!in[i]) continue;
            if (b.length() > 1) b.append(',');
            b.append('n').append(i);
        }
        return b.append('}').toString();
    }

    private void classicPartition(SeededEntropy e, SimulatedNetwork net, int n) {
        int shape = e.nextInt(5);
        switch (shape) {
            case 0 -> net.isolate(e.nextInt(n));
            case 1 -> net.splitHalves();
            case 2 -> net.partition(randomSubset(e, n, (n - 1) / 2 == 0 ? 1 : (n - 1) / 2)); // a minority
            case 3 -> {
                if (n < 3) {
                    net.isolate(e.nextInt(n));
                } else {
                    int bridge = e.nextInt(n);
                    int other = (bridge + 1 + e.nextInt(n - 1)) % n;
                    net.bridge(bridge, other);
                }
            }
            default -> {
                if (e.chance(0.5)) {
                    net.oneWayOut(e.nextInt(n));
                } else {
                    int a = e.nextInt(n);
                    net.block(a, (a + 1 + e.nextInt(n - 1)) % n);
                }
            }
        }
    }

    private void clog(SeededEntropy e) {
        int n = targets;
        long duration = untilHeal(e, plan.clogMaxMs());
        if (n < 2 || e.chance(0.5)) {
            int node = e.nextInt(n);
            sim.network().clogNode(node, duration);
            recorder.fault(new FaultEvent.Clog(sim.nowNanos(), node, -1, duration));
        } else {
            int a = e.nextInt(n);
            int b = (a + 1 + e.nextInt(n - 1)) % n;
            sim.network().clogLink(a, b, duration);
            recorder.fault(new FaultEvent.Clog(sim.nowNanos(), a, b, duration));
        }
    }

    private void crash(SeededEntropy e) {
        SimulatedNode node = sim.node(e.nextInt(targets));
        long down = untilHeal(e, plan.downMaxMs());
        if (!node.isUp() || !node.isPaused() && overBudget(1)) return;
        node.crash();
        NemesisPlan.ClusterFaults cf = plan.cluster();
        boolean wiped = node.index() == cf.faultyDisk() && !disks.isEmpty() && wipes.chance(cf.wipeChance());
        if (wiped) wipe(node.index());
        recorder.fault(new FaultEvent.Crash(sim.nowNanos(), node.index(), down, wiped));
        sim.after(down, () -> {
            if (!node.isUp()) node.restart();
        });
    }

    /** The disk died with the node: it comes back on a blank one and must learn it lost everything. */
    private void wipe(int node) {
        disks.get(node).wipe();
        sim.note("disk-lost", "n" + node + "'s disk wiped while it is down");
    }

    private void pause(SeededEntropy e) {
        SimulatedNode node = sim.node(e.nextInt(targets));
        long duration = untilHeal(e, plan.pauseMaxMs()); // a pause must not outlive the heal
        // Half the pauses end as a real event loop may after a stall: the messages that arrived first,
        // then the overdue timers (docs/simulation.md). Drawn from its own stream, so the other draws stay put.
        if (node.isUp() && (node.isPaused() || !overBudget(1))) {
            boolean messagesFirst = pauseOrder.chance(0.5);
            node.pause(duration, messagesFirst);
            recorder.fault(new FaultEvent.Pause(sim.nowNanos(), node.index(), duration, messagesFirst));
        }
    }

    private void clock(SeededEntropy e) {
        SimulatedNode node = sim.node(e.nextInt(targets));
        if (e.chance(0.7)) {
            node.clock().setDriftPpm(drawDrift(e));
            recorder.fault(new FaultEvent.Drift(sim.nowNanos(), node.index(), node.clock().driftPpm()));
        } else {
            long jump = e.between(-Simulation.millis(5_000), Simulation.millis(5_000));
            node.clock().jumpWall(jump);
            recorder.fault(new FaultEvent.ClockJump(sim.nowNanos(), node.index(), jump));
        }
        traceClock(node);
    }

    private void traceClock(SimulatedNode node) {
        sim.kernel().trace().record(sim.nowNanos(), node.index(), dev.duro.sim.trace.EventKind.CLOCK,
                node.clock().driftPpm(), node.clock().wallOffsetNanos(), 0, null, null);
    }

    /** A few bits of synced data flip on the faulty disk (checksums must catch them; replicas repair). */
    private void bitFlip(SeededEntropy e) {
        SimDiskDevice disk = disks.get(plan.cluster().faultyDisk());
        int bits = 1 + e.nextInt(8);
        int flipped = disk.injectBitFlips(bits).size();
        recorder.fault(new FaultEvent.BitFlip(sim.nowNanos(), plan.cluster().faultyDisk(), bits));
        sim.note("disk-bit-flip", "n" + plan.cluster().faultyDisk() + " " + flipped + " bit(s) of synced data flipped");
    }

    /** Reads of the faulty disk fail for a window (everything, or the first part of every file). */
    private void readErrors(SeededEntropy e) {
        SimDiskDevice disk = disks.get(plan.cluster().faultyDisk());
        ReadFaultRule rule = e.chance(0.5) ? ReadFaultRule.everything() : new ReadFaultRule("", 0, 1 + e.nextLong(64 * 1024));
        disk.failReads(rule);
        sim.note("disk-read-errors", "n" + plan.cluster().faultyDisk() + " " + rule);
        long window = untilHeal(e, plan.cluster().readErrorMaxMs());
        recorder.fault(new FaultEvent.ReadErrors(sim.nowNanos(), plan.cluster().faultyDisk(),
                rule.equals(ReadFaultRule.everything()) ? -1 : rule.toOffset(), window));
        sim.after(window, disk::clearReadFaults);
    }

    /**
     * A drift rate within the plan's bound. Beyond the cluster's bound (on purpose) the rates are
     * pushed to the extremes, half to all of the bound either way, so that slow owners and fast
     * replicas, the pairs that break leases, are common.
     */
    private long drawDrift(SeededEntropy e) {
        long max = plan.driftMaxPpm();
        if (!plan.cluster().beyondBound()) return e.between(-max, max);
        long magnitude = e.between(max / 2, max);
        return e.chance(0.5) ? magnitude : -magnitude;
    }

    /** A burst of failed fsyncs, a window of slow ones, or a window of full disk, on one disk. */
    private void disk(SeededEntropy e) {
        int index = e.nextInt(disks.size());
        SimDiskDevice disk = disks.get(index);
        double pick = e.nextDouble();
        // Without full-disk strikes the split is the original one: half fail, half slow.
        double failBelow = fullDiskStrikes ? 0.4 : 0.5;
        double slowBelow = fullDiskStrikes ? 0.8 : 1.0;
        long now = sim.nowNanos();
        if (pick < failBelow) {
            int count = 1 + e.nextInt(3);
            disk.failNextSyncs(count);
            recorder.fault(new FaultEvent.SyncFailures(now, index, count));
        } else if (pick < slowBelow) {
            int factor = 10 + e.nextInt(190);
            disk.slowFsync(factor);
            long window = untilHeal(e, plan.slowDiskMaxMs());
            recorder.fault(new FaultEvent.SlowFsync(now, index, factor, window));
            sim.after(window, () -> disk.slowFsync(1));
        } else {
            // Writes that would grow a file fail with NO_SPACE: the runtime must refuse, not corrupt or exit.
            disk.setFull(true);
            long window = untilHeal(e, plan.slowDiskMaxMs());
            recorder.fault(new FaultEvent.DiskFull(now, index, window));
            sim.after(window, () -> disk.setFull(false));
        }
    }

    /**
     * Arms full-disk windows aimed at installs (class comment). The chance per install is drawn for
     * the run, from its own stream, so that the other strikes draw what they drew before.
     */
    private void fullDiskAtInstalls() {
        SeededEntropy e = entropy.derive("install-full");
        double chance = e.chance(0.25) ? 0 : 0.1 + 0.5 * e.nextDouble();
        sim.note("install-full", "chance " + Math.round(chance * 100) + "% per install a replica extends");
        if (chance == 0) return;
        sim.onRecord(EXTEND_FACT, event -> {
            int node = event.node();
            if (node < 0 || node >= targets || sim.nowNanos() >= healAtNanos || !e.chance(chance)) return;
            SimDiskDevice disk = disks.get(node);
            if (disk.isFull()) return; // inside a full window already: that one ends it
            long window = e.between(INSTALL_FULL_MIN_NANOS, INSTALL_FULL_MAX_NANOS);
            disk.setFull(true);
            recorder.fault(new FaultEvent.DiskFull(sim.nowNanos(), node, window));
            sim.note("install-full", "n" + node + " disk full for " + window + "ns as an install extends its log");
            sim.after(window, () -> disk.setFull(false));
            int owner = ownerOf(event.detail());
            if (plan.crashEveryMs() > 0 && owner >= 0 && owner < targets && e.chance(0.5)) {
                long delay = e.between(1, INSTALL_OWNER_CRASH_MAX_NANOS);
                long down = untilHeal(e, plan.downMaxMs());
                sim.after(delay, () -> {
                    SimulatedNode n = sim.node(owner);
                    if (!n.isUp() || sim.nowNanos() >= healAtNanos) return;
                    sim.note("install-full", "n" + owner + " (the installing owner) crashes before it resends");
                    n.crash();
                    recorder.fault(new FaultEvent.Crash(sim.nowNanos(), owner, down, false));
                    sim.after(down, () -> {
                        if (!n.isUp()) n.restart();
                    });
                });
            }
        });
    }

    /** The node index in an {@code owner=n<i>} field of a fact's detail, or -1. */
    static int ownerOf(String detail) {
        if (detail == null) return -1;
        int at = detail.indexOf("owner=n");
        if (at < 0) return -1;
        int from = at + "owner=n".length();
        int to = from;
        while (to < detail.length() && Character.isDigit(detail.charAt(to))) to++;
        return to == from ? -1 : Integer.parseInt(detail.substring(from, to));
    }

    private void healAll() {
        sim.note("phase", "heal: faults off, links open, crashed nodes restart");
        sim.kernel().quietFaultPoints(); // fault points too: the liveness bound is judged without injected delays
        SimulatedNetwork net = sim.network();
        net.heal();
        partitionCost = 0;
        net.unclogAll();
        net.configure(plan.network().healed());
        for (SimulatedNode node : sim.nodes()) {
            if (node.clock().driftPpm() != 0) node.clock().setDriftPpm(0);
            // DOWN only: a node not started yet (NEW) is the scenario's business, not a crash to undo.
            if (node.state() == NodeState.DOWN) node.restart();
        }
        // Healthy disks from now on, except that a crash still tears or corrupts unsynced sectors:
        // that is how disks behave, not an active fault.
        DiskFaultConfig healed = plan.disk().toBuilder().syncFailureProbability(0).slowSync(0, 1).build();
        for (SimDiskDevice disk : disks) {
            disk.reconfigure(healed);
            disk.slowFsync(1);
            disk.failNextSyncs(0);
            disk.setFull(false);
            disk.clearReadFaults();
        }
        checkHealed();
    }

    /** What {@link #healAll()} promises, checked where it is promised. */
    private void checkHealed() {
        SimulatedNetwork net = sim.network();
        long now = sim.nowNanos();
        Invariants.check(net.blockedLinks().isEmpty(), "links still blocked after the heal: %s", net.blockedLinks());
        Invariants.check(net.latestClogEndNanos() <= now && net.heldCount() == 0, "a clog outlived the heal");
        for (int i = 0; i < targets; i++) {
            SimulatedNode node = sim.node(i);
            Invariants.check(node.state() != NodeState.DOWN, "%s still down after the heal", node);
            Invariants.check(!node.isPaused(), "%s still paused after the heal (until %d, now %d)", node,
                    sim.kernel().pausedUntilNanos(i), now);
            Invariants.check(node.clock().driftPpm() == 0, "%s still drifting after the heal", node);
        }
    }

    private static int[] randomSubset(SeededEntropy e, int n, int size) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        for (int i = 0; i < size; i++) { // partial Fisher-Yates
            int j = i + e.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = new int[size];
        System.arraycopy(all, 0, out, 0, size);
        java.util.Arrays.sort(out);
        return out;
    }
}
