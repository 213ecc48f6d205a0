package dev.duro.sim.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.async.Promise;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.kernel.StopReason;
import dev.duro.sim.trace.EventKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedNodeTest {
    private final Simulation sim = new Simulation(Simulation.Options.seed(11));
    private final CountingDiskDevice device = new CountingDiskDevice();
    private final List<World> worlds = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    private SimulatedNode addNode() {
        return sim.addNode(world -> {
            worlds.add(world);
            log.add("start inc " + worlds.size() + " inLoop=" + world.loop().inLoop());
        }, (id, entropy) -> device);
    }

    private void runUntil(long ms) {
        sim.at(Simulation.millis(ms), () -> { }); // so that time reaches the budget even when idle
        assertThat(sim.run(Simulation.millis(ms), Long.MAX_VALUE)).isIn(StopReason.TIME_LIMIT, StopReason.QUIESCENT);
    }

    @Test
    void startRunsProgramOnItsLoop() {
        addNode();
        sim.startAll();
        assertThat(worlds).isEmpty(); // start runs as a task, not inline
        runUntil(1);
        assertThat(worlds.get(0).loop().inLoop()).isFalse(); // harness code is not on the loop
        assertThat(log).containsExactly("start inc 1 inLoop=true");
        assertThat(device.mounts).isEqualTo(1);
    }

    @Test
    void timersAndTasksOfACrashedIncarnationNeverRun() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        List<String> fired = new ArrayList<>();
        w.loop().schedule(Simulation.millis(10), () -> fired.add("timer"));
        w.loop().execute(() -> fired.add("task-before-crash")); // queued now, crash happens first
        sim.at(Simulation.millis(1), node::crash);
        sim.at(Simulation.millis(1), () -> w.loop().execute(() -> fired.add("task-after-crash")));
        sim.at(Simulation.millis(5), node::restart);
        runUntil(50);
        assertThat(fired).containsExactly("task-before-crash");
        assertThat(device.crashes).isEqualTo(1);
        assertThat(device.mounts).isEqualTo(2);
        assertThat(worlds).hasSize(2);
        assertThat(worlds.get(1)).isNotSameAs(w);
        assertThat(node.incarnation()).isEqualTo(2);
        assertThat(sim.kernel().discarded()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void exitCrashesAtOnceAndTheSupervisorRestartsWithinItsDelay() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        List<String> fired = new ArrayList<>();
        w.loop().execute(() -> {
            w.loop().execute(() -> fired.add("queued before exit"));
            w.loop().schedule(Simulation.millis(1), () -> fired.add("timer"));
            w.exit("disk said no");
            fired.add("rest of the exiting task");
        });
        runUntil(2);
        assertThat(node.isUp()).as("exit is a crash: the node is down before its supervisor acts").isFalse();
        assertThat(device.crashes).isEqualTo(1);
        runUntil(600);
        assertThat(fired).as("nothing of the exited incarnation runs after the exiting task")
                .containsExactly("rest of the exiting task");
        assertThat(node.isUp()).as("the supervisor restarts within 10-500 ms").isTrue();
        assertThat(node.incarnation()).isEqualTo(2);
        assertThat(worlds).hasSize(2);
    }

    @Test
    void timerCancelledBeforeFiringNeverRunsAndCancelAfterCrashReportsFalse() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        List<String> fired = new ArrayList<>();
        var a = w.loop().schedule(Simulation.millis(5), () -> fired.add("a"));
        var b = w.loop().schedule(Simulation.millis(5), () -> fired.add("b"));
        assertThat(a.cancel()).isTrue();
        assertThat(a.cancel()).isFalse();
        runUntil(10);
        assertThat(fired).containsExactly("b");
        var c = w.loop().schedule(Simulation.millis(5), () -> fired.add("c"));
        node.crash();
        assertThat(c.cancel()).isFalse();
        assertThat(b.cancel()).isFalse();
    }

    @Test
    void promisesOfACrashedIncarnationNeverComplete() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        Promise<String> p = Promise.on(w.loop());
        List<String> seen = new ArrayList<>();
        p.onSuccess(seen::add);
        w.loop().schedule(Simulation.millis(10), () -> p.complete("late"));
        sim.at(Simulation.millis(5), node::crash);
        sim.at(Simulation.millis(6), () -> p.complete("from-harness")); // hops to the dead loop: dropped
        runUntil(50);
        assertThat(p.isDone()).isFalse();
        assertThat(seen).isEmpty();
    }

    @Test
    void pauseDefersTasksTimersAndKeepsOrder() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        List<String> fired = new ArrayList<>();
        long[] firedAt = new long[2];
        w.loop().schedule(Simulation.millis(2), () -> {
            fired.add("t1");
            firedAt[0] = sim.nowNanos();
        });
        w.loop().schedule(Simulation.millis(3), () -> {
            fired.add("t2");
            firedAt[1] = sim.nowNanos();
        });
        node.pause(Simulation.millis(10));
        assertThat(node.isPaused()).isTrue();
        runUntil(50);
        assertThat(fired).containsExactly("t1", "t2");
        assertThat(firedAt[0]).isEqualTo(Simulation.millis(11));
        assertThat(firedAt[1]).isEqualTo(Simulation.millis(11));
        assertThat(sim.trace().recent(64)).anyMatch(e -> e.kind() == EventKind.RESUME);
    }

    @Test
    void workDueDuringAPauseRunsBeforeWorkDueExactlyAtItsEnd() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        List<String> fired = new ArrayList<>();
        node.pause(Simulation.millis(9)); // until 10 ms
        w.loop().execute(() -> fired.add("task due at 1ms"));
        w.loop().schedule(Simulation.millis(9), () -> fired.add("timer due at 10ms"));
        runUntil(50);
        // Deferred work keeps (time, sequence) order: the 1 ms task used to run after the 10 ms timer.
        assertThat(fired).containsExactly("task due at 1ms", "timer due at 10ms");
        List<EventKind> kinds = sim.trace().recent(64).stream().map(e -> e.kind())
                .filter(k -> k == EventKind.RESUME || k == EventKind.TASK || k == EventKind.TIMER).toList();
        assertThat(kinds).containsSubsequence(EventKind.RESUME, EventKind.TASK, EventKind.TIMER);
    }

    @Test
    void anExtendedPauseResumesOnceAtItsNewEnd() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        node.pause(Simulation.millis(4));
        sim.at(Simulation.millis(3), () -> node.pause(Simulation.millis(10))); // until 13 ms
        runUntil(50);
        assertThat(sim.trace().recent(64)).filteredOn(e -> e.kind() == EventKind.RESUME)
                .extracting(e -> e.timeNanos()).containsExactly(Simulation.millis(13));
    }

    @Test
    void theDisksCrashRecordReachesTheTraceAfterTheCrashEvent() {
        Simulation traced = new Simulation(Simulation.Options.seed(12));
        SimulatedNode node = traced.addNode(world -> { }, (id, entropy) -> new dev.duro.sim.disk.SimDiskDevice(
                dev.duro.sim.disk.DiskFaultConfig.none(), entropy));
        traced.startAll();
        traced.at(Simulation.millis(1), node::crash);
        traced.run(Simulation.millis(2), 1_000);
        List<String> seen = traced.trace().recent(64).stream()
                .filter(e -> e.kind() == EventKind.CRASH || "disk-crash".equals(e.label()))
                .map(e -> e.kind() == EventKind.CRASH ? "crash" : e.label()).toList();
        assertThat(seen).containsExactly("crash", "disk-crash"); // disk-crash used to be swallowed by the dead sink
    }

    @Test
    void clockAndLoopTouchedFromAForeignThreadThrow() throws Exception {
        addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        List<Throwable> seen = new ArrayList<>();
        Thread t = new Thread(() -> {
            for (Runnable r : List.<Runnable>of(() -> w.clock().monotonicNanos(), () -> w.loop().execute(() -> { }),
                    () -> w.loop().inLoop(), () -> w.loop().schedule(1, () -> { }))) {
                try {
                    r.run();
                } catch (IllegalStateException e) {
                    seen.add(e);
                }
            }
        });
        t.start();
        t.join();
        assertThat(seen).hasSize(4).allMatch(e -> e.getMessage().contains("foreign thread"));
    }

    @Test
    void diskTraceSinkOfADeadIncarnationIsSilent() {
        SimulatedNode node = addNode();
        sim.startAll();
        runUntil(1);
        World w = worlds.get(0);
        node.crash();
        long before = sim.trace().count();
        w.trace().record("late", "must not appear");
        assertThat(sim.trace().count()).isEqualTo(before);
    }
}
