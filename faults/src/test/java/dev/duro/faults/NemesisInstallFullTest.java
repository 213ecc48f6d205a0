package dev.duro.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import dev.duro.model.world.World;
import dev.duro.sim.Simulation;
import dev.duro.sim.disk.DiskFaultConfig;
import dev.duro.sim.disk.SimDiskDevice;
import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Full-disk windows aimed at installs: when a node records {@code repl-extend}, its disk may be
 * full at once (the write right after the fact is refused), for 20 µs to 1.5 ms, and the installing
 * owner named in the fact may crash within 40 ms; only during the fault phase, and only with disk
 * faults (and, for the crash, crashes) in the plan.
 */
class NemesisInstallFullTest {
    private static final long HEAL_MS = 3_000;
    private static final int NODES = 3;

    /** Records an extend fact every 50 ms (owner n1) and writes at once, like a replica's first append. */
    private static final class Extender {
        final World world;
        DiskFile file;
        long size;

        Extender(World world) {
            this.world = world;
        }

        void start() {
            file = world.disk().open("log", true);
            size = file.size();
            world.loop().schedule(50_000_000, this::extend);
        }

        void extend() {
            world.trace().record("repl-extend", "id=00 at=" + world.self() + " from=1.0.1 to=2.1.2 owner=n1 held=1 adopted=3");
            try {
                file.write(size, new byte[] {1}, 0, 1);
                size++;
            } catch (DiskException e) {
                if (e.kind() == DiskException.Kind.NO_SPACE) world.trace().record("refused", "");
            }
            world.loop().schedule(50_000_000, this::extend);
        }
    }

    private record Run(List<TraceEvent> events) {
        long refused() {
            return events.stream().filter(e -> "refused".equals(e.label())).count();
        }
    }

    private static Run run(long seed, String faults) {
        List<TraceEvent> events = new ArrayList<>();
        NemesisPlan plan = NemesisPlan.draw(FaultSelection.parse(faults), new Simulation(Simulation.Options.seed(seed)).entropy("nemesis-plan"));
        Simulation sim = new Simulation(Simulation.Options.seed(seed).withListener(events::add));
        List<SimDiskDevice> disks = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            sim.addNode(w -> new Extender(w).start(), (id, entropy) -> {
                SimDiskDevice d = new SimDiskDevice(DiskFaultConfig.none(), entropy);
                disks.add(d);
                return d;
            });
        }
        new Nemesis(sim, plan, Simulation.millis(HEAL_MS), NODES, disks).withFullDiskStrikes().install();
        sim.startAll();
        sim.run(Simulation.millis(HEAL_MS + 1_000), 5_000_000);
        return new Run(events);
    }

    private static List<TraceEvent> notes(Run r, String text) {
        return r.events().stream().filter(e -> "install-full".equals(e.label()) && e.detail().contains(text)).toList();
    }

    @Test
    void theDiskIsFullTheInstantAnInstallExtendsALogAndForAShortWindowOnly() {
        int strikes = 0;
        int ownerCrashes = 0;
        for (long seed = 1; seed <= 12; seed++) {
            Run r = run(seed, "disk,crash");
            List<TraceEvent> windows = notes(r, "disk full for");
            strikes += windows.size();
            for (TraceEvent w : windows) {
                assertThat(w.timeNanos()).as("seed %d: only in the fault phase", seed).isLessThan(Simulation.millis(HEAL_MS));
                int node = Integer.parseInt(w.detail().substring(1, w.detail().indexOf(' ')));
                assertThat(r.events()).as("seed %d: n%d's write right after the fact is refused", seed, node)
                        .anyMatch(e -> e.node() == node && "refused".equals(e.label()) && e.timeNanos() == w.timeNanos());
                long windowNanos = Long.parseLong(w.detail().replaceAll(".*full for (\\d+)ns.*", "$1"));
                assertThat(windowNanos).isBetween(Nemesis.INSTALL_FULL_MIN_NANOS, Nemesis.INSTALL_FULL_MAX_NANOS);
                // The window's own end (unless the node's disk was healed or crashed first).
                assertThat(r.events()).as("seed %d: n%d's window ends after %d ns", seed, node, windowNanos)
                        .anyMatch(e -> e.node() == node && "disk-nemesis".equals(e.label()) && "full=false".equals(e.detail())
                                && e.timeNanos() <= w.timeNanos() + windowNanos);
            }
            for (TraceEvent c : notes(r, "installing owner")) {
                ownerCrashes++;
                assertThat(c.detail()).startsWith("n1 ");
                assertThat(r.events()).anyMatch(e -> e.kind() == EventKind.CRASH && e.node() == 1 && e.timeNanos() == c.timeNanos());
            }
        }
        assertThat(strikes).as("strikes in 12 seeds").isPositive();
        assertThat(ownerCrashes).as("installing owners crashed in 12 seeds").isPositive();
    }

    @Test
    void withoutDiskFaultsNoInstallMeetsAFullDisk() {
        for (long seed = 1; seed <= 4; seed++) {
            Run r = run(seed, "crash,partition");
            assertThat(r.refused()).as("seed %d", seed).isZero();
            assertThat(r.events()).noneMatch(e -> "install-full".equals(e.label()));
        }
    }
}
