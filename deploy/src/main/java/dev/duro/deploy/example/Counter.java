package dev.duro.deploy.example;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.SqlRow;
import dev.duro.model.storage.SqlStorage;

import java.util.List;

/**
 * The example object: a counter kept twice, in a SQL table and under a KV key, answering the
 * routes of the peer benchmark's object ({@code /counter}, {@code /read} on SQL, {@code /kv},
 * {@code /kvread} on the KV API). The body is the value and a newline, or {@code "<value> <name>"}
 * and a newline with {@code ?echo}; any other operation is 400 {@code bad op}. A write's answer
 * leaves the object only after the write is durable (the output gate).
 */
public final class Counter implements DurableObject {
    static final String KV_KEY = "n";
    private final ObjectContext ctx;
    private boolean tableReady;

    public Counter(ObjectContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        String[] parts = request.pathOnly().split("/", -1); // "", op, name
        String op = parts.length > 1 ? parts[1] : "";
        String name = parts.length > 2 ? parts[2] : "";
        long value;
        switch (op) {
            case "counter" -> value = sql().exec("INSERT INTO counter (id, value) VALUES (1, 1) "
                    + "ON CONFLICT(id) DO UPDATE SET value = value + 1 RETURNING value").one().getLong("value");
            case "read" -> {
                List<SqlRow> rows = sql().exec("SELECT value FROM counter WHERE id = 1").toList();
                value = rows.isEmpty() ? 0 : rows.getFirst().getLong("value");
            }
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
