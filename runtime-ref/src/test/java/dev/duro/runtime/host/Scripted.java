package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.AlarmHandler;
import dev.duro.model.object.AlarmInfo;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.runtime.config.NamespaceBinding;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Test objects whose behaviour a test scripts. The script lives outside the instances, so it
 * observes every activation (constructor runs, alarm attempts, messages).
 *
 * <p>Default fetch: a counter. {@code /inc} adds one to key "n" and answers the new value;
 * {@code /get} answers it; {@code /throw} throws; anything else 404.
 */
final class Scripted {
    int constructed;
    Consumer<ObjectContext> onConstruct = ctx -> { };
    BiFunction<ObjectContext, Request, Promise<Response>> fetch = Scripted::counter;
    BiFunction<ObjectContext, AlarmInfo, Promise<Void>> alarm = (ctx, info) -> ctx.completed(null);
    final List<AlarmInfo> alarms = new ArrayList<>();
    final List<Long> alarmWallMillis = new ArrayList<>();
    final List<String> received = new ArrayList<>();
    BiFunction<ObjectContext, WebSocket, Promise<Void>> onMessage = (ctx, ws) -> ctx.completed(null);

    static Promise<Response> counter(ObjectContext ctx, Request r) {
        switch (r.pathOnly()) {
            case "/inc" -> {
                long n = value(ctx) + 1;
                ctx.storage().put("n", n);
                return ctx.completed(Response.ok(Long.toString(n)));
            }
            case "/get" -> {
                return ctx.completed(Response.ok(Long.toString(value(ctx))));
            }
            case "/throw" -> throw new IllegalStateException("boom from the handler");
            default -> {
                return ctx.completed(Response.status(404, "no " + r.path()));
            }
        }
    }

    static long value(ObjectContext ctx) {
        Long n = ctx.storage().get("n", Long.class);
        return n == null ? 0 : n;
    }

    /** A plain object (no alarm or WebSocket handler). */
    NamespaceBinding plain(String ns) {
        return new NamespaceBinding(ns, (ObjectFactory) ctx -> new Plain(ctx, this));
    }

    /** An object with an alarm handler and a WebSocket handler. */
    NamespaceBinding full(String ns) {
        return new NamespaceBinding(ns, (ObjectFactory) ctx -> new Full(ctx, this));
    }

    static class Plain implements DurableObject {
        final ObjectContext ctx;
        final Scripted script;

        Plain(ObjectContext ctx, Scripted script) {
            this.ctx = ctx;
            this.script = script;
            script.constructed++;
            script.onConstruct.accept(ctx);
        }

        @Override
        public Promise<Response> fetch(Request request) {
            return script.fetch.apply(ctx, request);
        }
    }

    static final class Full extends Plain implements AlarmHandler, WebSocketHandler {
        Full(ObjectContext ctx, Scripted script) {
            super(ctx, script);
        }

        @Override
        public Promise<Void> alarm(AlarmInfo info) {
            script.alarms.add(info);
            script.alarmWallMillis.add(ctx.nowMillis());
            return script.alarm.apply(ctx, info);
        }

        @Override
        public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
            script.received.add(socket.id() + ":" + message.asText());
            return script.onMessage.apply(ctx, socket);
        }

        @Override
        public Promise<Void> webSocketClose(WebSocket socket, int code, String reason, boolean wasClean) {
            script.received.add(socket.id() + ":closed " + code);
            return null;
        }
    }
}
