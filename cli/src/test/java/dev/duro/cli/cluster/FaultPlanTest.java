package dev.duro.cli.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster test's fault schedule: a function of the seed, one fault at a time inside the run,
 * only the kinds asked for, and partitions in every shape the simulator's nemesis uses.
 */
class FaultPlanTest {
    private static final List<String> ALL = List.of("kill", "pause", "partition", "delay");

    @Test
    void theSameSeedGivesTheSamePlanAndFaultsNeverOverlap() {
        for (long seed = 1; seed <= 200; seed++) {
            FaultPlan a = FaultPlan.of(seed, 3, 60_000, ALL);
            FaultPlan b = FaultPlan.of(seed, 3, 60_000, ALL);
            assertThat(a.faults().stream().map(FaultPlan.Fault::describe).toList())
                    .isEqualTo(b.faults().stream().map(FaultPlan.Fault::describe).toList());
            assertThat(a.faults()).as("seed %d plans faults", seed).isNotEmpty();
            long free = 0;
            for (FaultPlan.Fault f : a.faults()) {
                assertThat(f.atMs()).as("seed %d: %s starts after the previous one healed", seed, f.describe()).isGreaterThan(free);
                free = f.atMs() + f.forMs();
            }
            assertThat(free).as("seed %d: healed 2 s before the end", seed).isLessThanOrEqualTo(58_000);
            assertThat(a.powerCut()).isTrue();
        }
        assertThat(FaultPlan.of(1, 3, 60_000, ALL).faults().getFirst().describe())
                .isNotEqualTo(FaultPlan.of(2, 3, 60_000, ALL).faults().getFirst().describe());
    }

    @Test
    void onlyTheKindsAskedForAndNoPowerCutWithoutKill() {
        FaultPlan p = FaultPlan.of(7, 3, 120_000, List.of("pause", "delay"));
        assertThat(p.faults()).extracting(FaultPlan.Fault::kind).containsOnly("pause", "delay");
        assertThat(p.powerCut()).isFalse();
        assertThat(FaultPlan.of(7, 3, 120_000, List.of()).faults()).isEmpty();
    }

    @Test
    void partitionsTakeEveryShapeAndCutOnlyLinksBetweenDifferentMembers() {
        Set<String> shapes = new TreeSet<>();
        for (long seed = 1; seed <= 300; seed++) {
            for (FaultPlan.Fault f : FaultPlan.of(seed, 5, 60_000, List.of("partition")).faults()) {
                shapes.add(f.what().replaceAll(" ?n[0-9].*| \\{.*", ""));
                boolean any = false;
                for (int a = 0; a < 5; a++) {
                    assertThat(f.cut()[a][a]).isFalse();
                    for (int b = 0; b < 5; b++) any |= f.cut()[a][b];
                }
                assertThat(any).as("%s cuts some link", f.what()).isTrue();
                if (f.what().contains("isolate")) {
                    int one = f.what().charAt(f.what().length() - 1) - '0';
                    for (int b = 0; b < 5; b++) {
                        assertThat(f.cut()[one][b]).isEqualTo(b != one);
                        assertThat(f.cut()[b][one]).isEqualTo(b != one);
                    }
                }
            }
        }
        assertThat(shapes).containsExactlyInAnyOrder("partition: isolate", "partition: halves", "partition: minority",
                "partition: bridge via", "partition: one-way,", "partition: link");
    }
}
