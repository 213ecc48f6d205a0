package dev.duro.scenarios.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.Violation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatChecksTest {
    private static ChatChecks.Seen s(long seq, String member, String id) {
        return new ChatChecks.Seen(seq, member, id);
    }

    private static final List<ChatChecks.Seen> LOG = List.of(s(1, "m0", "m0-1"), s(2, "m1", "m1-1"), s(3, "m0", "m0-2"));

    private static ChatChecks.MemberView m0(List<List<Long>> live, List<ChatChecks.Seen> seen, long histMax) {
        return new ChatChecks.MemberView("m0", live, seen, Set.of("m0-1", "m0-2"), Set.of("m0-1", "m0-2"), histMax, true);
    }

    private static ChatChecks.MemberView m1() {
        return new ChatChecks.MemberView("m1", List.of(List.of(2L, 3L)), List.of(s(2, "m1", "m1-1"), s(3, "m0", "m0-2"),
                s(1, "m0", "m0-1")), Set.of("m1-1"), Set.of("m1-1"), 3, true);
    }

    @Test
    void aCleanRoomPasses() {
        var m0 = m0(List.of(List.of(1L, 2L), List.of(3L)), LOG, 3);
        assertThat(ChatChecks.check(List.of(m0, m1()), LOG)).isEmpty();
    }

    @Test
    void aGapOnAConnectionIsCaught() {
        var m0 = m0(List.of(List.of(1L, 3L)), LOG, 3);
        assertThat(ChatChecks.check(List.of(m0, m1()), LOG)).extracting(Violation::property).containsExactly("H1");
    }

    @Test
    void aMessageSeenThenRenumberedIsCaught() {
        var m0 = m0(List.of(List.of(1L, 2L, 3L)), List.of(s(1, "m0", "m0-1"), s(2, "m1", "m1-1"), s(3, "m0", "m0-2")), 3);
        List<ChatChecks.Seen> log = List.of(s(1, "m0", "m0-1"), s(2, "m0", "m0-2"));
        assertThat(ChatChecks.check(List.of(m0), log)).extracting(Violation::property).containsExactly("H2", "H2");
    }

    @Test
    void anAcknowledgedPostMissingFromTheLogIsCaught() {
        var m0 = new ChatChecks.MemberView("m0", List.of(), List.of(), Set.of("m0-1", "m0-2", "m0-9"), Set.of("m0-9"), 0, false);
        assertThat(ChatChecks.check(List.of(m0, m1()), LOG)).extracting(Violation::property).containsExactly("H4");
    }

    @Test
    void aHoleInTheLogAndAnIncompleteCatchUpAreCaught() {
        List<ChatChecks.Seen> log = List.of(s(1, "m0", "m0-1"), s(3, "m0", "m0-2"));
        var m0 = m0(List.of(), List.of(s(1, "m0", "m0-1")), 3);
        assertThat(ChatChecks.check(List.of(m0), log)).extracting(Violation::property).contains("H3", "H5");
    }
}
