package dev.duro.deploy.http;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.model.world.Loop;
import dev.duro.runtime.edge.EdgeSocket;
import dev.duro.runtime.edge.EdgeSocketSession;
import dev.duro.runtime.edge.FrontDoor;

import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A front door that runs nothing: no namespaces, and sockets named "7" that echo what the client
 * sends (the object closes with 1000 "bye" when told "bye"). Records what reaches it.
 */
final class DoubleDoor implements FrontDoor {
    static final String SOCKET = "7";
    final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final Loop loop;
    private boolean draining;

    DoubleDoor(Loop loop) {
        this.loop = loop;
    }

    @Override
    public WorkerEnv workerEnv() {
        return new WorkerEnv() {
            @Override
            public ObjectNamespace namespace(String binding) {
                throw new DuroException(ErrorCode.UNKNOWN_NAMESPACE, "no binding '" + binding + "'; bound: (none)");
            }

            @Override
            public SortedSet<String> bindings() {
                return new TreeSet<>();
            }

            @Override
            public <T> Promise<T> completed(T value) {
                return Promise.succeeded(loop, value);
            }

            @Override
            public <T> Promise<T> failed(Throwable failure) {
                return Promise.failed(loop, failure);
            }
        };
    }

    @Override
    public Promise<Response> fetch(EdgeCall call) {
        return Promise.failed(loop, new DuroException(ErrorCode.INTERNAL, "the HTTP adapter calls the worker, not fetch"));
    }

    @Override
    public EdgeSocketSession adoptSocket(Response response, EdgeSocket toClient) {
        if (!loop.inLoop()) throw new AssertionError("adoptSocket off the loop");
        String name = response.header(EDGE_SOCKET_HEADER);
        if (!SOCKET.equals(name)) throw new DuroException(ErrorCode.INTERNAL, "no socket '" + name + "' to adopt");
        events.add("adopted " + name);
        return new EdgeSocketSession() {
            @Override
            public void message(WebSocketMessage message) {
                if (!loop.inLoop()) throw new AssertionError("message off the loop");
                events.add("message " + message.asText());
                if (message.asText().equals("bye")) {
                    toClient.close(1000, "bye");
                } else {
                    toClient.send(message);
                }
            }

            @Override
            public void close(int code, String reason, boolean wasClean) {
                events.add("close " + code + " " + reason + " " + wasClean);
            }
        };
    }

    @Override
    public void drain() {
        draining = true;
    }

    @Override
    public int inFlight() {
        return 0;
    }

    boolean draining() {
        return draining;
    }
}
