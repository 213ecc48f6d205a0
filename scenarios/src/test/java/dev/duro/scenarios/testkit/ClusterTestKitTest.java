package dev.duro.scenarios.testkit;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster kit: fault plans as data, applied at their times, and a counter served through them. */
class ClusterTestKitTest {
    /** Counts in storage: POST /inc adds one, any other request reads. */
    static final class Counter implements DurableObject {
        private final ObjectContext ctx;

        Counter(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            Long n = ctx.storage().get("n", Long.class);
            long value = n == null ? 0 : n;
            if (r.pathOnly().equals("/inc")) ctx.storage().put("n", ++value);
            return ctx.completed(Response.ok(Long.toString(value)));
        }
    }

    private static ClusterTestKit kit(long seed, String plan) {
        return ClusterTestKit.builder().seed(seed).nodes(5).namespace("COUNTERS", Counter::new).faults(FaultPlan.parse(plan)).build();
    }

    @Test
    void aPlanReadsBackFromItsTextInStartOrder() {
        FaultPlan plan = FaultPlan.of(new Fault.Pause(1, 900, 200), new Fault.Crash(2, 500, 3000),
                new Fault.Partition(new TreeSet<>(List.of(4, 0)), 700, 100));
        assertThat(plan.toString()).isEqualTo("crash n2 at 500ms for 3000ms; partition {n0,n4} at 700ms for 100ms; pause n1 at 900ms for 200ms");
        assertThat(FaultPlan.parse(plan.toString())).isEqualTo(plan);
        assertThat(plan.endMs()).isEqualTo(3500);
        assertThat(FaultPlan.parse("none")).isEqualTo(FaultPlan.none());
        assertThatThrownBy(() -> FaultPlan.parse("crash n1 at 5ms")).hasMessageContaining("cannot read fault 'crash n1 at 5ms'");
        assertThatThrownBy(() -> new Fault.Crash(0, 10, 0)).hasMessageContaining("durationMs must be > 0");
        assertThatThrownBy(() -> kit(1, "crash n5 at 0ms for 100ms")).hasMessageContaining("beyond n4");
        assertThatThrownBy(() -> kit(1, "partition {n0,n1,n2,n3,n4} at 0ms for 100ms")).hasMessageContaining("nothing is cut");
    }

    @Test
    void faultsHappenAtTheirTimesAndAreOverAfterRunUntilHealed() {
        ClusterTestKit kit = kit(3, "crash n2 at 500ms for 1000ms; partition {n0,n1} at 700ms for 300ms; pause n3 at 600ms for 200ms");
        kit.advance(Duration.ofMillis(750));
        var sim = kit.simulation();
        assertThat(sim.node(2).isUp()).isFalse();
        assertThat(sim.node(3).isPaused()).isTrue();
        assertThat(sim.network().isBlocked(0, 4)).isTrue();
        assertThat(sim.network().isBlocked(4, 1)).isTrue();
        assertThat(sim.network().isBlocked(0, 1)).isFalse();
        assertThat(sim.network().isBlocked(0, kit.nodes())).as("clients reach every node").isFalse();
        kit.runUntilHealed();
        assertThat(kit.nowMillis()).isGreaterThanOrEqualTo(1500);
        for (int i = 0; i < kit.nodes(); i++) {
            assertThat(sim.node(i).isUp()).isTrue();
            assertThat(sim.node(i).isPaused()).isFalse();
        }
        assertThat(sim.network().blockedLinks()).isEmpty();
    }

    @Test
    void overlappingPartitionsAddUpAndEachEndsOnItsOwnTime() {
        ClusterTestKit kit = kit(4, "partition {n0} at 100ms for 1000ms; partition {n1} at 200ms for 200ms");
        kit.advance(Duration.ofMillis(300));
        assertThat(kit.simulation().network().isBlocked(0, 2)).isTrue();
        assertThat(kit.simulation().network().isBlocked(1, 2)).isTrue();
        kit.advance(Duration.ofMillis(200));
        assertThat(kit.simulation().network().isBlocked(0, 2)).as("the longer partition still holds").isTrue();
        assertThat(kit.simulation().network().isBlocked(1, 2)).isFalse();
    }

    @Test
    void acknowledgedIncrementsSurviveACrashOfEveryNodeInTurnAndTheRunIsItsSeeds() {
        String plan = "crash n0 at 200ms for 800ms; crash n1 at 1200ms for 800ms; crash n2 at 2200ms for 800ms; "
                + "crash n3 at 3200ms for 800ms; crash n4 at 4200ms for 800ms";
        long[] first = incrementThroughFaults(kit(9, plan));
        assertThat(first[0]).as("some increments were acknowledged").isPositive();
        assertThat(first[2]).as("final value within [acknowledged, acknowledged + unknown]").isBetween(first[0], first[0] + first[1]);
        ClusterTestKit again = kit(9, plan);
        long[] second = incrementThroughFaults(again);
        assertThat(second).containsExactly(first);
        assertThat(again.repro()).isEqualTo("seed=9 nodes=5 faults=\"" + FaultPlan.parse(plan) + "\"");
    }

    /** Increments every 100 ms for 5 s, then reads after the faults: {acknowledged, failed, final value, digest hash}. */
    private static long[] incrementThroughFaults(ClusterTestKit kit) {
        long acknowledged = 0;
        long failed = 0;
        for (int i = 0; i < 50; i++) {
            kit.advance(Duration.ofMillis(100));
            try {
                kit.fetch("COUNTERS", "c", Request.post("/inc", ""));
                acknowledged++;
            } catch (DuroException e) {
                failed++;
            }
        }
        kit.runUntilHealed();
        long value = Long.parseLong(kit.getEventually("COUNTERS", "c", "/get"));
        return new long[] {acknowledged, failed, value, kit.traceDigest().hashCode()};
    }
}
