package dev.duro.scenarios.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimiterChecksTest {
    // limit 4 per 1000 ms: T = 250, tau = 750.
    @Test
    void aBurstOfTheLimitThenTheRefillRatePasses() {
        List<LimiterChecks.Grant> g = List.of(new LimiterChecks.Grant(1000, 1250), new LimiterChecks.Grant(1000, 1500),
                new LimiterChecks.Grant(1000, 1750), new LimiterChecks.Grant(1000, 2000), new LimiterChecks.Grant(1250, 2250),
                new LimiterChecks.Grant(1500, 2500));
        assertThat(LimiterChecks.check("k", 1000, 4, g, 2500L)).isEmpty();
    }

    @Test
    void aFifthGrantInTheBurstIsCaught() {
        List<LimiterChecks.Grant> g = List.of(new LimiterChecks.Grant(1000, 1250), new LimiterChecks.Grant(1000, 1500),
                new LimiterChecks.Grant(1000, 1750), new LimiterChecks.Grant(1000, 2000),
                new LimiterChecks.Grant(1010, 1260)); // a bucket that forgot: granted again
        assertThat(LimiterChecks.check("k", 1000, 4, g, null)).extracting(Violation::property).containsExactly("R1");
    }

    @Test
    void aFinalBucketBehindAnAcknowledgedGrantIsCaught() {
        List<LimiterChecks.Grant> g = List.of(new LimiterChecks.Grant(1000, 1250), new LimiterChecks.Grant(1000, 1500));
        assertThat(LimiterChecks.check("k", 1000, 4, g, 1250L)).extracting(Violation::property).containsExactly("R2");
    }
}
