package dev.duro.examples;

import dev.duro.model.object.DuroException;
import dev.duro.scenarios.testkit.ClusterTestKit;

import java.time.Duration;
import java.util.List;

/** The workload both leaderboard properties run: the scores one by one, then, once the faults are over, the whole board. */
final class LeaderboardWorkload {
    static final String NS = "BOARDS";
    static final String BOARD = "weekly";

    private LeaderboardWorkload() {
    }

    /**
     * Sends {@code scores}, waits out the faults, reads the board (retrying while it is unavailable:
     * objects may still be moving back) and checks it against what the client knows.
     */
    static void run(ClusterTestKit kit, List<Score> scores) {
        BoardModel model = new BoardModel();
        for (Score s : scores) {
            kit.advance(Duration.ofMillis(s.afterMs()));
            model.sent(s);
            try {
                kit.fetch(NS, BOARD, s.request());
                model.acknowledged(s);
            } catch (DuroException e) {
                // Unavailable under the faults: the score may or may not be in. The model allows both.
            }
        }
        kit.runUntilHealed();
        model.check(kit.getEventually(NS, BOARD, "/top?n=100"));
    }
}
