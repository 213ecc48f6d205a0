package dev.duro.runtime.gateway;

import dev.duro.runtime.edge.ClientSockets;
import dev.duro.runtime.edge.ObjectEndpoint;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.World;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A scripted object endpoint for gateway tests, by path: {@code /echo} answers with the body and
 * the object's name; {@code /throw} fails as the object's code would; {@code /reset} fails RESET;
 * {@code /slow?ms=N} answers after N ms; {@code /big} answers with 5 MiB; {@code /hang} never
 * answers. An upgrade is accepted (101 + socket id) unless the path is {@code /refuse}; on
 * {@code /early} the object sends "hello" before its 101. Socket messages are echoed back with
 * "echo:"; the text "close" makes the object close with 1000 "bye".
 */
final class FakeEndpoint implements ObjectEndpoint {
    final World world;
    final List<String> events = new ArrayList<>();
    int fetches;
    ClientSockets sink;
    private long nextSocketId = 100;

    FakeEndpoint(World world) {
        this.world = world;
    }

    @Override
    public Promise<Response> fetch(String namespace, ObjectId id, Request request) {
        fetches++;
        String who = id.name().orElse(id.hex().substring(0, 8));
        events.add("fetch " + namespace + " " + who + " " + request.method() + " " + request.path());
        if (request.isWebSocketUpgrade()) {
            if (request.pathOnly().equals("/refuse")) return Promise.succeeded(world.loop(), Response.status(403, "go away"));
            long socketId = nextSocketId++;
            if (request.pathOnly().equals("/early")) sink.send(namespace, id, socketId, new WebSocketMessage.Text("hello"));
            TreeMap<String, String> headers = new TreeMap<>(Response.switchingProtocols().headers());
            headers.put(SOCKET_ID_HEADER, Long.toString(socketId));
            return Promise.succeeded(world.loop(), new Response(101, headers, null));
        }
        return switch (request.pathOnly()) {
            case "/echo" -> Promise.succeeded(world.loop(), Response.ok(request.bodyText() + " from " + who));
            case "/throw" -> Promise.failed(world.loop(), new DuroException(ErrorCode.OBJECT_ERROR, "boom from " + who));
            case "/reset" -> Promise.failed(world.loop(), new DuroException(ErrorCode.RESET, "activation reset"));
            case "/big" -> Promise.succeeded(world.loop(), Response.ok(new byte[5 * 1024 * 1024]));
            case "/hang" -> Promise.on(world.loop());
            case "/slow" -> {
                Promise<Response> p = Promise.on(world.loop());
                world.loop().schedule(Long.parseLong(request.query("ms")) * 1_000_000L, () -> p.complete(Response.ok("slow")));
                yield p;
            }
            default -> Promise.succeeded(world.loop(), Response.status(404, "no " + request.path()));
        };
    }

    @Override
    public void webSocketMessage(String namespace, ObjectId id, long socketId, WebSocketMessage message) {
        events.add("ws-message " + socketId + " " + message.asText());
        if (message.asText().equals("close")) {
            sink.close(namespace, id, socketId, 1000, "bye");
        } else {
            sink.send(namespace, id, socketId, new WebSocketMessage.Text("echo:" + message.asText()));
        }
    }

    @Override
    public void webSocketClose(String namespace, ObjectId id, long socketId, int code, String reason, boolean wasClean) {
        events.add("ws-close " + socketId + " " + code + " " + wasClean);
    }

    @Override
    public void attachClientSockets(ClientSockets sink) {
        this.sink = sink;
    }

    List<String> eventsStartingWith(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
