package dev.duro.deploy.serve;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocket;
import dev.duro.model.websocket.WebSocketHandler;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.worker.Worker;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;

import java.util.List;

/** A test application: {@code /ws/<name>} opens a WebSocket to object {@code <name>}, which answers "echo <text>" and closes on "bye". */
final class SocketEcho implements DurableObject, WebSocketHandler {
    static final String BINDING = "ECHO";
    private final ObjectContext ctx;

    SocketEcho(ObjectContext ctx) {
        this.ctx = ctx;
    }

    static Deployment deployment(byte[] secret) {
        return new Deployment(secret, List.of(new NamespaceBinding(BINDING, (ObjectFactory) SocketEcho::new)));
    }

    static Worker worker() {
        return (request, env) -> {
            String path = request.pathOnly();
            if (!path.startsWith("/ws/")) return env.completed(Response.status(404, "no route\n"));
            return env.namespace(BINDING).getByName(path.substring(4)).fetch(request);
        };
    }

    @Override
    public Promise<Response> fetch(Request request) {
        if (!request.isWebSocketUpgrade()) return ctx.completed(Response.status(400, "upgrade to a WebSocket\n"));
        ctx.acceptWebSocket(request);
        return ctx.completed(Response.switchingProtocols());
    }

    @Override
    public Promise<Void> webSocketMessage(WebSocket socket, WebSocketMessage message) {
        if (message.asText().equals("bye")) {
            socket.close(1000, "bye");
        } else {
            socket.send("echo " + message.asText());
        }
        return ctx.completed(null);
    }
}
