package dev.duro.wire;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderedInboxTest {
    @Test
    void deliversInOrderOnceAndReleasesEarlyFramesWhenTheGapCloses() {
        OrderedInbox<String> in = new OrderedInbox<>(8, 0);
        assertThat(in.offer(1, "a", 0)).containsExactly("a");
        assertThat(in.offer(3, "c", 1)).isEmpty();
        assertThat(in.offer(4, "d", 1)).isEmpty();
        assertThat(in.hasGap()).isTrue();
        assertThat(in.offer(1, "a", 2)).isEmpty();
        assertThat(in.offer(3, "c", 2)).isEmpty();
        assertThat(in.offer(2, "b", 3)).containsExactly("b", "c", "d");
        assertThat(in.hasGap()).isFalse();
        assertThat(in.deliveredSeq()).isEqualTo(4);
        assertThat(in.duplicates()).isEqualTo(2);
    }

    @Test
    void aGapStallsOnlyWhenNothingProgressesForTheTimeout() {
        OrderedInbox<String> in = new OrderedInbox<>(8, 0);
        in.offer(1, "a", 0);
        assertThat(in.gapStalledFor(1_000, 10)).isFalse(); // no gap, however long
        in.noteSentUpTo(2, 100); // the sender's keepalive says 2 was sent: a lost tail
        assertThat(in.gapStalledFor(110, 10)).isFalse();
        assertThat(in.gapStalledFor(111, 10)).isTrue();
        in.offer(3, "c", 120); // still behind the gap: not progress
        assertThat(in.gapStalledFor(121, 10)).isTrue();
        assertThat(in.offer(2, "b", 130)).containsExactly("b", "c");
        assertThat(in.gapStalledFor(10_000, 10)).isFalse();
    }

    @Test
    void tooManyFramesBehindAGapOverflow() {
        OrderedInbox<String> in = new OrderedInbox<>(2, 0);
        assertThat(in.offer(2, "b", 0)).isEmpty();
        assertThat(in.offer(3, "c", 0)).isEmpty();
        assertThat(in.offer(4, "d", 0)).isNull();
    }
}
