package dev.duro.scenarios.counter;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;

/**
 * A named counter on the KV API: {@code POST /increment} adds one and answers the new value,
 * {@code GET /value} answers the value (0 before the first increment).
 */
public final class CounterObject implements DurableObject {
    static final String KEY = "value";

    private final ObjectContext ctx;

    public CounterObject(ObjectContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        Long stored = ctx.storage().get(KEY, Long.class);
        long value = stored == null ? 0 : stored;
        return switch (request.pathOnly()) {
            case "/increment" -> {
                ctx.storage().put(KEY, value + 1);
                yield ctx.completed(Response.ok(String.valueOf(value + 1)));
            }
            case "/value" -> ctx.completed(Response.ok(String.valueOf(value)));
            default -> ctx.completed(Response.status(404, "no route " + request.pathOnly()));
        };
    }
}
