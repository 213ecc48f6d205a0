package dev.duro.scenarios.kv;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import java.util.Objects;

/**
 * A bag of registers on the KV API: {@code GET /get?key=k} answers {@code =value} or {@code nil},
 * {@code POST /put?key=k&value=v} answers {@code ok}, {@code POST /cas?key=k&from=a&to=b} (from
 * {@code nil} = absent) answers {@code true} or {@code false}. Values are strings without spaces.
 */
public final class RegisterObject implements DurableObject {
    static final String NIL = "nil";

    private final ObjectContext ctx;

    public RegisterObject(ObjectContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        String key = request.query("key");
        if (key == null || key.isEmpty()) return ctx.completed(Response.status(400, "key= is required"));
        String slot = "k:" + key;
        String current = ctx.storage().get(slot, String.class);
        return ctx.completed(switch (request.pathOnly()) {
            case "/get" -> Response.ok(current == null ? NIL : "=" + current);
            case "/put" -> {
                ctx.storage().put(slot, request.query("value"));
                yield Response.ok("ok");
            }
            case "/cas" -> {
                String from = request.query("from");
                boolean matches = NIL.equals(from) ? current == null : Objects.equals(from, current);
                if (matches) ctx.storage().put(slot, request.query("to"));
                yield Response.ok(String.valueOf(matches));
            }
            default -> Response.status(404, "no route " + request.pathOnly());
        });
    }
}
