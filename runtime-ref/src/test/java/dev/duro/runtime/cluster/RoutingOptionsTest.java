package dev.duro.runtime.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The smallest legal routing options are accepted, and the values just below refused. */
class RoutingOptionsTest {

    @Test
    void oneForwardOneNanosecondTimeoutAndOneNanosecondSweepAreTheSmallestLegalValues() {
        RoutingOptions smallest = new RoutingOptions(1, 1, 1);
        assertThat(smallest.maxInFlightForwards()).isEqualTo(1);
        assertThat(RoutingOptions.defaults().withMaxInFlightForwards(1).maxInFlightForwards()).isEqualTo(1);
        assertThatThrownBy(() -> new RoutingOptions(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoutingOptions(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoutingOptions(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
