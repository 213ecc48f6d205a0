package dev.duro.runtime.storage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreOptionsTest {
    @Test
    void theSizeLimitMustBePositiveWhileRetentionAndSnapshotsMayBeZero() {
        assertThatThrownBy(() -> new StoreOptions(0, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoreOptions(1, -1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoreOptions(1, 1, false, -1)).isInstanceOf(IllegalArgumentException.class);
        StoreOptions minimal = new StoreOptions(1, 0, false, 0);
        assertThat(minimal.retentionMillis()).isZero();
        assertThat(minimal.snapshotEveryBatches()).isZero();
    }

    @Test
    void withersChangeOnlyTheirField() {
        StoreOptions d = StoreOptions.defaults(true);
        assertThat(d.withRetentionMillis(5)).isEqualTo(new StoreOptions(d.sizeLimitBytes(), 5, true, d.snapshotEveryBatches()));
        assertThat(d.withSizeLimitBytes(7)).isEqualTo(new StoreOptions(7, d.retentionMillis(), true, d.snapshotEveryBatches()));
        assertThat(d.withSnapshotEveryBatches(3)).isEqualTo(new StoreOptions(d.sizeLimitBytes(), d.retentionMillis(), true, 3));
    }
}
