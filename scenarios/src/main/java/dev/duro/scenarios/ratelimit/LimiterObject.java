package dev.duro.scenarios.ratelimit;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import java.util.List;

/**
 * A rate limiter: per key, at most {@code limit} grants per {@code windowMs} with bursts up to
 * {@code limit}, as a generic cell rate algorithm (GCRA, a token bucket kept as one number: the
 * theoretical arrival time {@code tat}). Emission interval {@code T = windowMs / limit}, burst
 * tolerance {@code tau = windowMs - T}; a request at time {@code t} is granted iff
 * {@code tat <= t + tau}, and then {@code tat = max(tat, t) + T}.
 *
 * <p>Time is the object's wall clock made monotone per key ({@code t = max(now, last grant time)}),
 * so a clock jumping back never re-opens a window. State per key in KV: {@code [tat, last]}.
 * Routes: {@code POST /take?key=} answers {@code granted <t> <tat>} or {@code denied <t> <tat>};
 * {@code GET /state?key=} answers {@code <tat> <last>}.
 */
public final class LimiterObject implements DurableObject {
    private final ObjectContext ctx;
    private final long emissionMs;
    private final long toleranceMs;

    LimiterObject(ObjectContext ctx, long windowMs, int limit) {
        this.ctx = ctx;
        this.emissionMs = windowMs / limit;
        this.toleranceMs = windowMs - emissionMs;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        String key = request.query("key");
        if (key == null || key.isEmpty()) return ctx.completed(Response.status(400, "key= is required"));
        List<?> state = ctx.storage().get("b:" + key, List.class);
        long tat = state == null ? 0 : (Long) state.get(0);
        long last = state == null ? 0 : (Long) state.get(1);
        return ctx.completed(switch (request.pathOnly()) {
            case "/take" -> {
                long t = Math.max(ctx.nowMillis(), last);
                if (tat <= t + toleranceMs) {
                    long next = Math.max(tat, t) + emissionMs;
                    ctx.storage().put("b:" + key, List.of(next, t));
                    yield Response.ok("granted " + t + " " + next);
                }
                yield Response.ok("denied " + t + " " + tat);
            }
            case "/state" -> Response.ok(tat + " " + last);
            default -> Response.status(404, "no route " + request.pathOnly());
        });
    }
}
