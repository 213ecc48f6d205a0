package dev.duro.runtime.log;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The edges of the log's value checks (PIT survivors, docs/mutation.md): the smallest legal value is accepted. */
class LogValueBoundsTest {
    @Test
    void snapshotSeqZeroIsTheEmptyStateAndBelowIsRefused() {
        assertThatCode(() -> new Snapshot(0, 0, new byte[0])).doesNotThrowAnyException();
        assertThatThrownBy(() -> new Snapshot(-1, 0, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneByteSegmentsAndZeroRetentionAreLegalAndBelowIsRefused() {
        assertThatCode(() -> new LogOptions(0, 1, Set.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> new LogOptions(0, 0, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LogOptions(-1, 1, Set.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
