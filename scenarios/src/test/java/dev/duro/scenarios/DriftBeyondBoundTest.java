package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Scenario;
import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the clock drift bound buys (docs/cluster.md, "Breaking the drift bound"): with
 * {@code --clock-drift-beyond-bound} the nemesis drives clocks far past the bound leases assume,
 * and a search of kv seeds under partitions finds a run where a deposed owner, its slow clock
 * still counting a lease its replicas' fast clocks ended, answers after the new owner did: single
 * activation (P3) fails, or a read goes stale (P1, K1). The same seed with drift inside the bound
 * passes both: the bound, not luck, is what kept them.
 *
 * <p>The test runs the seed the search found ({@link #PINNED}), so it takes a second. When a change
 * to the runtime moves the breaking seeds, the test fails and names the next seed in
 * 1..{@value #MAX_SEEDS} that breaks the bound: re-pin to it (a stale pin never hides as a slow
 * search).
 */
class DriftBeyondBoundTest {
    static final int MAX_SEEDS = 3000;
    /** A kv seed that breaks P3 or K1 beyond the bound and passes within it (found by the search below). */
    static final long PINNED = 178;

    @Test
    void breakingTheDriftBoundBreaksSingleActivation() {
        Scenario kv = ScenarioCatalogue.find("kv").orElseThrow();
        Optional<Violation> pinned = breaksOnlyBeyondTheBound(kv, PINNED);
        if (pinned.isEmpty()) {
            for (long seed = 1; seed <= MAX_SEEDS; seed++) {
                if (seed != PINNED && breaksOnlyBeyondTheBound(kv, seed).isPresent()) {
                    throw new AssertionError("seed " + PINNED + " no longer breaks P3 or K1 beyond the drift bound; seed " + seed
                            + " does: re-pin DriftBeyondBoundTest.PINNED to " + seed + ". repro: " + run(kv, seed, true).repro());
                }
            }
            throw new AssertionError("no kv seed in 1.." + MAX_SEEDS + " under --faults partition --clock-drift-beyond-bound"
                    + " broke P3 or K1 while passing them within the bound; search further with: ./duro sim sweep --scenario kv"
                    + " --faults partition --clock-drift-beyond-bound --seeds 1..10000");
        }
        RunResult beyond = run(kv, PINNED, true);
        Violation v = pinned.get();
        assertThat(beyond.parameters().get("clock")).contains("BEYOND the cluster's bound");
        assertThat(beyond.repro()).endsWith("--clock-drift-beyond-bound");
        if (v.property().equals("P3")) {
            // The report names the object, both fences, both nodes and both times.
            assertThat(v.message()).as(beyond.repro()).containsPattern("object [0-9a-f]{12}: two activations produced output: n\\d"
                    + " under fence \\d+\\.\\d\\.\\d+ sent a \\w+ at #\\d+ t=[0-9.]+ms, after n\\d under the newer fence"
                    + " \\d+\\.\\d\\.\\d+ had produced output at #\\d+ t=[0-9.]+ms");
        }
    }

    private static RunResult run(Scenario kv, long seed, boolean beyondTheBound) {
        RunConfig within = RunConfig.of(seed, "kv").withFaults(FaultSelection.parse("partition"));
        return kv.run(beyondTheBound ? within.withClockDriftBeyondBound(true) : within);
    }

    /** The P3 (else K1) violation of {@code seed} beyond the bound, if the same seed within the bound has neither. */
    private static Optional<Violation> breaksOnlyBeyondTheBound(Scenario kv, long seed) {
        List<Violation> lease = run(kv, seed, true).violations().stream()
                .filter(v -> v.property().equals("P3") || v.property().equals("K1")).toList();
        if (lease.isEmpty()) return Optional.empty();
        List<String> inside = run(kv, seed, false).violations().stream().map(Violation::property).toList();
        if (inside.contains("P3") || inside.contains("K1")) return Optional.empty(); // not the bound's doing
        return Optional.of(lease.stream().filter(x -> x.property().equals("P3")).findFirst().orElse(lease.get(0)));
    }
}
