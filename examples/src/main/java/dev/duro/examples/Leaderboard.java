package dev.duro.examples;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.SqlRow;
import dev.duro.model.storage.SqlStorage;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;

import java.util.List;

/**
 * A game's leaderboard, one object per board: each player's best score in a SQL table, the top
 * players on request, and WebSocket subscribers told the new top whenever it changes.
 *
 * <ul>
 *   <li>{@code POST /score?player=P&points=N}: records N for P if it beats P's best; answers
 *       {@code "P BEST"} (P's best after the call). Scores are kept as bests, so sending the same
 *       score twice (a retry) changes nothing.</li>
 *   <li>{@code GET /top?n=K} (default 10): one line {@code "P BEST"} per player, best first, ties
 *       by name.</li>
 *   <li>{@code GET /best?player=P}: P's best, 0 if none.</li>
 *   <li>A WebSocket upgrade subscribes: the socket gets {@code "top P1=B1,P2=B2,..."} (the top
 *       {@value #WATCHED}) at once and after every score that changes it.</li>
 * </ul>
 *
 * <p>Written against the platform API only ({@code dev.duro.model}), as any user object is: the
 * same class runs in the simulator's test kits and on a real node. Nothing lives in memory but a
 * flag: a crash, a move to another node or an eviction loses nothing the object answered for,
 * because every answer waits behind the output gate for the write before it.
 */
public final class Leaderboard implements DurableObject, WebSocketHandler {
    /** How many players a subscriber watches. */
    public static final int WATCHED = 3;

    private final ObjectContext ctx;
    private boolean tableReady;

    public Leaderboard(ObjectContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        if (request.isWebSocketUpgrade()) {
            WebSocket ws = ctx.acceptWebSocket(request);
            ws.send(topLine());
            return ctx.completed(Response.switchingProtocols());
        }
        return ctx.completed(switch (request.pathOnly()) {
            case "/score" -> score(request.query("player"), request.query("points"));
            case "/top" -> Response.ok(render(top(request.query("n") == null ? 10 : Integer.parseInt(request.query("n")))));
            case "/best" -> Response.ok(best(request.query("player")) + "\n");
            default -> Response.status(404, "usage: POST /score?player=P&points=N | GET /top?n=K | GET /best?player=P\n");
        });
    }

    private Response score(String player, String points) {
        if (player == null || player.isEmpty() || points == null) return Response.status(400, "need player and points\n");
        long n = Long.parseLong(points);
        String before = topLine();
        sql().exec("INSERT INTO scores (player, best) VALUES (?, ?) "
                + "ON CONFLICT(player) DO UPDATE SET best = max(best, excluded.best)", player, n);
        String after = topLine();
        if (!after.equals(before)) {
            for (WebSocket ws : ctx.getWebSockets()) ws.send(after);
        }
        return Response.ok(player + " " + best(player) + "\n");
    }

    private long best(String player) {
        List<SqlRow> rows = sql().exec("SELECT best FROM scores WHERE player = ?", player).toList();
        return rows.isEmpty() ? 0 : rows.getFirst().getLong("best");
    }

    private List<SqlRow> top(int n) {
        return sql().exec("SELECT player, best FROM scores ORDER BY best DESC, player ASC LIMIT ?", n).toList();
    }

    private String topLine() {
        StringBuilder b = new StringBuilder("top ");
        for (SqlRow r : top(WATCHED)) {
            if (b.length() > 4) b.append(',');
            b.append(r.get("player")).append('=').append(r.getLong("best"));
        }
        return b.toString();
    }

    private static String render(List<SqlRow> rows) {
        StringBuilder b = new StringBuilder();
        for (SqlRow r : rows) b.append(r.get("player")).append(' ').append(r.getLong("best")).append('\n');
        return b.toString();
    }

    @Override
    public Promise<Void> webSocketMessage(WebSocket ws, WebSocketMessage message) {
        ws.send(topLine()); // any message asks for the current top again
        return ctx.completed(null);
    }

    private SqlStorage sql() {
        SqlStorage sql = ctx.storage().sql();
        if (!tableReady) {
            sql.exec("CREATE TABLE IF NOT EXISTS scores (player TEXT PRIMARY KEY, best INTEGER NOT NULL)");
            tableReady = true;
        }
        return sql;
    }
}
