package dev.duro.deploy.example;

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
 * The example object: a counter kept twice, in a SQL table and under a KV key, answering the
 * routes of the peer benchmark's object ({@code /counter}, {@code /read} on SQL, {@code /kv},
 * {@code /kvread} on the KV API). The body is the value and a newline, or {@code "<value> <name>"}
 * and a newline with {@code ?echo}; any other operation is 400 {@code bad op}. A write's answer
 * leaves the object only after the write is durable (the output gate). {@code /ws} accepts a
 * WebSocket on which text {@code inc} adds one to the SQL counter and answers the new value,
 * {@code read} answers it, and anything else is answered {@code bad op}.
 */
public final class Counter implements DurableObject, WebSocketHandler {
    static final String KV_KEY = "n";
    private final ObjectContext ctx;
    private boolean tableReady;

    public Counter(ObjectContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        if (request.isWebSocketUpgrade()) {
            ctx.acceptWebSocket(request);
            return ctx.completed(Response.switchingProtocols());
        }
        String[] parts = request.pathOnly().split("/", -1); // "", op, name
        String op = parts.length > 1 ? parts[1] : "";
        String name = parts.length > 2 ? parts[2] : "";
        long value;
        switch (op) {
            case "counter" -> value = increment();
            case "read" -> value = sqlValue();
            case "kv" -> {
                value = kvValue() + 1;
                ctx.storage().put(KV_KEY, value);
            }
            case "kvread" -> value = kvValue();
            default -> {
                return ctx.completed(Response.status(400, "bad op\n"));
            }
        }
        String body = request.query("echo") != null ? value + " " + name + "\n" : value + "\n";
        return ctx.completed(Response.ok(body));
    }

    @Override
    public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
        switch (message instanceof WebSocketMessage.Text t ? t.text() : "") {
            case "inc" -> socket.send(Long.toString(increment()));
            case "read" -> socket.send(Long.toString(sqlValue()));
            default -> socket.send("bad op");
        }
        return ctx.completed(null);
    }

    private long increment() {
        return sql().exec("INSERT INTO counter (id, value) VALUES (1, 1) "
                + "ON CONFLICT(id) DO UPDATE SET value = value + 1 RETURNING value").one().getLong("value");
    }

    private long sqlValue() {
        List<SqlRow> rows = sql().exec("SELECT value FROM counter WHERE id = 1").toList();
        return rows.isEmpty() ? 0 : rows.getFirst().getLong("value");
    }

    private long kvValue() {
        Long stored = ctx.storage().get(KV_KEY, Long.class);
        return stored == null ? 0 : stored;
    }

    private SqlStorage sql() {
        SqlStorage sql = ctx.storage().sql();
        if (!tableReady) {
            sql.exec("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
            tableReady = true;
        }
        return sql;
    }
}
