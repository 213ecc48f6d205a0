package dev.duro.scenarios.chat;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.SqlRow;
import dev.duro.model.storage.SqlStorage;
import dev.duro.model.websocket.AutoResponse;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import java.util.List;
import java.util.Map;

/**
 * A chat room on hibernatable WebSockets and the SQL API. Members connect with
 * {@code GET /connect?member=<name>} (upgrade; accepted with the member's name as tag and
 * attachment). Frames from members: {@code post <msgId>} appends to {@code messages(seq, msg_id,
 * member)} (idempotent by msgId) and broadcasts {@code msg <seq> <member> <msgId>} to every member
 * socket, or answers a resent post with {@code dup <seq> <member> <msgId>} to its sender only;
 * {@code hist <afterSeq>} answers {@code hist <seq> <member> <msgId>} for each later message, then
 * {@code hist-end <maxSeq>}. {@code ping} is answered {@code pong} by the platform without waking
 * the room. {@code GET /log} answers the whole log, one {@code <seq> <member> <msgId>} per line.
 */
public final class ChatRoom implements DurableObject, WebSocketHandler {
    private final ObjectContext ctx;
    /** Workload variant: a post's insert and its broadcast run inside one transactionSync (output inside a transaction). */
    private final boolean outputInTransaction;
    private boolean schemaReady;

    public ChatRoom(ObjectContext ctx) {
        this(ctx, false);
    }

    public ChatRoom(ObjectContext ctx, boolean outputInTransaction) {
        this.ctx = ctx;
        this.outputInTransaction = outputInTransaction;
        ctx.setWebSocketAutoResponse(new AutoResponse("ping", "pong"));
    }

    private SqlStorage sql() {
        SqlStorage sql = ctx.storage().sql();
        if (!schemaReady) {
            sql.exec("CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, msg_id TEXT UNIQUE NOT NULL, "
                    + "member TEXT NOT NULL)");
            schemaReady = true;
        }
        return sql;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        if ("websocket".equals(request.headers().get("upgrade"))) {
            String member = request.query("member");
            if (member == null || member.isEmpty()) return ctx.completed(Response.status(400, "member= is required"));
            WebSocket ws = ctx.acceptWebSocket(request, member);
            ws.serializeAttachment(Map.of("member", member));
            return ctx.completed(Response.switchingProtocols());
        }
        if (request.pathOnly().equals("/log")) {
            StringBuilder b = new StringBuilder();
            for (SqlRow r : sql().exec("SELECT seq, member, msg_id FROM messages ORDER BY seq").toList()) {
                b.append(line(r)).append('\n');
            }
            return ctx.completed(Response.ok(b.toString()));
        }
        return ctx.completed(Response.status(404, "no route " + request.pathOnly()));
    }

    private static String line(SqlRow r) {
        return r.getLong("seq") + " " + r.getString("member") + " " + r.getString("msg_id");
    }

    @Override
    public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
        String[] p = message.asText().split(" ");
        SqlStorage sql = sql();
        switch (p[0]) {
            case "post" -> {
                String member = (String) ((Map<?, ?>) socket.deserializeAttachment()).get("member");
                List<SqlRow> seen = sql.exec("SELECT seq, member, msg_id FROM messages WHERE msg_id = ?", p[1]).toList();
                if (!seen.isEmpty()) {
                    socket.send("dup " + line(seen.get(0)));
                    break;
                }
                Runnable post = () -> {
                    long seq = sql.exec("SELECT coalesce(max(seq), 0) + 1 AS next FROM messages").one().getLong("next");
                    sql.exec("INSERT INTO messages (seq, msg_id, member) VALUES (?, ?, ?)", seq, p[1], member);
                    String frame = "msg " + seq + " " + member + " " + p[1];
                    for (WebSocket ws : ctx.getWebSockets()) ws.send(frame);
                };
                if (outputInTransaction) {
                    ctx.storage().transactionSync(post); // the broadcast leaves only once the insert is durable
                } else {
                    post.run();
                }
            }
            case "hist" -> {
                long after = Long.parseLong(p[1]);
                for (SqlRow r : sql.exec("SELECT seq, member, msg_id FROM messages WHERE seq > ? ORDER BY seq", after).toList()) {
                    socket.send("hist " + line(r));
                }
                socket.send("hist-end " + sql.exec("SELECT coalesce(max(seq), 0) AS m FROM messages").one().getLong("m"));
            }
            default -> socket.send("error unknown frame " + p[0]);
        }
        return ctx.completed(null);
    }
}
