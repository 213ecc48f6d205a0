package dev.duro.testkit;

import dev.duro.scenarios.testkit.ClusterTestKit;

import java.util.Objects;

/**
 * Runs a test's workload and checks on a fresh {@link ClusterTestKit}, and turns a failure into
 * a {@link DuroFailure}: the original message and cause, then Duro's repro line (the kit's seed,
 * nodes and fault plan, which {@code FaultPlan.parse} reads back). With
 * {@link DuroRunFolders} on the test class, the shrunk failure is also run once more to write a
 * run folder with the trace and a report page.
 *
 * <pre>{@code
 * @Property(tries = 20)
 * void noScoreIsLost(@ForAll("scores") List<Score> scores, @ForAll("faults") FaultPlan faults) {
 *     DuroCheck.run(ClusterTestKit.builder().namespace("BOARDS", Leaderboard::new).faults(faults), kit -> {
 *         ... // send the scores, kit.runUntilHealed(), assert on what the board answers
 *     });
 * }
 * }</pre>
 */
public final class DuroCheck {
    private DuroCheck() {
    }

    /**
     * Builds a kit from {@code builder} and runs {@code body} on it. Returns normally if the body
     * does; otherwise throws a {@link DuroFailure} carrying the body's failure as its cause.
     */
    public static void run(ClusterTestKit.Builder builder, KitBody body) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(body, "body");
        ClusterTestKit kit = builder.build();
        try {
            body.run(kit);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            throw new DuroFailure(t, kit, builder, body);
        }
    }
}
