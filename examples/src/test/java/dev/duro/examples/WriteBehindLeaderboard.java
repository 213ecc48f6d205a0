package dev.duro.examples;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.SqlRow;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * DELIBERATELY WRONG: {@link Leaderboard} with a write-behind cache, as someone might write it to
 * save storage writes. Bests live in memory and reach storage only every {@value #FLUSH_EVERY}
 * scores; answers come from memory. Without faults it answers exactly as the real board does;
 * when the node holding it crashes, or it moves to another node (a pause past its lease, a
 * partition), the scores it acknowledged since the last flush are gone. The output gate cannot
 * help: it holds answers until their writes are durable, and this object wrote nothing.
 * {@link BuggyLeaderboardCheck} finds that, and {@link BuggyLeaderboardTest} asserts it does.
 */
final class WriteBehindLeaderboard implements DurableObject {
    static final int FLUSH_EVERY = 3;

    private final ObjectContext ctx;
    private final Map<String, Long> bests = new TreeMap<>();
    private int unflushed;

    WriteBehindLeaderboard(ObjectContext ctx) {
        this.ctx = ctx;
        ctx.storage().sql().exec("CREATE TABLE IF NOT EXISTS scores (player TEXT PRIMARY KEY, best INTEGER NOT NULL)");
        for (SqlRow r : ctx.storage().sql().exec("SELECT player, best FROM scores").toList()) {
            bests.put((String) r.get("player"), r.getLong("best"));
        }
    }

    @Override
    public Promise<Response> fetch(Request request) {
        return ctx.completed(switch (request.pathOnly()) {
            case "/score" -> {
                String player = request.query("player");
                bests.merge(player, Long.parseLong(request.query("points")), Math::max);
                if (++unflushed >= FLUSH_EVERY) flush();
                yield Response.ok(player + " " + bests.get(player) + "\n");
            }
            case "/top" -> Response.ok(top());
            default -> Response.status(404, "not here\n");
        });
    }

    private void flush() {
        for (Map.Entry<String, Long> e : bests.entrySet()) {
            ctx.storage().sql().exec("INSERT INTO scores (player, best) VALUES (?, ?) "
                    + "ON CONFLICT(player) DO UPDATE SET best = max(best, excluded.best)", e.getKey(), e.getValue());
        }
        unflushed = 0;
    }

    private String top() {
        StringBuilder b = new StringBuilder();
        bests.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
        return b.toString();
    }
}
