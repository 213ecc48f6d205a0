package dev.duro.scenarios.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.sim.run.FaultSelection;
import dev.duro.sim.run.RunConfig;
import dev.duro.sim.run.RunResult;
import dev.duro.sim.run.Runner;
import dev.duro.sim.trace.EventKind;
import dev.duro.sim.trace.TraceEvent;
import dev.duro.sim.trace.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The chat room across the full-cluster restart, with no faults at all. On a cluster the room
 * serves again only a lease after the restart, which is after the final log read was sent; the
 * members used to resend their unacknowledged posts when they reconnected then, so the room
 * wrote them after serving the final read and the checks (rightly, for a read that follows every
 * write) reported them lost (H2, H4) in every seed. The workload writes nothing after its stop.
 */
class ChatScenarioTest {
    private static final int SEEDS = 4;

    /** Records the times at which the room wrote while handling a member's frame (a post). */
    private static final class PostWrites implements TraceListener {
        final Map<Integer, Boolean> inWsMessage = new TreeMap<>();
        final List<Long> writeNanos = new ArrayList<>();
        long finalReadsNanos = Long.MAX_VALUE;

        @Override
        public void onEvent(TraceEvent e) {
            if (e.kind() == EventKind.NOTE && "phase".equals(e.label()) && "final reads".equals(e.detail())) {
                finalReadsNanos = e.timeNanos();
            }
            if (e.kind() != EventKind.RECORD || e.label() == null) return;
            String d = e.detail() == null ? "" : e.detail();
            switch (e.label()) {
                case "obj-event-begin" -> inWsMessage.put(e.node(), d.contains("event=ws-message"));
                case "obj-event-end" -> inWsMessage.put(e.node(), false);
                case "obj-write" -> {
                    if (inWsMessage.getOrDefault(e.node(), false)) writeNanos.add(e.timeNanos());
                }
                default -> { }
            }
        }

        long writesAfterFinalReads() {
            return writeNanos.stream().filter(t -> t >= finalReadsNanos).count();
        }
    }

    @Test
    void aFullClusterRestartWithoutFaultsLosesNoPostAndNoPostRacesTheFinalRead() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            PostWrites posts = new PostWrites();
            RunResult r = Runner.run(new ChatScenario(), RunConfig.of(seed, ChatScenario.NAME)
                    .withFaults(FaultSelection.parse("none")).withNodes(5), posts);
            assertThat(posts.finalReadsNanos).as("seed %d: the final reads phase was noted", seed).isNotEqualTo(Long.MAX_VALUE);
            assertThat(posts.writeNanos).as("seed %d: the room took posts", seed).isNotEmpty();
            assertThat(posts.writesAfterFinalReads()).as("seed %d: posts written after the final reads began (they race the"
                    + " final log read); repro: %s", seed, r.repro()).isZero();
            assertThat(r.violations()).as("seed %d: %s", seed, r.repro()).isEmpty();
        }
    }
}
