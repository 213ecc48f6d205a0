package dev.duro.testkit;

import dev.duro.scenarios.testkit.Fault;
import dev.duro.scenarios.testkit.FaultPlan;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** Generated fault plans fit the cluster, stay in their window, cut off minorities only, and read back from their text. */
class DuroArbitrariesProperties {
    @Provide
    Arbitrary<FaultPlan> plans() {
        return DuroArbitraries.faultPlans(5, 6_000);
    }

    @Property(tries = 200)
    void plansFitFiveNodesAndTheirWindow(@ForAll("plans") FaultPlan plan) {
        plan.checkFits(5);
        assertThat(plan.faults()).hasSizeLessThanOrEqualTo(DuroArbitraries.DEFAULT_MAX_FAULTS);
        for (Fault f : plan.faults()) {
            assertThat(f.atMs()).isBetween(0L, 5_999L);
            assertThat(f.durationMs()).isBetween(DuroArbitraries.MIN_FAULT_MS, 3_000L);
            if (f instanceof Fault.Partition p) assertThat(p.side()).hasSizeBetween(1, 2);
        }
        assertThat(FaultPlan.parse(plan.toString())).isEqualTo(plan);
    }
}
