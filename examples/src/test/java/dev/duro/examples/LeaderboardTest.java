package dev.duro.examples;

import dev.duro.model.object.Request;
import dev.duro.scenarios.testkit.ClusterTestKit;
import dev.duro.scenarios.testkit.ObjectTestKit;
import dev.duro.scenarios.testkit.TestWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leaderboard's routes and its subscribers, on one node and on a cluster, without faults. */
class LeaderboardTest {
    private static String score(ObjectTestKit kit, String player, int points) {
        return kit.fetchText("BOARDS", "weekly", Request.post("/score?player=" + player + "&points=" + points, ""));
    }

    @Test
    void keepsEachPlayersBestAndRanksThemBestFirstAcrossACrash() {
        ObjectTestKit kit = ObjectTestKit.builder().seed(3).namespace("BOARDS", Leaderboard::new).build();
        assertThat(score(kit, "bob", 40)).isEqualTo("bob 40\n");
        assertThat(score(kit, "ann", 70)).isEqualTo("ann 70\n");
        assertThat(score(kit, "bob", 10)).as("a lower score leaves the best").isEqualTo("bob 40\n");
        assertThat(score(kit, "cyd", 40)).isEqualTo("cyd 40\n");
        kit.crashAndRestart();
        assertThat(kit.get("BOARDS", "weekly", "/top")).isEqualTo("ann 70\nbob 40\ncyd 40\n");
        assertThat(kit.get("BOARDS", "weekly", "/top?n=1")).isEqualTo("ann 70\n");
        assertThat(kit.get("BOARDS", "weekly", "/best?player=bob")).isEqualTo("40\n");
        assertThat(kit.get("BOARDS", "weekly", "/best?player=zed")).isEqualTo("0\n");
        assertThat(kit.fetch("BOARDS", "weekly", Request.get("/nope")).status()).isEqualTo(404);
        assertThat(kit.fetch("BOARDS", "weekly", Request.post("/score?player=ann", "")).status()).isEqualTo(400);
    }

    @Test
    void subscribersHearTheTopWhenItChangesAndOnlyThen() {
        ClusterTestKit kit = ClusterTestKit.builder().seed(5).namespace("BOARDS", Leaderboard::new).build();
        kit.fetch("BOARDS", "weekly", Request.post("/score?player=ann&points=5", ""));
        TestWebSocket ws = kit.connectWebSocket("BOARDS", "weekly");
        assertThat(ws.awaitMessages(1)).containsExactly("top ann=5");
        kit.fetch("BOARDS", "weekly", Request.post("/score?player=bob&points=9", ""));
        kit.fetch("BOARDS", "weekly", Request.post("/score?player=bob&points=2", "")); // no change: no message
        kit.fetch("BOARDS", "weekly", Request.post("/score?player=ann&points=12", ""));
        assertThat(ws.awaitMessages(3)).containsExactly("top ann=5", "top bob=9,ann=5", "top ann=12,bob=9");
        ws.send("again?");
        assertThat(ws.awaitMessages(4)).last().isEqualTo("top ann=12,bob=9");
    }
}
